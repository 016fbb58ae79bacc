import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rectify.settings")

from rectify.core.speed.datastack import one_chunk  # noqa: E402  (after the settings module is chosen)

application = one_chunk(get_wsgi_application())

# The embedded default has no broker and no beat: this served process runs the schedule itself.
from django.conf import settings  # noqa: E402

if not settings.CELERY_BROKER_URL and settings.RECTIFY_PERIODIC_IN_PROCESS:
    from rectify.core.periodic import start_in_process

    start_in_process()

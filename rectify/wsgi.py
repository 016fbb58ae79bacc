import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rectify.settings")

from rectify.core.speed.datastack import one_chunk  # noqa: E402  (after the settings module is chosen)

application = one_chunk(get_wsgi_application())

"""Settings for the gunicorn started by `rectify bench`: the production settings plus the bench's
own URLconf, which adds the bare baseline views. Nothing else differs, so the pages measured are
the pages users get."""
from rectify.settings import *  # noqa: F403

ROOT_URLCONF = "rectify.bench.urls"

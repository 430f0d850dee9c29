"""The default settings for ``make run``: embedded SQLite and filesystem broker.

DEBUG stays off so that `make run` shows the portal's own Vietnamese 404/500 pages, as users see
them; ``DEBUG=1 make run`` gives Django's technical pages. WhiteNoise serves the static files
straight from static/ either way (no collectstatic needed)."""

from portal.settings.base import *  # noqa: F403
from portal.settings.base import ALLOWED_HOSTS, env

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "[::1]"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# One line per e-mail in the console (EMAIL_CONSOLE_VERBOSE=1 prints each message whole).
EMAIL_BACKEND = env("EMAIL_BACKEND", default="portal.mail.OneLineConsoleBackend")
EMAIL_CONSOLE_VERBOSE = env.bool("EMAIL_CONSOLE_VERBOSE", default=False)
# The worker prints those lines as they are, not as WARNING log records.
CELERY_WORKER_REDIRECT_STDOUTS = False

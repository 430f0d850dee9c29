"""Settings for the test suite. ``DATABASE_URL`` and ``REDIS_URL`` pick PostgreSQL and Redis (CI)."""

import os
from urllib.parse import urlsplit, urlunsplit

from portal.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": MEDIA_BACKEND,  # noqa: F405 - a folder unless MEDIA_STORAGE=s3 (the backup scripts' tests)
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tests log in with force_login; the throttling test turns axes on for itself.
AXES_ENABLED = False

# Each xdist worker keeps its cache in a Redis database of its own. The workers' databases give the same
# primary keys to different rows, so a cached entry naming a user or a unit (the dashboard's unit
# picker) must not reach the other worker; and a test's cache.clear() (FLUSHDB) must not empty the other
# worker's cache in the middle of its test. A Celery worker a test starts inherits the variable.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _xdist_worker.startswith("gw"):  # noqa: F405
    _url = urlsplit(REDIS_URL)  # noqa: F405
    _base = int(_url.path.strip("/") or 0)
    _db = (_base + 1 + int(_xdist_worker[2:])) % 16
    CACHES["default"]["LOCATION"] = urlunsplit(_url._replace(path=f"/{_db}"))  # noqa: F405

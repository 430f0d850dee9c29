"""Settings for the test suite. ``DATABASE_URL`` and ``REDIS_URL`` pick PostgreSQL and Redis (CI)."""

from portal.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": MEDIA_BACKEND,  # noqa: F405 - a folder unless MEDIA_STORAGE=s3 (the backup scripts' tests)
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tests log in with force_login; the throttling test turns axes on for itself.
AXES_ENABLED = False

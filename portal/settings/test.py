"""Settings for the test suite. ``DATABASE_URL`` and ``REDIS_URL`` pick PostgreSQL and Redis (CI)."""

from portal.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tests log in with force_login; the throttling test turns axes on for itself.
AXES_ENABLED = False

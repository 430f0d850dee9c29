"""The Celery app. Tasks are autodiscovered from each installed app's ``tasks.py``.

Configuration is in the CELERY_* block of the settings: JSON only, late acks with
reject-on-worker-lost, time limits, and the beat schedule (a daily reminder scan at 07:00
Asia/Ho_Chi_Minh). Redis is the broker when REDIS_URL is set; otherwise kombu's filesystem
transport under var/broker, whose folders ``ensure_broker_folders`` creates at startup.
"""

import logging
import os
from pathlib import Path
from typing import Any

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def logging_from_django_settings(loglevel: Any = None, **kwargs: Any) -> None:
    """Workers and beat log as the web does (settings.LOGGING: JSON lines with the request id in
    production) instead of Celery's own format; ``-l LEVEL`` still sets the level."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)


def ensure_broker_folders() -> None:
    """Create the filesystem broker's folders (a no-op with Redis). Called from an AppConfig.ready,
    so the web process, the worker and beat all have them before they first touch the broker."""
    from django.conf import settings

    if not str(getattr(settings, "CELERY_BROKER_URL", "")).startswith("filesystem://"):
        return
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)

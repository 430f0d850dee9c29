"""The default settings for ``make run``: embedded SQLite and filesystem broker, debug on."""

from portal.settings.base import *  # noqa: F403
from portal.settings.base import env

DEBUG = env.bool("DEBUG", default=True)

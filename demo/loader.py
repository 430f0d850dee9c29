"""Loads the demo data set of every app, in dependency order. Idempotent."""

import importlib

from django.db import transaction

from accounts import demo as accounts_demo
from agencies import demo as agencies_demo

LATER_APPS = ["regulations", "meetings"]


@transaction.atomic
def load() -> list[tuple[str, str, str]]:
    agencies_demo.load()
    logins = accounts_demo.load()
    for app in LATER_APPS:
        try:
            module = importlib.import_module(f"{app}.demo")
        except ModuleNotFoundError:
            continue
        module.load()
    return logins

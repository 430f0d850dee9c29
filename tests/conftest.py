"""Fixtures shared by every test. Browser fixtures live in tests/browser/conftest.py."""

from __future__ import annotations

import os

import pytest
from django.test import Client

from tests.factories import TEST_PASSWORD, World, build_world

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls from a
# thread with a running loop unless told otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def world(db) -> World:
    """The small two-province world of ``tests.factories.build_world``."""
    return build_world()


@pytest.fixture
def password() -> str:
    return TEST_PASSWORD


@pytest.fixture
def client_for(db):
    """``client_for(user)``: a test client logged in as ``user``."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture(autouse=True)
def _tmp_media(settings, tmp_path):
    """Uploaded files of a test go to a temporary directory."""
    settings.MEDIA_ROOT = str(tmp_path / "media")

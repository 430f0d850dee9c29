from __future__ import annotations

import pytest

from originals import services


@pytest.fixture
def read_now(monkeypatch):
    """Readings run at once, in the test, instead of going to a Celery worker."""
    monkeypatch.setattr(services, "_enqueue", services.run)

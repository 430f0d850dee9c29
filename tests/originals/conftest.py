from __future__ import annotations

import pytest

from originals import extract, services


@pytest.fixture
def read_now(monkeypatch):
    """Readings run at once, in the test, instead of going to a Celery worker."""
    monkeypatch.setattr(services, "_enqueue", services.run)


@pytest.fixture
def no_ocr(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("OCR must not run for a file with text")

    monkeypatch.setattr(extract, "_ocr", refuse)

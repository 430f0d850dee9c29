"""Fixtures of the reminder tests."""

from __future__ import annotations

import pytest

from notifications import delivery


@pytest.fixture
def enqueued(monkeypatch) -> list[int]:
    """Record the reminder ids handed to Celery instead of sending them to a broker. The test's own
    transaction never commits, so the after-commit hook records at once (test_enqueue_waits_for_commit
    checks the real hook)."""
    ids: list[int] = []
    monkeypatch.setattr(delivery, "enqueue_email", ids.append)
    monkeypatch.setattr(delivery, "enqueue_after_commit", ids.append)
    monkeypatch.setattr(delivery, "enqueue_emails", ids.extend)
    return ids


@pytest.fixture
def digests(monkeypatch) -> list[int]:
    """Record the digest ids handed to Celery (after commit: use django_capture_on_commit_callbacks)."""
    ids: list[int] = []
    monkeypatch.setattr(delivery, "enqueue_digest", ids.append)
    monkeypatch.setattr(delivery, "enqueue_digest_batches", ids.extend)
    return ids

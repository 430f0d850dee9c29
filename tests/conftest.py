"""Fixtures shared by every test. Browser fixtures live in tests/browser/conftest.py."""

from __future__ import annotations

import dataclasses
import os
import uuid
from collections.abc import Iterator
from typing import Any

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


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """moto's S3 server, over HTTP on a free port of 127.0.0.1, for the whole session (of one xdist worker)."""
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@dataclasses.dataclass
class S3Media:
    endpoint: str
    bucket: str
    client: Any

    def keys(self) -> list[str]:
        return sorted(o["Key"] for o in self.client.list_objects_v2(Bucket=self.bucket).get("Contents", []))

    def body(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()


S3_CREDENTIALS = {"aws_access_key_id": "portal-test", "aws_secret_access_key": "portal-test-secret"}


@pytest.fixture
def s3_media(s3_server, settings) -> S3Media:
    """Media of this test in a new, private bucket of the moto server (``MEDIA_STORAGE=s3``)."""
    import boto3

    bucket = f"media-{uuid.uuid4().hex[:16]}"
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", **S3_CREDENTIALS)
    client.create_bucket(Bucket=bucket)
    settings.MEDIA_STORAGE = "s3"
    settings.AWS_STORAGE_BUCKET_NAME = bucket
    settings.AWS_S3_ENDPOINT_URL = s3_server
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_ACCESS_KEY_ID = S3_CREDENTIALS["aws_access_key_id"]
    settings.AWS_SECRET_ACCESS_KEY = S3_CREDENTIALS["aws_secret_access_key"]
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "portal.storage.MediaS3Storage"}}
    return S3Media(s3_server, bucket, client)

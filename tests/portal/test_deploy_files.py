"""Reliability 4, 5, 6: the compose file, the image and the settings agree (no Docker needed)."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")
ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_postgres_matches_the_images_pg_dump():
    image = compose()["services"]["postgres"]["image"]
    server = re.fullmatch(r"postgres:\$\{PG_MAJOR:-(\d+)\}", image)
    assert server, f"postgres image must follow PG_MAJOR: {image}"
    build_arg = compose()["x-app"]["build"]["args"]["PG_MAJOR"]
    assert build_arg == f"${{PG_MAJOR:-{server.group(1)}}}"
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert f"ARG PG_MAJOR={server.group(1)}" in dockerfile
    assert "postgresql-client-${PG_MAJOR}" in dockerfile


def ignored(path: str, patterns: list[str]) -> bool:
    result = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pat = pattern.lstrip("!").rstrip("/")
        if fnmatch.fnmatch(path, pat) or fnmatch.fnmatch(path.split("/")[0], pat):
            result = not negate
    return result


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image():
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for path in [
        ".env",
        ".env.production",
        ".venv/bin/python",
        "node_modules/axe-core/axe.js",
        ".git/HEAD",
        "var/portal.sqlite3",
        "var/media/originals/x.pdf",
        "test-artifacts/a.png",
    ]:
        assert ignored(path, patterns), path
    for path in ["manage.py", "requirements.txt", "portal/settings/base.py", "static/css/portal.css", ".env.example"]:
        assert not ignored(path, patterns), path


def test_celerybeat_does_not_inherit_the_web_health_check():
    services = compose()["services"]
    check = services["celerybeat"].get("healthcheck")
    assert check, "celerybeat must declare its own health check (the image's one fetches the web login page)"
    assert "dang-nhap" not in json.dumps(check) and "8000" not in json.dumps(check)


@pytest.mark.parametrize("password", ["p/ss?word@#x", "a%2Fb", "$ecret:1"])
def test_database_password_with_url_characters(password):
    """Raw in DATABASE_PASSWORD (what compose does) or percent-encoded in DATABASE_URL."""
    from urllib.parse import quote

    code = "from django.conf import settings as s; d = s.DATABASES['default']; print(d['PASSWORD']); print(d['HOST'])"
    base = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE")}
    base["DJANGO_SETTINGS_MODULE"] = "portal.settings.base"
    for extra in (
        {"DATABASE_URL": "postgres://portal@db:5432/portal", "DATABASE_PASSWORD": password},
        {"DATABASE_URL": f"postgres://portal:{quote(password, safe='')}@db:5432/portal"},
    ):
        out = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            cwd=ROOT,
            env={**base, **extra},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
        assert out == [password, "db"], extra
    compose_env = compose()["x-app"]["environment"]
    assert "POSTGRES_PASSWORD" not in compose_env["DATABASE_URL"]
    assert "POSTGRES_PASSWORD" in compose_env["DATABASE_PASSWORD"]


def test_compose_checks_readiness_and_the_image_liveness():
    services = compose()["services"]
    assert "/readyz" in json.dumps(services["web"]["healthcheck"])
    assert "/healthz" in (ROOT / "Dockerfile").read_text().split("HEALTHCHECK", 1)[1]
    assert services["minio"]["healthcheck"] and services["redis"]["healthcheck"] and services["postgres"]["healthcheck"]


def test_compose_keeps_media_in_a_private_versioned_bucket():
    app = compose()["x-app"]
    assert app["environment"]["MEDIA_STORAGE"] == "s3"
    assert "media:/app/var/media" not in json.dumps(app.get("volumes", []))
    setup = " ".join(compose()["services"]["minio-bucket"]["command"])
    assert "mc anonymous set none" in setup and "mc version enable" in setup
    assert app["depends_on"]["minio-bucket"]["condition"] == "service_completed_successfully"

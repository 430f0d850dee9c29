"""`make run`'s console: one line per e-mail unless asked for whole messages; the demo logins can be
printed again without reloading; the script hands PORT to PORTAL_BASE_URL."""

import io
from pathlib import Path

import pytest
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command

from portal.mail import OneLineConsoleBackend

ROOT = Path(__file__).resolve().parent.parent.parent


def send(settings, verbose: bool) -> str:
    settings.EMAIL_CONSOLE_VERBOSE = verbose
    stream = io.StringIO()
    backend = OneLineConsoleBackend(stream=stream)
    message = EmailMultiAlternatives(
        "Nhắc việc: sắp đến hạn sơ kết", "Nội dung thư\n" * 40, "noreply@vks.local", ["chuyenvien@vks.local"]
    )
    message.attach_alternative("<p>Nội dung thư</p>" * 40, "text/html")
    backend.send_messages([message, message])
    return stream.getvalue()


def test_one_line_per_email(settings) -> None:
    out = send(settings, verbose=False)
    assert out.splitlines() == ["[thư] chuyenvien@vks.local · Nhắc việc: sắp đến hạn sơ kết (+1 phần)"] * 2


def test_whole_email_when_verbose(settings) -> None:
    out = send(settings, verbose=True)
    assert "Subject: =?utf-8?" in out or "Subject:" in out
    assert len(out.splitlines()) > 40


@pytest.mark.django_db
def test_demo_logins_printed_again_without_loading() -> None:
    call_command("load_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("load_demo", "--logins-only", stdout=out)
    text = out.getvalue()
    assert "demo-VKS-2026" in text and "quantri" in text and "chuyenvien.khanhson" in text


def test_run_script_sets_base_url_from_the_address_and_prints_it_last() -> None:
    script = (ROOT / "bin" / "run-dev.sh").read_text(encoding="utf-8")
    assert 'export PORTAL_BASE_URL="${PORTAL_BASE_URL:-http://${ADDRESS}}"' in script
    tail = script[script.index("runserver") :]
    assert "load_demo --logins-only" in tail and "đang chạy tại" in tail


def test_make_run_settings_show_the_friendly_pages() -> None:
    local = (ROOT / "portal" / "settings" / "local.py").read_text(encoding="utf-8")
    assert 'DEBUG = env.bool("DEBUG", default=False)' in local
    assert 'default="portal.mail.OneLineConsoleBackend"' in local

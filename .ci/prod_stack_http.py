"""The HTTP half of .ci/prod-stack.sh: a user's journey against gunicorn with production settings.

Log in, record a regulation with a scanned original, record a meeting, write and issue its minutes,
download the PDF. Standard library only; behaves like a browser behind the TLS proxy the compose
file expects (X-Forwarded-Proto: https, so secure cookies, HSTS and CSRF origin checks all apply).
Usage: python .ci/prod_stack_http.py BASE_URL STAFF CLERK PASSWORD IDS_JSON  -> prints JSON facts."""

from __future__ import annotations

import datetime
import html.parser
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Form(html.parser.HTMLParser):
    """Every named input/select/textarea of a page with its current value."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.values[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(NoRedirect)
        self.origin = "https://" + urllib.parse.urlsplit(self.base).netloc

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str | None = None):
        headers = {"X-Forwarded-Proto": "https", "Referer": self.origin + path, "Origin": self.origin}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)
        try:
            resp = self.opener.open(req, timeout=90)
        except urllib.error.HTTPError as err:
            resp = err
        for header in resp.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return resp.status, resp.headers, resp.read()

    def get(self, path: str):
        return self.request("GET", path)

    def form(self, path: str) -> dict[str, str]:
        status, _, body = self.get(path)
        assert status == 200, f"GET {path}: {status}"
        parser = Form()
        parser.feed(body.decode())
        return parser.values

    def post(self, path: str, data: dict[str, object], files: dict[str, tuple[str, bytes, str]] | None = None):
        data = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data}
        boundary = uuid.uuid4().hex
        parts = []
        for key, value in data.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
        for key, (filename, content, ctype) in (files or {}).items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; filename="{filename}"\r\n'
                f"Content-Type: {ctype}\r\n\r\n".encode()
                + content
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request("POST", path, body, f"multipart/form-data; boundary={boundary}")


def expect_redirect(result, what: str) -> str:
    status, headers, body = result
    if status != 302:
        page = body.decode(errors="replace")
        errors = re.findall(r'class="[^"]*(?:errorlist|field-error|error)[^"]*"[^>]*>(.{0,300}?)</', page, re.S)
        raise SystemExit(f"FAIL {what}: HTTP {status}; errors: {errors}\n{page[:1500]}")
    return headers["Location"]


def login(base: str, username: str, password: str) -> Browser:
    b = Browser(base)
    status, headers, _ = b.get("/dang-nhap/")
    assert status == 200, f"login page: {status}"
    assert "max-age" in headers.get("Strict-Transport-Security", ""), "no HSTS header in production"
    assert "unsafe-inline" not in headers.get("Content-Security-Policy", "x unsafe-inline")
    expect_redirect(b.post("/dang-nhap/", {"username": username, "password": password}), f"login {username}")
    status, _, _ = b.get("/")
    assert status == 200, f"home after login: {status}"
    return b


PDF_MARK = b"%PDF-1.4\n"


def regulation_data(ids: dict, number: str) -> dict[str, str]:
    """The regulation form's fields: hosted by ``ids["host"]`` with ``ids["partner"]``, one original."""
    today = datetime.date.today()
    # Its first review falls due in about 20 days: a "30 days before" reminder, gathered into a digest
    # whatever the hour. Due today, its save would mail the staff at once (and, racing the batch step,
    # its batch too).
    in_force = today.replace(year=today.year - 1, day=1) + datetime.timedelta(days=19 + today.day)
    return {
        "number": number,
        "title": "Quy chế phối hợp kiểm thử ngăn xếp sản xuất",
        "type": "coordination_rule",
        "signed_on": in_force.isoformat(),
        "in_force_from": in_force.isoformat(),
        "expires_on": "",
        "chapters_count": "1",
        "articles_count": "1",
        "review_interval_months": "12",
        "final_review_on": "",
        "summary": "",
        "notes": "",
        "parties-TOTAL_FORMS": "2",
        "parties-INITIAL_FORMS": "0",
        "parties-0-agency": ids["host"],
        "parties-0-role": "host",
        "parties-0-signatory_name": "Bùi Văn Đức",
        "parties-1-agency": ids["partner"],
        "parties-1-role": "party",
        "parties-1-signatory_name": "Lê Thị Hoa",
        "articles-TOTAL_FORMS": "0",
        "articles-INITIAL_FORMS": "0",
        "originals-TOTAL_FORMS": "1",
        "originals-INITIAL_FORMS": "0",
        "originals-0-kind": "signed_scan",
        "relations-TOTAL_FORMS": "0",
        "relations-INITIAL_FORMS": "0",
    }


def meeting_data(ids: dict, title: str, day: datetime.date) -> dict[str, str]:
    """The meeting form's fields: an inter-agency meeting hosted by ``ids["host"]`` from 8:00 to 10:00."""
    starts = datetime.datetime.combine(day, datetime.time(8, 0))
    return {
        "kind": "interagency",
        "title": title,
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Phòng họp",
        "host_agency": ids["host"],
        "attendees-TOTAL_FORMS": "1",
        "attendees-INITIAL_FORMS": "0",
        "attendees-0-full_name": "Trần Văn Nam",
        "attendees-0-role": "chair",
        "agenda_items-TOTAL_FORMS": "1",
        "agenda_items-INITIAL_FORMS": "0",
        "agenda_items-0-title": "Báo cáo",
        "remote_sites-TOTAL_FORMS": "0",
        "remote_sites-INITIAL_FORMS": "0",
        "directives-TOTAL_FORMS": "0",
        "directives-INITIAL_FORMS": "0",
    }


def main() -> None:
    base, staff, clerk, password, ids = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], json.loads(sys.argv[5])
    b = login(base, staff, password)

    today = datetime.date.today()
    number = f"{today:%d%m}-{uuid.uuid4().hex[:4]}/QCPH-CI"
    regulation = regulation_data(ids, number)
    pdf = PDF_MARK + b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
    pdf += b"trailer<</Root 1 0 R>>\n%%EOF\n"
    b.form("/quy-che/them/")  # the CSRF cookie
    reg_url = expect_redirect(
        b.post("/quy-che/them/", regulation, {"originals-0-file": ("ban-ky.pdf", pdf, "application/pdf")}), "regulation"
    )
    status, _, body = b.get(reg_url)
    assert status == 200 and number.encode() in body, f"regulation page {reg_url}: {status}"
    assert b"ban-ky.pdf" in body, "the original is not listed"

    meeting = meeting_data(ids, "Họp liên ngành kiểm thử ngăn xếp", today - datetime.timedelta(days=1))
    b.form("/hoi-nghi/tao-moi/")
    meeting_url = expect_redirect(b.post("/hoi-nghi/tao-moi/", meeting), "meeting")
    meeting_path = urllib.parse.urlsplit(meeting_url).path
    status, _, body = b.get(meeting_path)
    assert status == 200, f"meeting page: {status}"
    expect_redirect(b.post(meeting_path + "trang-thai/", {"state": "held"}), "meeting held")

    b = login(base, clerk, password)  # numbering and issuing are the clerk's
    edit = meeting_path + "van-ban/BB/soan/"
    fields = b.form(edit)
    fields.pop("csrfmiddlewaretoken", None)
    expect_redirect(b.post(edit, fields), "minutes draft")
    status, _, body = b.get(meeting_path)
    page = body.decode()
    marker = "/hoi-nghi/van-ban/"
    start = page.index(marker)
    doc_pk = page[start + len(marker) :].split("/", 1)[0]
    expect_redirect(b.post(f"/hoi-nghi/van-ban/{doc_pk}/ban-hanh/", {}), "issue minutes")
    status, headers, body = b.get(f"/hoi-nghi/van-ban/{doc_pk}/pdf/")
    assert status == 200 and body.startswith(b"%PDF") and len(body) > 5000, f"minutes PDF: {status}, {len(body)} B"
    print(
        json.dumps(
            {
                "regulation": number,
                "regulation_url": reg_url,
                "meeting": meeting_path,
                "document": doc_pk,
                "pdf_bytes": len(body),
            }
        )
    )


if __name__ == "__main__":
    main()

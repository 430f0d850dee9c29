"""Screenshots of every main page at 1366×768 and 390×844 into docs/screenshots/, against a running
`make run` (demo data). Usage: .venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000]"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PASSWORD = "demo-VKS-2026"
SIZES = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
# (name, user, path); "{regulation}" and "{meeting}" are the first ones found on their lists.
PAGES = [
    ("login", None, "/dang-nhap/"),
    ("home", "chuyenvien.khanhson", "/"),
    ("regulations-list", "chuyenvien.khanhson", "/quy-che/"),
    ("regulation-detail", "chuyenvien.khanhson", "{regulation}"),
    ("regulation-form", "chuyenvien.khanhson", "/quy-che/them/"),
    ("meetings-list", "chuyenvien.khanhson", "/hoi-nghi/"),
    ("meeting-detail", "chuyenvien.khanhson", "{meeting}"),
    ("meeting-form", "chuyenvien.khanhson", "/hoi-nghi/tao-moi/"),
    ("calendar", "chuyenvien.khanhson", "/hoi-nghi/lich/"),
    ("directives", "chuyenvien.khanhson", "/hoi-nghi/nhiem-vu/"),
    ("agencies", "chuyenvien.khanhson", "/co-quan/"),
    ("notifications", "chuyenvien.khanhson", "/thong-bao/"),
    ("dashboard", "lanhdao.khanhhoa", "/tong-quan/"),
    ("audit-log", "quantri", "/nhat-ky/"),
    ("reminder-status", "quantri", "/thong-bao/trang-thai/"),
    ("django-admin", "quantri", "/quan-tri/"),
    ("not-found", "chuyenvien.khanhson", "/khong-co-trang-nay/"),
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--headless", "--disable-background-networking"]
        )
        for size, viewport in SIZES.items():
            contexts: dict[str | None, object] = {}
            links: dict[str, str] = {}
            for name, user, path in PAGES:
                if user not in contexts:
                    context = browser.new_context(base_url=BASE, viewport=viewport, locale="vi-VN")
                    page = context.new_page()
                    if user:
                        page.goto("/dang-nhap/")
                        page.fill("#id_username", user)
                        page.fill("#id_password", PASSWORD)
                        with page.expect_navigation():
                            page.click("main button[type=submit]")
                    contexts[user] = page
                page = contexts[user]
                if "{" in path:
                    key = path.strip("{}")
                    if key not in links:
                        page.goto("/quy-che/" if key == "regulation" else "/hoi-nghi/")
                        pattern = r"^/quy-che/\d+/$" if key == "regulation" else r"^/hoi-nghi/\d+/$"
                        hrefs = page.eval_on_selector_all("main a[href]", "as => as.map(a => a.getAttribute('href'))")
                        links[key] = next(h for h in hrefs if re.match(pattern, h))
                    path = links[key]
                page.goto(path)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(OUT / f"{name}-{size}.png"), full_page=True)
                print(f"{name}-{size}.png  {path}")
        browser.close()


if __name__ == "__main__":
    main()

"""Browser test harness: Playwright (sync API) driving the system Chromium against pytest-django's
``live_server``; every page a test looks at goes through ``check_page`` (axe-core + Nu HTML Checker
+ screenshot).

Fixtures for browser tests (mark them ``@pytest.mark.browser``)::

    @pytest.mark.browser
    def test_journey(page, world, login, check_page):
        login(page, world.ks_staff)            # through the real login form
        page.goto("/co-quan/")                 # relative to live_server.url
        check_page(page, "agencies-tree")      # axe + vnu + screenshot; fails on problems

Artifacts: test-artifacts/html/<name>.html and test-artifacts/screenshots/<name>.png.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError  # noqa: E402

from tests.factories import TEST_PASSWORD  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent.parent
ARTIFACTS = ROOT / "test-artifacts"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_FAILING_IMPACTS = {"serious", "critical"}
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium per test session (per xdist worker)."""
    for needed in (CHROMIUM, AXE_JS, VNU_JAR):
        if not Path(needed).exists():
            pytest.fail(f"{needed} is missing: install chromium (apt) and run `npm ci`.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    """A fresh browser context (no cookies) per test; ``page.goto("/path/")`` is relative to the live server."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1366, "height": 768},
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        bypass_csp=True,  # lets check_page inject axe-core; the page's own scripts still obey the CSP
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def login() -> Callable[..., None]:
    """``login(page, user, password=TEST_PASSWORD)``: log in through the real form at /dang-nhap/."""

    def do_login(page: Page, user, password: str = TEST_PASSWORD) -> None:
        page.goto("/dang-nhap/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert "/dang-nhap/" not in page.url, f"login as {user.username} failed: {page.url}"

    return do_login


def run_axe(page: Page) -> list[dict]:
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v.get("impact") in AXE_FAILING_IMPACTS]


def format_axe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node.get('failureSummary', '')}")
    return "\n".join(lines)


def run_vnu(files: list[Path]) -> list[str]:
    """Validate HTML files with the Nu HTML Checker; return the errors as readable lines."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is missing: apt-get install default-jre-headless")
    proc = subprocess.run(
        [java, "-Xss2m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    try:
        messages = json.loads(proc.stderr or proc.stdout or '{"messages": []}')["messages"]
    except (json.JSONDecodeError, KeyError):
        if proc.returncode == 0:
            return []
        return [f"vnu failed (exit {proc.returncode}): {proc.stderr[-2000:]}"]
    errors = []
    for m in messages:
        if m.get("type") in ("error", "non-document-error") or m.get("subType") == "fatal":
            where = Path(m.get("url", "").removeprefix("file:")).name
            errors.append(f"{where}:{m.get('lastLine', '?')}: {m.get('message')} [{m.get('extract', '').strip()}]")
    if proc.returncode != 0 and not errors:
        errors.append(f"vnu exited {proc.returncode}: {proc.stderr[-2000:]}")
    return errors


@pytest.fixture
def check_page() -> Callable[..., None]:
    """``check_page(page, name)``: save the HTML and a screenshot under test-artifacts/, then fail on
    axe-core violations of impact serious/critical and on any Nu HTML Checker error.

    ``name`` must be unique across the whole suite (files are shared by xdist workers), e.g.
    "meetings-detail-minutes". ``axe=False`` / ``html=False`` skip a checker (say why in the test).
    """

    def check(page: Page, name: str, *, axe: bool = True, html: bool = True, full_page: bool = True) -> None:
        assert SAFE_NAME.match(name), f"check_page name {name!r}: use letters, digits, '.', '_' and '-'"
        page.wait_for_load_state("load")
        html_dir, shot_dir = ARTIFACTS / "html", ARTIFACTS / "screenshots"
        html_dir.mkdir(parents=True, exist_ok=True)
        shot_dir.mkdir(parents=True, exist_ok=True)
        html_file = html_dir / f"{name}.html"
        # The DOM as the browser built it, before axe's script is injected.
        html_file.write_text(page.content(), encoding="utf-8")
        page.screenshot(path=str(shot_dir / f"{name}.png"), full_page=full_page)
        problems = []
        if axe:
            violations = run_axe(page)
            if violations:
                problems.append(f"axe-core, {page.url}:\n{format_axe(violations)}")
        if html:
            errors = run_vnu([html_file])
            if errors:
                problems.append(f"Nu HTML Checker, {page.url}:\n" + "\n".join(errors))
        assert not problems, "\n\n".join(problems)

    return check


CLOSE_ALL_SELECTS = """() => document.querySelectorAll('select.tomselected').forEach(
    s => { s.tomselect.close(); s.tomselect.blur(); })"""
NONE_LOADING = "() => [...document.querySelectorAll('select.tomselected')].every(s => !s.tomselect.loading)"


def settle_selects(page: Page) -> None:
    """Wait until no searchable select is still loading options (a late answer may reopen its
    list), then close every list, as a user does by clicking elsewhere. Tom Select starts a load only
    after its throttle delay (300 ms), so the wait covers that delay before reading ``loading``."""
    page.wait_for_timeout(400)
    page.wait_for_function(NONE_LOADING)
    page.evaluate(CLOSE_ALL_SELECTS)


def choose(page: Page, select_id: str, text: str) -> None:
    """Pick an option of a searchable select (Tom Select, also the agency autocomplete) the way a
    user does: type into it and click the option whose text is exactly ``text``."""
    control = page.locator(f"#{select_id}-ts-control")
    # A select focused by the page (the first field in error) or a late answer for another row may
    # hold a list open over this row: settle them all first, then focus this one (as Tab would).
    settle_selects(page)
    page.evaluate("id => document.getElementById(id).tomselect.focus()", select_id)
    control.press_sequentially(text)
    option = page.locator(f"#{select_id}-ts-dropdown .option", has_text=re.compile(rf"^\s*{re.escape(text)}\s*$"))
    page.wait_for_function(
        "id => { const s = document.getElementById(id); return s && s.tomselect && !s.tomselect.loading; }",
        arg=select_id,
    )
    try:
        option.first.wait_for(state="visible", timeout=10_000)
    except PlaywrightTimeoutError:
        control.press("ArrowDown")
    option.first.click()
    settle_selects(page)

"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's
live_server. No browser is downloaded: `executable_path` points at /usr/bin/chromium, which
`make test` installs (scripts/browser-deps.sh) or names as missing.

Playwright's sync API runs an event loop in the test thread, which makes Django refuse ORM calls
there ("async unsafe"); the test thread only builds fixtures and checks rows, so that guard is
switched off (DJANGO_ALLOW_ASYNC_UNSAFE) — for these tests only, never process-wide: a
subprocess started by another test would inherit it and `check --deploy` refuses it. The
browser lives per module, so no loop outlives the browser tests in an xdist worker. Mark each test module `pytest.mark.browser`
(`pytest -m "not browser"` skips them).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("TUOYU_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"浏览器测试需要 Chromium（{CHROMIUM}）：sudo apt-get install chromium。"
                    f" Browser tests need Debian's chromium at {CHROMIUM}: sudo apt-get install chromium")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "1"  # while Playwright's loop runs (see above)
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield b
            b.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Page:
    """A Playwright page plus what a person at the screen would notice: console errors (a blocked
    inline script or style shows up there) and screenshots at desktop and phone size."""

    def __init__(self, page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.console_errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))

    def go(self, path: str):
        return self.page.goto(self.base_url + path)

    def login(self, username: str, password: str) -> None:
        self.go("/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("form button[type=submit]")
        self.page.wait_for_url(self.base_url + "/")

    def shoot(self, name: str) -> None:
        """Save `<name>-desktop.png` and `<name>-phone.png` under test-artifacts/screenshots/."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            self.page.set_viewport_size(viewport)
            self.page.wait_for_timeout(50)
            self.page.screenshot(path=str(SCREENSHOTS / f"{name}-{size}.png"), full_page=True)
        self.page.set_viewport_size(DESKTOP)

    def csp_violations(self) -> list[str]:
        return [e for e in self.console_errors if "Content Security Policy" in e]


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    context.set_default_timeout(10_000)
    p = Page(context.new_page(), live_server.url)
    yield p
    context.close()

"""Real-browser harness: one headless Debian Chromium per test session, driven by Playwright.

Every page is opened with JavaScript switched off unless a test asks otherwise: Praxis pages
must work without it. The Django side is pytest-django's ``live_server`` (a thread in this
process), so ``django.core.mail.outbox`` (locmem backend) holds the emails the pages send.
"""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in this thread; Django would otherwise
# refuse ORM calls made from the test (factories, assertions) as "async unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder drives the browser: mark it so ``-m "not browser"`` skips it."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator["object"]:
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM}; it is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser, live_server) -> Iterator[Callable[..., object]]:
    """Makes browser contexts on the live server; JavaScript is off unless asked for."""
    contexts = []

    def make(*, javascript: bool = False, **options: object):
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(
            base_url=live_server.url, java_script_enabled=javascript, **options
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A fresh page, JavaScript disabled, whose relative URLs go to the live server."""
    return new_context().new_page()


@pytest.fixture
def js_page(new_context):
    """A fresh page with JavaScript enabled: only for tools that inject scripts (axe)."""
    return new_context(javascript=True).new_page()


def _log_in(page, email: str, password: str, *, next_path: str | None = None) -> None:
    page.goto("/accounts/login/" + (f"?next={next_path}" if next_path else ""))
    main = page.locator("main")
    main.get_by_label("Email address").fill(email)
    main.get_by_label("Password").fill(password)
    main.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


@pytest.fixture
def log_in() -> Callable[..., None]:
    """``log_in(page, email, password)``: through the real login form, as a person would."""
    return _log_in


def _screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def screenshot() -> Callable[..., Path]:
    """``screenshot(page, name)``: a full-page PNG in test-artifacts/screenshots/ (gitignored)."""
    return _screenshot


def _link_in(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/\S*)", body)
    assert match, f"no link in the email:\n{body}"
    return match.group(1)


@pytest.fixture
def link_in() -> Callable[[str], str]:
    """``link_in(body)``: the path of the first link in an email, to open on the live server."""
    return _link_in

"""Browser tests: the app served by waitress in a thread, driven by Playwright in Debian's Chromium.

``./scripts/test`` installs Chromium (Debian package ``chromium``, at /usr/bin/chromium) and the
Python ``playwright`` package; Playwright's own browser download is never used. Without Chromium
the tests here are skipped, saying why.
"""
from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest

from app import create_app
from app.demo.seed import DEMO_PASSWORD
from app.extensions import db

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("VITRINA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def _chromium() -> str | None:
    if os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return None


class LiveServer:
    def __init__(self, app, url: str):
        self.app = app
        self.url = url

    def __call__(self, path: str = "/") -> str:
        return self.url + path


@pytest.fixture
def live_server(tmp_path, fast_hashing, extra_config):
    """The app on 127.0.0.1 and a free port, on a fresh SQLite database with the model of
    ``bpmn/`` deployed and the demo users (password ``vitrina-demo``, ``app.demo.DEMO_PASSWORD``); CSRF protection is on, as in
    production. ``live_server.app`` gives an app to prepare data with (``with app.app_context()``).
    A test module adds configuration by overriding ``extra_config`` (e.g. a virtual ``VITRINA_CLOCK``)."""
    from waitress.server import create_server

    from app.demo.seed import seed_demo_users
    from app.workflow.deployments import deploy_bundle, read_bundle

    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "browser-tests",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'live.sqlite3'}",
        **extra_config,
    })
    app.instance_path = str(tmp_path)
    with app.app_context():
        db.create_all()
        deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
        seed_demo_users()
        db.session.remove()

    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = create_server(app, host="127.0.0.1", port=port, threads=4)
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{port}")
    finally:
        server.close()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    path = _chromium()
    if path is None:
        pytest.skip(f"Chromium not found at {CHROMIUM}: ./scripts/test installs it "
                    "(Debian package chromium); set VITRINA_CHROMIUM to use another binary")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the Python playwright package is missing: "
                                   "./scripts/test installs it (test extras)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_errors() -> list[str]:
    """Uncaught JavaScript errors, console errors and failed requests of ``page`` (the browser's
    own favicon request aside): a test may assert there are none."""
    return []


def _new_page(browser, page_errors: list[str], tag: str = ""):
    """A page in a fresh browser context (no cookies), Russian locale, 1280×900, whose errors go to
    ``page_errors`` (prefixed with ``tag`` when given)."""
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    prefix = f"[{tag}] " if tag else ""
    page.on("pageerror", lambda exc: page_errors.append(f"{prefix}uncaught: {exc}"))
    page.on("console", lambda msg: page_errors.append(f"{prefix}console: {msg.text}")
            if msg.type == "error" and not msg.text.startswith("Failed to load resource") else None)
    page.on("response", lambda response: page_errors.append(f"{prefix}HTTP {response.status}: {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)
    return context, page


@pytest.fixture
def page(browser, page_errors):
    """A fresh browser context (no cookies) and a page in it, Russian locale, 1280×900."""
    context, page = _new_page(browser, page_errors)
    yield page
    context.close()


@pytest.fixture
def new_page(browser, page_errors):
    """Opens more pages, each in a browser context of its own (one per user: separate cookies),
    with the same error collectors as ``page``: ``new_page("cpe77")``. Closed after the test."""
    contexts = []

    def open_page(tag: str = ""):
        context, page = _new_page(browser, page_errors, tag)
        contexts.append(context)
        return page

    yield open_page
    for context in contexts:
        context.close()


def login_in_browser(page, live_server, email: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login form, as a person does."""
    page.goto(live_server("/login"))
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


WIDTHS = (1366, 390)
# The elements reaching past the window's right edge (the innermost few), to name in a failure.
WIDE = """() => { const wide = e => e.getBoundingClientRect().right > window.innerWidth + 1;
  const clipped = e => { for (let p = e.parentElement; p; p = p.parentElement) {
    if (getComputedStyle(p).overflowX !== 'visible') return true; } return false; };
  return [...document.querySelectorAll('body *')].filter(e => wide(e) && !clipped(e))
    .map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${e.className}`).slice(-8); }"""


# The table boxes (.table-wrap) that scroll sideways inside: the page fits, but its table does not.
SCROLLING_BOXES = """() => [...document.querySelectorAll('.table-wrap')]
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => `${e.id || e.firstElementChild?.className || 'table'}: ${e.scrollWidth - e.clientWidth} px`)"""


@pytest.fixture
def shots(request, tmp_path):
    """``shots(page, name)``: at each width, no sideways scroll of the whole page (naming what sticks
    out), and a screenshot named after the test module; ``tables_fit=True``: nor of a table inside
    its box (a page whose tables must fit, such as a register; the task forms' editable tables
    still may scroll inside theirs)."""
    folder = Path(os.environ.get("VITRINA_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    prefix = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")

    def shoot(page, name: str, *, tables_fit: bool = False) -> None:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name} at {width} px scrolls sideways by {overflow} px: {page.evaluate(WIDE)}"
            boxes = page.evaluate(SCROLLING_BOXES) if tables_fit else []
            assert not boxes, f"{name} at {width} px: tables scroll sideways inside their box: {boxes}"
            page.screenshot(path=str(folder / f"{prefix}-{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
    return shoot

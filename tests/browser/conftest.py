"""Browser tests: the real app served on loopback, driven by headless Debian Chromium via Playwright.

Chromium comes from Debian's ``chromium`` package (no browser download) and axe-core from the npm
registry (``make browser-deps`` installs both). Without them the browser tests are skipped, except
under CI (``CI=true``), where a missing browser is a failure.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import PROJECT_DIR, sample_site
from tests.staff_accounts import add_staff, database

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
AXE_SCRIPT = Path(
    os.environ.get(
        "AXE_CORE_PATH", PROJECT_DIR / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
    )
)
ARTIFACTS = PROJECT_DIR / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _require(condition: bool, reason: str) -> None:
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI must run the browser tests; see make browser-deps)")
    pytest.skip(f"{reason}; run 'make browser-deps' to install it")


#: The specialist the staff pages' browser tests sign in as (password: tests.staff_accounts.PASSWORD).
STAFF_EMAIL = "browser-specialist@example.org"


@contextlib.contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture(scope="module")
def live_server(database_url: str, engine: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the app with the sample directory on 127.0.0.1; yield its base URL."""
    with (
        sample_site(database_url, engine, tmp_path_factory.mktemp("browser-index")) as app,
        serving(app) as url,
    ):
        yield url


@pytest.fixture(scope="module")
def staff_server(database_url: str, engine: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the sample directory with one specialist (STAFF_EMAIL) on 127.0.0.1; yield its base URL."""
    with sample_site(database_url, engine, tmp_path_factory.mktemp("staff-browser-index")) as app:
        with database(app) as session:
            add_staff(session, STAFF_EMAIL)
        with serving(app) as url:
            yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium."""
    _require(CHROMIUM.exists(), f"Chromium not found at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page (its own context) that records any request to another host."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.external_requests = []  # type: ignore[attr-defined]
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith(("http://127.0.0.1", "data:", "about:"))
            else page.external_requests.append(request.url)
        ),  # type: ignore[attr-defined]
    )
    yield page
    context.close()


#: What axe-core checks: WCAG 2.0 to 2.2 A and AA, plus its best-practice rules (landmarks, headings).
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    # WCAG 2.2 target size (24 x 24 CSS px) is off by default in axe-core 4.x.
    "rules": {"target-size": {"enabled": True}},
}


def axe_violations(
    page: Any, impacts: tuple[str, ...] = ("serious", "critical"), best_practice: bool = True
) -> list[dict[str, Any]]:
    """Run axe-core in the page; return the violations of the given impacts.

    With ``best_practice`` (the default) the best-practice rules run too and each of their violations
    counts whatever its impact (the ``region`` rule, every part of the page in a landmark, is moderate).
    """
    _require(AXE_SCRIPT.exists(), f"axe-core not found at {AXE_SCRIPT}")
    page.evaluate(
        AXE_SCRIPT.read_text(encoding="utf-8")
    )  # evaluated through DevTools, so the page's CSP allows it
    options = AXE_OPTIONS if best_practice else {}
    violations = page.evaluate("async (options) => (await axe.run(document, options)).violations", options)
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in violations
        if v["impact"] in impacts or (best_practice and "best-practice" in v["tags"])
    ]


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot as a test artifact."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path

"""The API reference page (/api/docs) in headless Chromium: Swagger UI from this app's own files
renders every operation under the site's CSP, and nothing is fetched from another host."""

from __future__ import annotations

import pytest

from directory.api.docs import DEFAULT_ASSETS
from tests.browser.conftest import _require, axe_violations, screenshot

pytestmark = pytest.mark.browser


def test_the_api_reference_renders_every_operation_from_this_app_only(live_server, page):
    bundle = DEFAULT_ASSETS / "swagger-ui-bundle.js"
    _require(bundle.exists(), f"swagger-ui-dist not found at {bundle} (make api-docs installs it)")
    console_errors: list[str] = []
    page.on(
        "console", lambda message: console_errors.append(message.text) if message.type == "error" else None
    )
    response = page.goto(f"{live_server}/api/docs")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".opblock-summary-path", timeout=15000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert {path.replace("\u200b", "") for path in paths} >= {
        "/api/v1/search",
        "/api/v1/centers/{id_or_slug}",
        "/api/v1/articles",
        "/api/v1/articles/{slug}",
        "/api/v1/taxonomy",
    }
    assert page.get_by_role("heading", level=1).first.inner_text() == "Treatment center directory API"
    screenshot(page, "api-docs")
    assert not [text for text in console_errors if "Content Security Policy" in text]
    assert page.external_requests == []
    # Swagger UI's own markup is not ours to fix; the page must still have no serious or critical problem.
    violations = axe_violations(page, best_practice=False)
    assert violations == [], violations

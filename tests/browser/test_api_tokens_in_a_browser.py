"""Partners' API tokens in headless Chromium: an admin issues a token, sees it once, and revokes it;
axe-core on every state."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import axe_violations, screenshot, serving
from tests.conftest import sample_site
from tests.staff_accounts import PASSWORD, add_staff, database

pytestmark = pytest.mark.browser
ADMIN = "browser-token-admin@example.org"


@pytest.fixture(scope="module")
def admin_server(database_url: str, engine: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the sample directory with one admin on 127.0.0.1; yield its base URL."""
    with sample_site(database_url, engine, tmp_path_factory.mktemp("tokens-browser-index")) as app:
        with database(app) as session:
            add_staff(session, ADMIN, "admin")
        with serving(app) as url:
            yield url


def test_an_admin_issues_a_token_sees_it_once_and_revokes_it(admin_server, page):
    page.goto(admin_server + "/staff/login")
    page.get_by_label("E-mail address").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff/$"))

    page.get_by_role("navigation", name="Research team").get_by_role("link", name="API tokens").click()
    page.wait_for_url(re.compile(r"/admin/api-tokens$"))
    assert axe_violations(page) == [], "tokens, none yet"

    page.get_by_role("button", name="Issue the token").click()  # no name: the field says so
    assert page.get_by_role("alert").filter(has_text="Give the token a name").count() == 1
    assert axe_violations(page) == [], "tokens, form with an error"

    page.get_by_label("Name (who uses the token)").fill("County 211 line")
    page.get_by_label("Staff read").check()
    page.get_by_role("button", name="Issue the token").click()
    shown = page.get_by_label(re.compile(r"^API token \(staff read"))
    raw = shown.input_value()
    assert raw.startswith("dtk_")
    assert axe_violations(page) == [], "tokens, new token shown"
    screenshot(page, "admin-api-token-issued")

    page.goto(admin_server + "/admin/api-tokens")
    assert raw not in page.content()
    row = page.get_by_role("row", name=re.compile("County 211 line"))
    assert "active" in row.inner_text()

    row.get_by_role("link", name=re.compile("Revoke")).click()
    page.wait_for_url(re.compile(r"/revoke$"))
    assert axe_violations(page) == [], "confirm revocation"
    page.get_by_role("button", name="Revoke the token").click()
    page.wait_for_url(re.compile(r"/admin/api-tokens$"))
    assert "it no longer works" in page.content()
    assert "revoked on" in page.get_by_role("row", name=re.compile("County 211 line")).inner_text()
    assert axe_violations(page) == [], "tokens, after revoking"
    screenshot(page, "admin-api-token-revoked")

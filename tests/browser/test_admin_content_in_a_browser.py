"""The admin's accounts, audit and article pages in headless Chromium: invite a colleague who sets a
password, preview and publish an article, filter the audit trail; axe-core on every state."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import axe_violations, screenshot, serving
from tests.conftest import sample_site
from tests.staff_accounts import PASSWORD, add_staff, database

pytestmark = pytest.mark.browser
ADMIN = "browser-admin@example.org"


@pytest.fixture(scope="module")
def admin_server(database_url: str, engine: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the sample directory with one admin on 127.0.0.1; yield its base URL."""
    with sample_site(database_url, engine, tmp_path_factory.mktemp("admin-browser-index")) as app:
        with database(app) as session:
            add_staff(session, ADMIN, "admin")
        with serving(app) as url:
            yield url


def sign_in(page: Any, base: str, email: str, password: str) -> None:
    page.goto(base + "/staff/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_an_admin_invites_a_colleague_who_sets_a_password(admin_server, page, browser):
    sign_in(page, admin_server, ADMIN, PASSWORD)
    page.wait_for_url(re.compile(r"/staff/$"))
    page.goto(admin_server + "/admin/users")
    assert axe_violations(page) == [], "accounts"
    page.get_by_label("E-mail address").fill("new-colleague@example.org")
    page.get_by_label("Role", exact=True).select_option("specialist")
    page.get_by_label("Invitation link").check()
    page.get_by_role("button", name="Add the account").click()
    link = page.get_by_label("Invitation link", exact=True).input_value()
    assert "/staff/invitation?token=" in link
    assert axe_violations(page) == [], "accounts with the link shown"
    screenshot(page, "admin-users-invitation")

    other = browser.new_context().new_page()
    try:
        other.goto(link)
        assert axe_violations(other) == [], "set a password"
        other.get_by_label("New password", exact=True).fill("a long new passphrase")
        other.get_by_label("New password again").fill("a long new passphrase")
        other.get_by_role("button", name="Set my password").click()
        other.wait_for_url(re.compile(r"/staff/login$"))
        sign_in(other, admin_server, "new-colleague@example.org", "a long new passphrase")
        other.wait_for_url(re.compile(r"/staff/$"))
    finally:
        other.context.close()

    page.get_by_role("button", name="Add the account").click()  # empty: refused with a summary
    assert page.get_by_text("There is a problem").is_visible()
    assert axe_violations(page) == [], "accounts with errors"


def test_an_admin_previews_and_publishes_an_article_and_reads_the_audit(admin_server, page):
    sign_in(page, admin_server, ADMIN, PASSWORD)
    page.wait_for_url(re.compile(r"/staff/$"))
    page.goto(admin_server + "/admin/articles")
    assert axe_violations(page) == [], "article list"
    page.get_by_role("link", name="Write a new article").click()
    assert axe_violations(page) == [], "new article"
    page.get_by_label("Address (slug)").fill("browser-guide")
    page.get_by_label("Title", exact=True).fill("A guide written in the browser")
    page.get_by_label("Summary", exact=True).fill("Checked with axe-core.")
    page.get_by_label("Body (Markdown)").fill(
        "## Hello\n\n<script>alert(1)</script> and [x](javascript:alert(1))"
    )
    page.get_by_role("button", name="Preview the body").first.click()
    assert page.get_by_role("heading", name="Preview of the body (not saved)").is_visible()
    assert page.locator(".article-preview script").count() == 0
    assert page.locator(".article-preview a").count() == 0
    assert axe_violations(page) == [], "preview"
    screenshot(page, "admin-article-preview")
    page.get_by_label("Author", exact=True).fill("Wren Calloway")
    page.get_by_label("Clinical reviewer").fill("Ivo Marchbanks")
    page.get_by_label("Reviewer's credentials").fill("MD")
    page.get_by_label("Published on the public site").check()
    page.get_by_role("button", name="Save the article").click()
    page.wait_for_url(re.compile(r"/admin/articles/browser-guide/edit$"))
    assert page.get_by_text("is published").is_visible()
    assert axe_violations(page) == [], "edit article"

    page.goto(admin_server + "/admin/audit?action=article.*")
    assert page.get_by_role("link", name="A guide written in the browser").is_visible()
    assert axe_violations(page) == [], "audit"
    page.goto(admin_server + "/admin/audit?since=yesterday")
    assert axe_violations(page) == [], "audit with a bad filter"
    screenshot(page, "admin-audit")

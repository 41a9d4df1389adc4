"""The staff view of a center in headless Chromium: open it from the results, write a note and flag a
dead end from the keyboard, and check every state with axe-core."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import STAFF_EMAIL, axe_violations, screenshot
from tests.staff_accounts import PASSWORD

EMAIL = STAFF_EMAIL
pytestmark = pytest.mark.browser


def test_note_and_flag_from_the_staff_view_of_a_center(staff_server, page):
    page.goto(staff_server + "/staff/login")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff/$"))

    page.goto(staff_server + "/staff/search?q=ketamine")
    assert axe_violations(page) == []  # a flag form in every row
    page.locator("table.staff-results tbody details summary").first.click()
    screenshot(page, "staff-results-flag-form")
    page.locator("table.staff-results tbody th a").first.click()
    page.wait_for_url(re.compile(r"/staff/centers/"))
    name = page.locator("h1").inner_text()
    assert page.get_by_role("heading", name="Listing record").is_visible()
    assert axe_violations(page) == []

    page.get_by_label("Add a note").focus()
    page.keyboard.type("Ask for the intake nurse; the wait list is about two weeks.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#notes-title$"))
    assert page.get_by_text("Your note is added.").is_visible()
    assert page.get_by_text("the wait list is about two weeks").is_visible()

    reason = page.locator("section[aria-labelledby=flags-title] select[name=reason]")
    reason.focus()
    reason.select_option("phone-not-working")
    page.keyboard.press("Tab")  # the optional note
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text(re.compile(r"Reported by staff on .*: Phone does not work")).first.is_visible()

    reason.select_option("phone-not-working")
    with page.expect_navigation():
        page.locator("section[aria-labelledby=flags-title] button[type=submit]").click()
    error = page.get_by_role("alert").filter(has_text="was already reported")
    assert error.is_visible() and name in error.inner_text()
    assert axe_violations(page) == []  # the refused form, its error tied to the field
    screenshot(page, "staff-center-refused-flag")
    assert page.external_requests == []

"""Spelling correction and the list-your-center form's checks in headless Chromium.

A misspelled therapy shows the corrected results with "Showing results for … Search instead for …";
the "Search instead" link runs the text as typed, which shows only "did you mean" (no loop). The
form sent with mistakes shows a message by each field. Both pages pass axe-core at desktop and
390 px widths and are saved as screenshots.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.browser.conftest import axe_violations, screenshot

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}


def check_accessible(page: Any, name: str) -> None:
    """No serious axe violation and nothing from another host, at desktop and mobile widths."""
    for label, size in (("desktop", DESKTOP), ("mobile", MOBILE)):
        page.set_viewport_size(size)
        assert axe_violations(page) == [], f"{name} ({label})"
        screenshot(page, f"{name}-{label}")
    assert page.external_requests == []


@pytest.mark.parametrize(("typed", "corrected"), [("spravado", "spravato"), ("ketamne", "ketamine")])
def test_a_misspelled_therapy_shows_the_corrected_results(live_server, page, typed, corrected):
    page.goto(f"{live_server}/search?q={typed}")
    correction = page.locator("p.correction")
    assert correction.inner_text() == f"Showing results for {corrected}. Search instead for {typed}"
    assert page.locator("p.suggestion").count() == 0
    assert page.locator("input[name=q][type=search]").first.input_value() == corrected
    assert page.locator("article.card").count() > 0
    check_accessible(page, f"spelling-corrected-{typed}")

    page.set_viewport_size(DESKTOP)
    page.get_by_role("link", name=typed, exact=True).click()
    assert parse_qsl(urlsplit(page.url).query) == [("q", typed), ("as_typed", "1")]
    assert page.locator("p.correction").count() == 0
    suggestion = page.locator("p.suggestion")
    assert suggestion.inner_text() == f"Did you mean {corrected}?"
    assert page.locator("input[name=q]").first.input_value() == typed
    if typed == "spravado":
        check_accessible(page, "spelling-as-typed")


def test_the_form_sent_with_mistakes_says_what_to_do_by_each_field(live_server, page):
    page.goto(f"{live_server}/list-your-center")
    assert page.locator("#name").get_attribute("maxlength") == "200"
    assert page.locator("#license_number").get_attribute("maxlength") == "60"
    page.fill("#name", "<b>Calm</b> Clinic")
    page.fill("#phone", "(801) 555-0134")
    page.fill("#address_1", "200 S Main St")
    page.fill("#city", "Salt Lake City")
    page.select_option("#state", "CA")
    page.fill("#postal_code", "84101")
    page.locator("#therapies-0").check()
    page.fill("#contact_name", "Dana Reyes")
    page.fill("#contact_email", "dana@example.org")
    page.locator("#represents_center").check()
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Send the listing for review").click()
    assert navigation.value.status == 400
    assert (
        page.locator("#postal_code-error")
        .inner_text()
        .endswith(
            "The ZIP code 84101 is in Utah, not in California. Check the ZIP code, or choose its state."
        )
    )
    assert "Enter the center's license number" in page.locator("#license_number-error").inner_text()
    assert "Choose the state that issued the license." in page.locator("#license_state-error").inner_text()
    assert "Tell us how we can confirm" in page.locator("#therapy_proof-error").inner_text()
    assert page.locator("#name").input_value() == "<b>Calm</b> Clinic"
    assert page.locator("#postal_code").get_attribute("aria-invalid") == "true"
    check_accessible(page, "list-your-center-errors")

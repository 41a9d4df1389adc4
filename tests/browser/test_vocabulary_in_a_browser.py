"""The vocabulary pages that HSDS exports point to, in headless Chromium: reachable by keyboard from
the list of schemes, each term at its anchor, readable on a 320 px screen, and clean under axe-core."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations, screenshot

pytestmark = pytest.mark.browser


def test_vocabulary_list_and_a_term_at_its_address(live_server, page):
    page.goto(live_server + "/vocabulary")
    assert page.get_by_role("heading", level=1, name="Vocabulary").is_visible()
    assert axe_violations(page) == []
    link = page.get_by_role("link", name="Therapy type")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/vocabulary/therapy")
    assert page.get_by_role("heading", level=1, name="Therapy type").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "vocabulary-therapy")

    page.goto(live_server + "/vocabulary/therapy#ketamine-assisted-therapy")
    term = page.locator("#ketamine-assisted-therapy")
    assert term.is_visible() and "KIT" in term.inner_text()
    page.goto(live_server + "/vocabulary/directory-marks#advertiser")
    assert "directory-marks:advertiser" in page.locator("#advertiser").inner_text()
    assert page.external_requests == []


def test_vocabulary_page_fits_a_narrow_screen(live_server, page):
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(live_server + "/vocabulary/therapy")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert axe_violations(page) == []
    screenshot(page, "vocabulary-therapy-320")

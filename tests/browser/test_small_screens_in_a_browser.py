"""Small screens in headless Chromium: the center's phone in the first screenful, the filters behind a
"Filters (n)" button that works without JavaScript, targets of at least 24 x 24 px, and screenshots
of the main pages at 1280 and 390 px."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import axe_violations, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CENTER = "/centers/eskerlane-mood-clinic"
SEARCH = "/search?q=ketamine&near=84101&radius=250"


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A page on a 390 x 844 screen."""
    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_without_js(browser: Any) -> Iterator[Any]:
    """A page on a 390 x 844 screen with JavaScript turned off."""
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    yield context.new_page()
    context.close()


def test_the_phone_is_in_the_first_screenful_of_a_center_page(live_server, phone):
    phone.goto(live_server + CENTER)
    call = phone.locator('.center-contact a[href^="tel:"]').first
    box = call.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"]
    assert call.get_attribute("href") == "tel:+12135550153"
    directions = phone.locator("a.directions")
    assert directions.get_attribute("target") == "_blank"
    assert directions.get_attribute("rel") == "noopener noreferrer"
    assert axe_violations(phone) == []


def test_the_filters_open_and_apply_without_javascript(live_server, phone_without_js):
    page = phone_without_js
    page.goto(live_server + "/search?q=ketamine")
    toggle = page.locator("details.filters-toggle > summary")
    assert toggle.inner_text().strip() == "Filters (0)"
    assert not page.locator("#f-verified").is_visible()
    results = page.locator("#results-heading").bounding_box()
    assert results is not None and results["y"] < PHONE["height"]  # the results come first

    toggle.click()
    page.check("#f-verified")
    page.check("#f-accepting")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"verified=1"))
    assert "accepting=1" in page.url
    assert page.locator("details.filters-toggle > summary").inner_text().strip() == "Filters (2)"
    assert page.locator("article.card").count() > 0
    screenshot(page, "390px-search-filters-applied-no-js")


def test_the_filters_stand_open_on_a_wide_screen(live_server, page):
    page.goto(live_server + SEARCH)
    assert not page.locator("details.filters-toggle > summary").is_visible()
    assert page.locator("#filters-heading").is_visible()
    assert page.locator("#f-verified").is_visible()


def test_checkboxes_and_page_links_are_at_least_24_pixels(live_server, phone):
    phone.goto(live_server + "/search?q=depression&page=3")
    phone.locator("details.filters-toggle > summary").click()
    for box in phone.locator(".facets input[type=checkbox]:visible").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().toJSON())"
    ):
        assert box["width"] >= 24 and box["height"] >= 24
    links = phone.locator(".pagination a")
    assert links.count() > 2
    heights = {
        round(box["height"])
        for box in links.evaluate_all("els => els.map(e => e.getBoundingClientRect().toJSON())")
    }
    assert len(heights) == 1 and min(heights) >= 24  # one line each: no page link wraps


@pytest.mark.parametrize("path", ["/", SEARCH, CENTER])
@pytest.mark.parametrize(("width", "viewport"), [("1280px", DESKTOP), ("390px", PHONE)])
def test_screenshots_of_the_main_pages(live_server, browser, path, width, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(live_server + path)
    name = re.sub(r"[^a-z0-9]+", "-", path.split("?")[0].lower()).strip("-") or "home"
    screenshot(page, f"{width}-{name}")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    violations = axe_violations(page)
    context.close()
    assert overflow <= 0
    assert violations == []

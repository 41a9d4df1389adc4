"""The maps in headless Chromium: markers for every result, drawn from the app's own files only,
usable with the keyboard, big enough to tap, accessible, at 1280 px and at 390 px."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations, screenshot

pytestmark = pytest.mark.browser

SEARCH = "/search?q=ketamine&near=84101&radius=250"
LANDING = "/therapies/ketamine-assisted-therapy"
WIDTHS = {"desktop": 1280, "mobile": 390}


def outlines_drawn(page) -> bool:
    """Whether the state outlines (a <use> of the static SVG) were loaded and drawn."""
    return page.evaluate("document.querySelector('.map-land').getBBox().width > 0")


def first_center_url(page, live_server: str) -> str:
    page.goto(live_server + SEARCH)
    return page.locator("a.map-marker").first.get_attribute("href")


def test_a_search_near_a_zip_maps_every_result_on_the_page(live_server, page):
    page.goto(live_server + SEARCH)
    cards = page.locator("ol.cards > li").count()
    markers = page.locator("a.map-marker")
    caption = page.locator(".result-map figcaption").inner_text()
    unplaced = int(caption.split(" no map location")[0].split()[-3]) if "no map location" in caption else 0
    assert cards > 1 and markers.count() + unplaced == cards
    assert page.locator(".map-place").count() == 1
    assert outlines_drawn(page)
    assert page.external_requests == []


def test_markers_are_links_named_as_the_list_and_reached_with_the_keyboard(live_server, page):
    page.goto(live_server + SEARCH)
    first = page.locator("a.map-marker").first
    name, href = first.get_attribute("aria-label"), first.get_attribute("href")
    card_title = page.locator("ol.cards > li").first.locator("h3 a").inner_text()
    assert name.startswith(f"1. {card_title}")
    first.focus()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == name
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{href}")
    assert page.locator("h1").inner_text() == card_title


@pytest.mark.parametrize("kind", sorted(WIDTHS))
def test_markers_are_at_least_24_px_wide_at(live_server, page, kind):
    page.set_viewport_size({"width": WIDTHS[kind], "height": 900})
    page.goto(live_server + SEARCH)
    box = page.locator("a.map-marker circle").first.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24


@pytest.mark.parametrize("kind", sorted(WIDTHS))
def test_search_landing_and_center_pages_with_a_map(live_server, page, kind):
    page.set_viewport_size({"width": WIDTHS[kind], "height": 900})
    center = first_center_url(page, live_server)
    for name, path in (("search", SEARCH), ("landing", LANDING), ("center", center)):
        page.goto(live_server + path)
        assert page.locator("figure.result-map").count() == 1, name
        assert outlines_drawn(page), name
        assert axe_violations(page) == [], name
        screenshot(page, f"map-{name}-{kind}")
    assert page.external_requests == []


def test_the_map_on_a_small_screen_keeps_the_first_result_near_the_top(live_server, page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server + SEARCH)
    first_card = page.locator("ol.cards > li").first.bounding_box()
    results_heading = page.locator("#results-heading").bounding_box()
    assert first_card["y"] - results_heading["y"] < 844

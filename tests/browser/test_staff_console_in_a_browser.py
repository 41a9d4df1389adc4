"""A specialist's call in headless Chromium: sign in, apply a preset, narrow to a ZIP, shortlist three
centers (one from the keyboard), write a note and export the text; and axe-core on the console's pages."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from tests.browser.conftest import STAFF_EMAIL, axe_violations, screenshot
from tests.conftest import DATA_DIR
from tests.staff_accounts import PASSWORD

pytestmark = pytest.mark.browser

SPECIALIST = STAFF_EMAIL
PRESET = "Ketamine near caller, self-pay"
ZIP = "10016"


def sign_in(page: Any, base: str) -> None:
    """Sign in as the specialist through the form."""
    page.goto(base + "/staff/login")
    page.get_by_label("E-mail address").fill(SPECIALIST)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/staff/")


def preset_query(name: str) -> str:
    """Return the shipped team preset's search as a query string."""
    presets = json.loads((DATA_DIR / "presets.json").read_text(encoding="utf-8"))
    params = next(preset["params"] for preset in presets if preset["name"] == name)
    return urlencode([(key, value) for key, values in params.items() for value in values])


def params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


def test_a_specialist_shortlists_three_centers_near_a_zip_and_exports_the_text(staff_server, page):
    sign_in(page, staff_server)

    page.goto(staff_server + "/staff/search")
    page.get_by_role("link", name=PRESET).click()
    page.wait_for_url(re.compile(r"therapy=ketamine-assisted-therapy"))
    assert params(page.url)["therapy"] == ["ketamine-assisted-therapy"]

    page.get_by_label("Near").fill(ZIP)
    page.get_by_label("Within").select_option("50")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"near=" + ZIP))
    narrowed = params(page.url)
    assert narrowed["therapy"] == ["ketamine-assisted-therapy"] and narrowed["radius"] == ["50"]
    assert narrowed["payment"] == ["self-pay"] and narrowed["accepting"] == ["1"], "the preset's filters stay"
    rows = page.locator("tr[data-center-id]:not(:has(th .badge))")  # published: a caller finds them too
    assert rows.count() >= 3, "the sample directory has ketamine listings near New York"
    expected = []
    for index in range(3):
        row = rows.nth(index)
        name = row.locator("th a").inner_text().strip()
        phone = row.locator("td").first.inner_text().strip()
        assert re.fullmatch(r"\(\d{3}\) 555-\d{4}", phone), phone
        expected.append((name, phone))
        button = row.get_by_role("button", name=f"Add {name} to shortlist")
        with page.expect_navigation():
            if index == 1:  # from the keyboard
                button.focus()
                page.keyboard.press("Enter")
            else:
                button.click()
        assert row.get_by_role("link", name=re.compile("On shortlist")).is_visible()
    screenshot(page, "staff-1-results-shortlisted")

    page.get_by_role("link", name="Shortlist (3)").click()
    page.wait_for_url(staff_server + "/staff/shortlist")
    assert page.get_by_text("Nothing about the caller goes on the shortlist").is_visible()
    second = expected[1][0]
    page.get_by_label(f"Note on {second}").fill("ask about the wait list")
    page.get_by_role("button", name=f"Save note on {second}").click()
    page.wait_for_url(re.compile(r"/staff/shortlist"))
    assert page.get_by_label(f"Note on {second}").input_value() == "ask about the wait list"
    screenshot(page, "staff-2-shortlist")

    page.get_by_role("link", name="Plain text").click()
    page.wait_for_url(staff_server + "/staff/shortlist/text")
    text = page.locator("body").inner_text()
    positions = [text.index(phone) for _, phone in expected]
    assert positions == sorted(positions), "the phones are in shortlist order"
    assert [line for line in text.splitlines() if re.match(r"\d+\. ", line)] == [
        f"{number}. {name}" for number, (name, _) in enumerate(expected, 1)
    ]
    assert f"2. {second}" in text and "Note: ask about the wait list" in text
    assert text.count("miles from 10016") == 3

    page.goto(staff_server + "/staff/shortlist/print")
    page.emulate_media(media="print")
    assert not page.locator(".staff-nav").is_visible() and not page.locator(".site-header").is_visible()
    printed = page.locator("ol.shortlist-print > li")
    assert [printed.nth(i).locator("h2").inner_text() for i in range(3)] == [name for name, _ in expected]
    screenshot(page, "staff-3-shortlist-printed")
    assert page.external_requests == []


def test_the_console_pages_have_no_serious_accessibility_problems(staff_server, page):
    page.goto(staff_server + "/staff/login")
    assert axe_violations(page) == [], "sign-in"
    sign_in(page, staff_server)
    checked = {
        "home": "/staff/",
        "search": f"/staff/search?{preset_query(PRESET)}&near={ZIP}",
    }
    for name, path in checked.items():
        page.goto(staff_server + path)
        assert axe_violations(page) == [], name
    for index in range(2):
        with page.expect_navigation():
            page.locator("tr[data-center-id]").nth(index).get_by_role("button").click()
    with page.expect_navigation():
        page.locator("tr[data-center-id] th a").first.click()
    assert axe_violations(page) == [], "staff view of a center"
    for name, path in (("shortlist", "/staff/shortlist"), ("print", "/staff/shortlist/print")):
        page.goto(staff_server + path)
        assert axe_violations(page) == [], name
    page.goto(staff_server + "/staff/shortlist")
    page.get_by_label("Measure distances from").fill("Atlantis, ZZ")
    page.get_by_role("button", name="Save place").click()
    assert page.get_by_text("That change could not be made").is_visible()
    assert axe_violations(page) == [], "shortlist with a problem"

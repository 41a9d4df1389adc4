"""The console's search screen in headless Chromium: signed in as a specialist, the `/` shortcut,
applying and saving a preset, and an automated accessibility check of each screen."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.conftest import STAFF_EMAIL, axe_violations, screenshot
from tests.staff_accounts import PASSWORD

EMAIL = STAFF_EMAIL
pytestmark = pytest.mark.browser


@pytest.fixture
def console(staff_server: str, page: Any) -> Any:
    """A page signed in as the specialist, on the console's search screen."""
    page.goto(staff_server + "/staff/login?next=/staff/search")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: urlparse(url).path == "/staff/search")
    return page


def test_slash_moves_to_the_search_box_but_not_while_typing(console):
    console.locator("h1").click()
    console.keyboard.press("/")
    assert console.evaluate("document.activeElement.id") == "staff-q"
    console.keyboard.type("ketamine")
    console.focus("#staff-near")
    console.keyboard.type("84101/")
    assert console.input_value("#staff-near") == "84101/"
    assert console.input_value("#staff-q") == "ketamine"


def test_a_specialist_applies_a_preset_near_a_caller_and_saves_it_as_their_own(console, staff_server):
    console.goto(staff_server + "/staff/search?near=92103&radius=100")  # San Diego
    console.get_by_role("link", name="Ketamine near caller, self-pay").click()
    params = parse_qs(urlparse(console.url).query)
    assert params["near"] == ["92103"] and params["radius"] == ["50"]
    assert params["therapy"] == ["ketamine-assisted-therapy"]
    assert console.locator("table.staff-results tbody tr").count() > 0
    console.fill("#preset-name", "My ketamine calls")
    with console.expect_navigation():
        console.keyboard.press("Enter")
    assert "Saved your preset “My ketamine calls”." in console.content()
    assert console.get_by_role("link", name="My ketamine calls").count() == 1
    screenshot(console, "console-search")
    assert console.external_requests == []


@pytest.mark.parametrize(
    "path",
    [
        "/staff/search",
        "/staff/search?q=ketamine&near=84101&radius=100&sort=distance",
        "/staff/search?status=pending&overdue=1",
        "/staff/search?status=lost",
        "/staff/",
    ],
)
def test_no_serious_or_critical_accessibility_violations(console, staff_server, path):
    console.goto(staff_server + path)
    console.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")  # all of it
    assert axe_violations(console) == []

"""A person's path through the site in headless Chromium: with the mouse, with the keyboard alone,
on a 320 px screen, and under an automated accessibility check."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.conftest import axe_violations, screenshot

ZIP = "84101"
pytestmark = pytest.mark.browser


def search_params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


def test_search_narrow_open_center_read_article_and_come_back(live_server, page):
    page.goto(live_server + "/")
    page.get_by_label("What").fill("ketamine")
    page.get_by_label("Where").fill(ZIP)
    page.get_by_label("Distance").select_option("250")
    page.get_by_role("button", name="Search").first.click()
    page.wait_for_url(re.compile(r"/search\?"))
    assert search_params(page.url)["q"] == ["ketamine"]
    assert page.locator("article.card").count() > 0
    assert page.get_by_text(re.compile(r"miles away")).first.is_visible()

    page.locator("details#facet-therapy > summary").click() if not page.locator(
        "#f-therapy-ketamine-assisted-therapy"
    ).is_visible() else None
    page.check("#f-therapy-ketamine-assisted-therapy")
    page.check("#f-verified")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"verified=1"))
    params = search_params(page.url)
    assert params["therapy"] == ["ketamine-assisted-therapy"] and params["verified"] == ["1"]
    cards = page.locator("article.card")
    assert cards.count() > 0
    for index in range(cards.count()):
        assert "Verified" in cards.nth(index).inner_text()
    screenshot(page, "flow-1-search")

    cards.first.locator("h3 a").click()
    page.wait_for_url(re.compile(r"/centers/"))
    assert page.get_by_role("heading", name="Verification").is_visible()
    screenshot(page, "flow-2-center")

    page.locator("section[aria-labelledby=articles-heading] a").first.click()
    page.wait_for_url(re.compile(r"/articles/"))
    assert page.get_by_text("988").first.is_visible()
    screenshot(page, "flow-3-article")

    find = page.locator("a.find-centers").first
    expected = search_params(find.get_attribute("href"))
    find.click()
    page.wait_for_url(re.compile(r"/search\?"))
    assert search_params(page.url) == expected
    assert page.locator("article.card").count() > 0
    assert page.external_requests == []


def test_the_same_path_with_the_keyboard_alone(live_server, page):
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    page.keyboard.press("Enter")
    focus_on(page, "input[name=q]")
    page.keyboard.type("ketamine")
    page.keyboard.press("Tab")
    page.keyboard.type(ZIP)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?"))
    assert search_params(page.url)["near"] == [ZIP]

    focus_on(page, "#f-verified")
    page.keyboard.press("Space")
    focus_on(page, "button:text('Apply filters')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"verified=1"))

    focus_on(page, "article.card h3 a")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/centers/"))
    focus_on(page, "section[aria-labelledby=articles-heading] a")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/articles/"))
    focus_on(page, "a.find-centers")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?"))
    assert page.locator("article.card").count() > 0
    screenshot(page, "keyboard-search")


def focus_on(page, selector: str, limit: int = 400) -> None:
    """Press Tab until the element matching ``selector`` has focus (as a keyboard user would)."""
    target = page.locator(selector).first
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            outline = target.evaluate("element => getComputedStyle(element).outlineStyle")
            assert outline != "none", f"no visible focus on {selector}"
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/search?q=depression&near=84101&radius=100",
        "/search?q=depression&near=59601&radius=250",
        "/articles/ketamine-for-depression",
        "/therapies/esketamine",
    ],
)
def test_pages_fit_a_320_pixel_screen(live_server, browser, path):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(live_server + path)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    screenshot(page, "320px" + re.sub(r"[^a-z0-9]+", "-", path.lower()).rstrip("-"))
    context.close()
    assert overflow <= 0


def first_center_path(live_server, page) -> str:
    page.goto(live_server + "/search?therapy=esketamine")
    return urlparse(page.locator("article.card h3 a").first.get_attribute("href")).path


def closed_center_path(live_server, page) -> str:
    page.goto(live_server + "/search?q=depression&closed=1&sort=name&per_page=100")
    return urlparse(page.locator("article.card:has(.badge-closed) h3 a").first.get_attribute("href")).path


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/search?q=ketamine&near=84101&radius=100",
        "/search?q=depression&near=59601&radius=250",
        "/search?therapy=psilocybin-assisted-therapy&verified=1",
        "/search?q=xyzzyq",
        "/search?q=psychedelic&state=TX",
        "/search?sort=distance&radius=abc",
        "CENTER",
        "CLOSED",
        "REPORT",
        "/articles",
        "/articles/esketamine-spravato-explained",
        "/therapies/ketamine-assisted-therapy",
        "/promises",
        "/list-your-center",
    ],
)
def test_no_serious_or_critical_accessibility_violations(live_server, page, path):
    if path in ("CENTER", "REPORT"):
        path = first_center_path(live_server, page) + ("/report" if path == "REPORT" else "")
    elif path == "CLOSED":
        path = closed_center_path(live_server, page)
    page.goto(live_server + path)
    assert axe_violations(page) == []  # best-practice rules too (every part of the page in a landmark)
    assert page.external_requests == []


MARK_CLASSES = ("badge-verified", "badge-not-verified", "badge-expired", "badge-withdrawn", "badge-closed")


def test_every_trust_mark_explains_itself_and_passes_axe(live_server, page):
    """Results with every verification state and closed centers: each mark is a link whose explanation
    shows on focus, and axe-core finds nothing serious on the page."""
    page.goto(live_server + "/search?q=ketamine&closed=1&sort=name&per_page=50")
    for css in MARK_CLASSES:
        assert page.locator(f"a.{css}").count() > 0, css
    mark = page.locator("a.badge-withdrawn").first
    tip = mark.locator(".mark-tip")
    assert tip.bounding_box()["width"] <= 1
    mark.focus()
    assert tip.bounding_box()["width"] > 100
    assert "no longer holds" in tip.inner_text()
    screenshot(page, "trust-marks-focused")
    assert urlparse(mark.get_attribute("href")).fragment == "mark-withdrawn"
    assert axe_violations(page) == []
    assert page.external_requests == []

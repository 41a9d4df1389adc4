"""Error pages in headless Chromium: each status the browser can produce shows the site's layout and
passes axe-core (no serious or critical violation, no best-practice one)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from directory.access import ACCESS, Access
from tests.browser.conftest import axe_violations, screenshot, serving
from tests.conftest import sample_site

pytestmark = pytest.mark.browser

#: Sends a form from the page just opened: ``method`` to ``action``, one field of ``size`` characters.
SEND_FORM = """([action, size]) => {
  const form = document.createElement("form");
  form.method = "post";
  form.action = action;
  const field = document.createElement("input");
  field.type = "hidden";
  field.name = "name";
  field.value = "x".repeat(size);
  form.appendChild(field);
  document.body.appendChild(form);
  form.submit();
}"""


@pytest.fixture(scope="module")
def failing_server(database_url: str, engine: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the sample directory plus one public route that fails as a bug would; yield its base URL."""
    with (
        pytest.MonkeyPatch.context() as patch,
        sample_site(database_url, engine, tmp_path_factory.mktemp("error-browser-index")) as app,
    ):

        def broken() -> str:
            raise RuntimeError("a bug")

        app.config["PROPAGATE_EXCEPTIONS"] = False
        # One report a minute per address, so that the second one is refused with 429.
        app.config["REPORT_RATE_LIMIT"] = "1 per minute"
        app.add_url_rule("/broken", "broken", broken)
        patch.setitem(ACCESS, "broken", Access.PUBLIC)
        with serving(app) as url:
            yield url


def check_site_page(page: Any, status: int, got: int, name: str) -> None:
    """The page answered ``status`` in the site's layout, with no serious accessibility violation."""
    assert got == status
    assert page.locator("main#main h1").count() == 1
    assert page.get_by_role("search", name="Search the directory").count() == 1
    assert page.locator('a[href="tel:988"]').count() >= 1
    assert page.get_by_role("link", name="Go to the home page").count() == 1
    assert axe_violations(page) == [], name
    assert page.external_requests == []
    screenshot(page, f"error-{name}")


@pytest.mark.parametrize(
    ("path", "status", "name"),
    [("/articles/no-such-article", 404, "404"), ("/search?q=a%00b", 400, "400"), ("/broken", 500, "500")],
)
def test_an_error_page_opened_by_address(failing_server, page, path, status, name):
    response = page.goto(failing_server + path)
    check_site_page(page, status, response.status, name)


@pytest.mark.parametrize(
    ("action", "size", "status", "name"),
    [("/promises", 1, 405, "405"), ("/list-your-center", 1024 * 1024 + 1, 413, "413")],
)
def test_an_error_page_answering_a_form(failing_server, page, action, size, status, name):
    page.goto(failing_server + "/promises")
    with page.expect_navigation() as navigation:
        page.evaluate(SEND_FORM, [action, size])
    check_site_page(page, status, navigation.value.status, name)


def test_the_too_many_requests_page(failing_server, page):
    page.goto(failing_server + "/search?therapy=esketamine")
    report = page.locator("article.card h3 a").first.get_attribute("href") + "/report"
    statuses = []
    for _ in range(2):  # the report form as it stands (with its CSRF token), sent twice in a minute
        page.goto(failing_server + report)
        with page.expect_navigation() as navigation:
            page.evaluate("document.querySelector('main form[method=post]').submit()")
        statuses.append(navigation.value.status)
    assert statuses[0] != 429
    check_site_page(page, 429, statuses[1], "429")

"""The research team's dashboard in headless Chromium: a specialist shortlists a center from the console,
an admin finds it counted on the dashboard, moves through the navigation by keyboard, and axe-core finds
no serious or critical violation on the dashboard (table of the chart opened too)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from directory.models import Role
from tests.browser.conftest import axe_violations, screenshot, serving
from tests.conftest import sample_site
from tests.staff_accounts import PASSWORD, add_staff, database

pytestmark = pytest.mark.browser

ADMIN = "browser-admin@example.org"
SPECIALIST = "browser-dashboard-specialist@example.org"


@pytest.fixture(scope="module")
def admin_server(database_url: str, engine: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the sample directory with an admin and a specialist on 127.0.0.1; yield its base URL."""
    with sample_site(database_url, engine, tmp_path_factory.mktemp("dashboard-browser-index")) as app:
        with database(app) as session:
            add_staff(session, ADMIN, Role.ADMIN)
            add_staff(session, SPECIALIST)
        with serving(app) as url:
            yield url


def sign_in(page: Any, base: str, email: str) -> None:
    """Sign in through the form."""
    page.goto(base + "/staff/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/staff/")


def test_a_shortlisted_center_is_counted_and_the_dashboard_passes_axe(admin_server, browser, page):
    specialist = browser.new_context().new_page()
    sign_in(specialist, admin_server, SPECIALIST)
    specialist.goto(admin_server + "/staff/search?q=ketamine")
    with specialist.expect_navigation():
        specialist.locator("form.shortlist-add button").first.click()
    assert specialist.get_by_text("to the shortlist.").is_visible()
    specialist.context.close()

    sign_in(page, admin_server, ADMIN)
    nav = page.get_by_role("navigation", name="Research team")
    nav.get_by_role("link", name="Dashboard").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == admin_server + "/admin/"
    assert nav.get_by_role("link", name="Dashboard").get_attribute("aria-current") == "page"
    assert page.get_by_role("heading", name="Research team dashboard", level=1).is_visible()
    chart = page.get_by_role("img", name="Verification backlog by week")
    assert chart.is_visible()
    this_week = page.locator("table.influence tbody tr").last
    assert re.match(
        r".*\(so far\)\s+1\s+[01]\s+(0|100)%\s+1\s+\d+\s+\d+%", this_week.inner_text().replace("\t", " ")
    )
    assert axe_violations(page) == []

    page.get_by_text("The backlog week by week, as a table").click()
    assert page.locator("details.chart-table table").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "admin-dashboard")

    page.get_by_role("link", name=re.compile(r"^\d+ current advertisers$")).click()
    page.wait_for_url(re.compile(r"/staff/search\?advertiser=1$"))
    assert page.locator("table.staff-results tbody tr").count() > 0
    assert page.external_requests == []

"""The research team's review screens in headless Chromium: submissions, the edit form and corrections,
each state checked with axe-core (no serious or critical violations) and nothing loaded from elsewhere."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from directory.models import Center, CorrectionKind, ListingStatus, Role
from directory.operations.corrections import report_correction
from directory.operations.submissions import ListingSubmissionInput, create_pending_listing
from tests.browser.conftest import axe_violations, screenshot, serving
from tests.conftest import sample_site
from tests.staff_accounts import PASSWORD, add_staff, database

ADMIN_EMAIL = "browser-admin@example.org"
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def admin_server(database_url: str, engine: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample directory with an admin, a submission that duplicates a listing, and a public report."""
    with sample_site(database_url, engine, tmp_path_factory.mktemp("admin-browser-index")) as app:
        with database(app) as session:
            add_staff(session, ADMIN_EMAIL, Role.ADMIN)
            claimed = session.scalars(
                select(Center).where(Center.status == ListingStatus.PUBLISHED).order_by(Center.slug)
            ).first()
            place = claimed.primary_location
            values = {
                "name": f"{claimed.name} LLC",
                "phone": "(385) 555-0119",
                "address_1": place.address_1,
                "city": place.city,
                "state": place.state,
                "postal_code": place.postal_code,
                "therapies": ["esketamine"],
                "contact_name": "Sage Fennimore",
                "contact_email": "sage@example.org",
                "represents_center": True,
                "license_number": "LIC-0001",
                "license_state": place.state,
                "therapy_proof": "https://example.org/services",
            }
            create_pending_listing(session, ListingSubmissionInput().load(values), actor="tests")
            report_correction(
                session,
                claimed,
                {"kind": CorrectionKind.CONTACT, "details": "The phone is a fax."},
                actor="tests",
            )
            session.commit()
        with serving(app) as url:
            yield url


def test_review_screens_are_accessible_in_every_state(admin_server, page):
    page.goto(admin_server + "/staff/login")
    page.get_by_label("E-mail address").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff/$"))

    page.goto(admin_server + "/admin/submissions")
    assert axe_violations(page) == []
    page.locator("table tbody th a").first.click()
    page.wait_for_url(re.compile(r"/admin/submissions/"))
    assert page.get_by_role("heading", name="Possible duplicates already in the directory").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name=re.compile("Compare and merge")).first.click()
    assert page.get_by_text("Which value wins, field by field").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "admin-submission-merge")
    page.get_by_role("button", name=re.compile("^Reject")).click()  # no grounds, no reason
    assert page.get_by_role("alert").first.is_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Edit before deciding").click()
    page.wait_for_url(re.compile(r"/edit$"))
    assert axe_violations(page) == []
    page.get_by_label("Website (optional)").fill("javascript:alert(1)")
    page.get_by_role("button", name="Save changes").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "admin-edit-refused")

    page.goto(admin_server + "/admin/corrections")
    assert axe_violations(page) == []
    page.locator("table tbody td a").first.click()
    page.wait_for_url(re.compile(r"/admin/corrections/"))
    assert page.get_by_text("The phone is a fax.").is_visible()
    assert axe_violations(page) == []
    page.get_by_label("Not reproducible").check()
    page.get_by_role("button", name="Close the report").click()
    page.wait_for_url(re.compile(r"/admin/corrections$"))
    assert page.get_by_text("closed as not reproducible").is_visible()
    assert page.external_requests == []

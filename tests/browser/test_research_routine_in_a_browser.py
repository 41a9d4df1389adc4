"""The research team's routine end to end in headless Chromium: a center submits a free listing; an
admin verifies it with a license number, publishes it and marks it as an advertiser; then the public
search shows it with the dated Verified mark and the Advertiser mark, and its page explains the
advertiser disclosure. axe-core checks each admin page on the way."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from directory.models import ListingSubmission, Role
from directory.operations.submissions import ListingSubmissionInput, create_pending_listing
from directory.public.context import date_text
from tests.browser.conftest import axe_violations, screenshot, serving
from tests.conftest import sample_site
from tests.staff_accounts import PASSWORD, add_staff, database

ADMIN_EMAIL = "browser-research@example.org"
NAME = "Quiet Harbor Ketamine Clinic"
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def research_server(
    database_url: str, engine: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str, str]]:
    """Serve the sample directory with one admin and one free listing submitted through the public
    form's operation; yield the base URL, the submission's id and the pending listing's slug."""
    with sample_site(database_url, engine, tmp_path_factory.mktemp("research-browser-index")) as app:
        with database(app) as session:
            add_staff(session, ADMIN_EMAIL, Role.ADMIN)
            data = ListingSubmissionInput().load(
                {
                    "name": NAME,
                    "description": "Fictional clinic: IV ketamine infusions with integration sessions.",
                    "phone": "208-555-0147",
                    "address_1": "410 Harbor Lane",
                    "city": "Boise",
                    "state": "ID",
                    "postal_code": "83702",
                    "therapies": ["ketamine-assisted-therapy"],
                    "contact_name": "Robin Example",
                    "contact_email": "robin@quiet-harbor.example",
                    "represents_center": True,
                    "license_number": "LIC-0001",
                    "license_state": "ID",
                    "therapy_proof": "https://example.org/services",
                }
            )
            center = create_pending_listing(session, data, actor="public listing form")
            session.commit()
            submission = session.scalar(
                select(ListingSubmission).where(ListingSubmission.center_id == center.id)
            )
            ids = (str(submission.id), center.slug)
        with serving(app) as url:
            yield url, *ids


def test_an_admin_verifies_publishes_and_marks_a_submitted_listing_then_the_public_sees_it(
    research_server, page
):
    base, submission_id, slug = research_server
    page.goto(base + "/staff/login")
    page.get_by_label("E-mail address").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff/$"))

    # The submission waits in the queue of free listings.
    page.goto(base + "/admin/submissions")
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(NAME)).first.click()
    assert page.url.endswith(f"/admin/submissions/{submission_id}")
    assert axe_violations(page) == []

    # Verify it, with the license number the research team checked.
    page.goto(base + f"/admin/centers/{slug}/verification")
    page.get_by_label("Verify: everything needed was confirmed").check()
    page.get_by_label("License number").fill("ID-KET-2207")
    page.get_by_label("License state").select_option("ID")
    page.get_by_label("Phone number confirmed (someone answered)").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(re.compile(rf"/admin/centers/{slug}$"))
    assert page.get_by_text("ID-KET-2207").first.is_visible()

    # Publish it from the submission page, then mark it as an advertiser.
    page.goto(base + f"/admin/submissions/{submission_id}")
    with page.expect_navigation():
        page.get_by_role("button", name=f"Publish {NAME}").click()
    page.goto(base + f"/admin/centers/{slug}")
    page.get_by_label("Contract reference").fill("AD-2026-QUIET-HARBOR")
    page.get_by_label("End date").fill("2099-12-31")
    with page.expect_navigation():
        page.get_by_role("button", name="Mark as an advertiser").click()
    assert page.get_by_role("cell", name="AD-2026-QUIET-HARBOR").is_visible()
    screenshot(page, "research-routine-advertisers")

    # The public search shows both marks, the verification dated today.
    today = date_text(datetime.now(UTC).date())
    page.goto(base + "/search?q=quiet+harbor+ketamine")
    card = page.locator("article, li").filter(has=page.get_by_role("link", name=NAME)).first
    assert card.is_visible()
    assert card.locator(".badge-verified").inner_text().strip().startswith(f"Verified ({today})")
    assert card.locator(".badge-advertiser").is_visible()

    # And its public page says what being an advertiser means.
    page.goto(base + f"/centers/{slug}")
    disclosure = page.get_by_role("complementary", name="Advertiser")
    assert "pays to advertise" in disclosure.inner_text()
    assert "never changes the order of search results" in disclosure.inner_text()
    assert page.external_requests == []

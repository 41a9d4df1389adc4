"""The research team's verification console in headless Chromium: verify a listing from the queue,
publish it, mark it as an advertiser, and check every page and refused form with axe-core."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from directory.models import Center, ListingStatus, Role, VerificationStatus
from tests.browser.conftest import axe_violations, screenshot, serving
from tests.conftest import sample_site
from tests.staff_accounts import PASSWORD, add_staff, database

ADMIN_EMAIL = "browser-admin@example.org"
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def admin_server(database_url: str, engine: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the sample directory with one admin and one unverified pending listing."""
    with sample_site(database_url, engine, tmp_path_factory.mktemp("admin-browser-index")) as app:
        with database(app) as session:
            add_staff(session, ADMIN_EMAIL, Role.ADMIN)
            center = session.scalars(select(Center).order_by(Center.slug)).first()
            center.status = ListingStatus.PENDING
            center.verification_status = VerificationStatus.UNVERIFIED
            center.is_advertiser = False
            center.verified_at = None
            center.license_number = center.license_state = None
            center.slug = "browser-pending-clinic"
            session.commit()
        with serving(app) as url:
            yield url


def test_verify_publish_and_advertise_from_the_console(admin_server, page):
    page.goto(admin_server + "/staff/login")
    page.get_by_label("E-mail address").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff/$"))

    page.goto(admin_server + "/admin/verification")
    assert page.get_by_role("heading", name=re.compile("Awaiting a first verification")).is_visible()
    assert axe_violations(page) == []
    page.goto(admin_server + "/admin/centers/browser-pending-clinic/verification")
    assert axe_violations(page) == []

    page.get_by_label("Verify: everything needed was confirmed").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Record the decision").click()
    assert page.get_by_role("alert").filter(has_text="Record what was checked").is_visible()
    assert axe_violations(page) == []  # the refused form, its errors tied to the fields
    screenshot(page, "admin-verify-refused")

    page.get_by_label("Verify: everything needed was confirmed").check()
    page.get_by_label("License number").fill("UT-KET-0042")
    page.get_by_label("License state").select_option("UT")
    page.get_by_label("Phone number confirmed (someone answered)").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(re.compile(r"/admin/centers/browser-pending-clinic$"))
    assert page.get_by_text(re.compile("verified. The re-verification date is set.")).is_visible()
    assert axe_violations(page) == []

    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^Publish")).click()
    assert page.get_by_role("status").filter(has_text="is published").is_visible()
    page.get_by_label("Contract reference").fill("AD-2026-BROWSER")
    page.get_by_label("End date").fill("2099-12-31")
    with page.expect_navigation():
        page.get_by_role("button", name="Mark as an advertiser").click()
    page.wait_for_url(re.compile(r"/admin/advertisers$"))
    assert page.get_by_role("cell", name="AD-2026-BROWSER").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "admin-advertisers")
    assert page.external_requests == []

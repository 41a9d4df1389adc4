"""The research team's verification queue, verification form, listing hub and advertisers pages."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from directory.models import (
    AuditEvent,
    Center,
    Correction,
    CorrectionKind,
    CorrectionSource,
    FlagReason,
    ListingStatus,
    Role,
    VerificationRecord,
    VerificationStatus,
    utcnow,
)
from directory.operations.taxonomy import sync_vocabulary
from tests.staff_accounts import CSRF_INPUT, database, make_staff, sign_in

PASSWORD = "not-a-real-password"
TODAY = utcnow().date()
VERIFIED = {
    "verification_status": "verified",
    "verified_at": datetime(2026, 1, 5, tzinfo=UTC),
    "reverify_due_on": TODAY + timedelta(days=200),
}


@pytest.fixture
def admin(app, sample) -> FlaskClient:
    """A client signed in as an admin (the vocabulary loaded for the form's choices).

    No app context stays pushed: requests would share its ``g``, and with it a stale CSRF token.
    """
    with database(app) as session:
        sync_vocabulary(session, sample.vocabulary)
        email = make_staff(session, Role.ADMIN).email
        session.commit()
    client = app.test_client()
    assert sign_in(client, email, PASSWORD).status_code == 303
    return client


def add_center(app, **values) -> str:
    """Commit a listing and return its slug."""
    with database(app) as session:
        slug = values.pop("slug", f"clinic-{len(session.scalars(select(Center.id)).all())}")
        center = Center(
            slug=slug, name=values.pop("name", slug.title()), status=values.pop("status", "published")
        )
        for key, value in values.items():
            setattr(center, key, value)
        session.add(center)
        session.commit()
    return slug


def token(client: FlaskClient, url: str) -> str:
    match = CSRF_INPUT.search(client.get(url).get_data(as_text=True))
    assert match, url
    return match.group(1)


def stored(app, slug: str) -> Center:
    with database(app) as session:
        center = session.scalar(select(Center).where(Center.slug == slug))
        session.expunge(center)
        return center


def audit_count(app) -> int:
    with database(app) as session:
        return session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.record_type == "center")
        )


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_queue_shows_every_section_with_its_count(app, admin):
    add_center(app, slug="never-checked", name="Never Checked Clinic")
    add_center(
        app,
        slug="due-soon",
        name="Due Soon Clinic",
        **{**VERIFIED, "reverify_due_on": TODAY + timedelta(days=5)},
    )
    add_center(
        app,
        slug="overdue",
        name="Overdue Clinic",
        **{**VERIFIED, "reverify_due_on": TODAY - timedelta(days=2)},
    )
    add_center(app, slug="waiting", name="Waiting Clinic", verification_status="needs_info")
    add_center(app, slug="gone", name="Gone Clinic", status="closed")
    add_flag(app, add_center(app, slug="flagged", name="Flagged Clinic", **VERIFIED))
    page = text(admin.get("/admin/verification"))
    assert "Awaiting a first verification (oldest first) (" in page
    for name in (
        "Never Checked Clinic",
        "Due Soon Clinic",
        "Overdue Clinic",
        "Waiting Clinic",
        "Flagged Clinic",
    ):
        assert name in page
    assert "Gone Clinic" not in page  # closed listings leave the queue
    assert "past its deadline" in page
    one = text(admin.get("/admin/verification?section=overdue"))
    assert "Overdue Clinic" in one and "Due Soon Clinic" not in one
    assert "Re-verification overdue (1)" in one
    for section in ("first", "due", "flagged", "needs_info"):
        assert admin.get(f"/admin/verification?section={section}").status_code == 200


@pytest.mark.parametrize("query", ["section=everything", "section=due&page=0", "section=due&page=x"])
def test_queue_refuses_unknown_sections(admin, query):
    response = admin.get(f"/admin/verification?{query}")
    assert response.status_code == 400
    assert "Choose a section: first, due, overdue, flagged, needs_info" in text(response)


def test_verification_form_shows_claims_and_records_a_verification(app, admin):
    slug = add_center(app, name="Salt Flats Ketamine", status="pending", spravato_rems_certified=True)
    url = f"/admin/centers/{slug}/verification"
    form = text(admin.get(url))
    assert "What the listing claims" in form and "Last edited" in form and "Never" in form
    assert 'value="iv-infusion"' in form
    response = admin.post(
        url,
        data={
            "csrf_token": token(admin, url),
            "decision": "verify",
            "license_number": "UT-KET-0042",
            "license_state": "UT",
            "therapies_confirmed": ["ketamine-assisted-therapy", "iv-infusion"],
            "accreditations": ["joint-commission"],
            "phone_confirmed": "y",
            "evidence_note": "Spoke with the clinic manager; licence on the state board site.",
            "evidence_url": "https://example.org/board/UT-KET-0042",
        },
    )
    assert response.status_code == 303 and response.location == f"/admin/centers/{slug}"
    center = stored(app, slug)
    assert center.verification_status is VerificationStatus.VERIFIED
    assert center.license_number == "UT-KET-0042"
    assert center.reverify_due_on.year == TODAY.year + 1
    hub = text(admin.get(response.location))
    assert "Verified, re-verify by" in hub and "UT-KET-0042" in hub and "Joint Commission" in hub
    assert "IV infusion" in hub or "Iv infusion" in hub or "iv-infusion" not in hub


def test_reverify_months_setting_sets_the_due_date(app, admin):
    app.config["REVERIFY_MONTHS"] = 6
    slug = add_center(app)
    url = f"/admin/centers/{slug}/verification"
    data = {"csrf_token": token(admin, url), "decision": "verify", "phone_confirmed": "y"}
    assert admin.post(url, data=data).status_code == 303
    due = stored(app, slug).reverify_due_on
    assert (due.year * 12 + due.month) - (TODAY.year * 12 + TODAY.month) == 6


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"decision": "verify"}, 400, "Record what was checked"),
        ({"decision": "revoke", "reason": "No licence"}, 409, "its verification is unverified"),
        ({"decision": "reject"}, 400, "Give a reason to reject a verification."),
        (
            {"decision": "verify", "phone_confirmed": "y", "evidence_url": "javascript:alert(1)"},
            400,
            "web address",
        ),
        ({"decision": "verify", "evidence_note": "bad \x00 byte"}, 400, "cannot be stored or searched"),
        ({"decision": "verify", "evidence_note": "caf%E9"}, 400, "could not be read"),
        ({"decision": "verify", "license_state": "ZZ", "license_number": "1"}, 400, "Not a valid choice"),
        ({"decision": "everything"}, 400, "Not a valid choice"),
        (
            {"decision": "verify", "phone_confirmed": "y", "therapies_confirmed": "made-up"},
            400,
            "Choose from",
        ),
    ],
)
def test_refused_decisions_show_the_form_again_and_change_nothing(app, admin, data, status, message):
    slug = add_center(app)
    url = f"/admin/centers/{slug}/verification"
    response = admin.post(url, data={"csrf_token": token(admin, url), **data})
    assert response.status_code == status
    assert message in text(response)
    assert stored(app, slug).verification_status is VerificationStatus.UNVERIFIED
    assert audit_count(app) == 0


def test_forms_without_csrf_and_unknown_listings_are_refused(app, admin):
    slug = add_center(app)
    for path in (
        f"/admin/centers/{slug}/verification",
        f"/admin/centers/{slug}/status",
        "/admin/advertisers",
    ):
        response = admin.post(path, data={"decision": "verify", "transition": "close", "reason": "x"})
        assert response.status_code == 400 and "Your form expired" in text(response), path
    for path in ("/admin/centers/no-such-clinic", "/admin/centers/no-such-clinic/verification"):
        assert admin.get(path).status_code == 404
    hub = f"/admin/centers/{slug}"
    missing = admin.post("/admin/centers/no-such-clinic/status", data={"csrf_token": token(admin, hub)})
    assert missing.status_code == 404
    assert audit_count(app) == 0


def test_hub_offers_only_allowed_status_actions_and_applies_them(app, admin):
    slug = add_center(app, name="Hub Clinic", status="pending")
    hub = f"/admin/centers/{slug}"
    page = text(admin.get(hub))
    assert 'value="publish"' in page and 'value="close"' in page and 'value="unpublish"' not in page
    response = admin.post(f"{hub}/status", data={"csrf_token": token(admin, hub), "transition": "publish"})
    assert response.status_code == 303
    assert stored(app, slug).status is ListingStatus.PUBLISHED
    refused = admin.post(f"{hub}/status", data={"csrf_token": token(admin, hub), "transition": "close"})
    assert refused.status_code == 400 and "Give a reason to close a listing." in text(refused)
    closed = admin.post(
        f"{hub}/status", data={"csrf_token": token(admin, hub), "transition": "close", "reason": "Moved away"}
    )
    assert closed.status_code == 303 and stored(app, slug).status is ListingStatus.CLOSED
    stale = admin.post(f"{hub}/status", data={"csrf_token": token(admin, hub), "transition": "publish"})
    assert stale.status_code == 409
    assert "A closed listing must be reopened before it is published." in text(stale)
    unknown = admin.post(f"{hub}/status", data={"csrf_token": token(admin, hub), "transition": "verify"})
    assert unknown.status_code == 400
    assert 'value="reopen"' in text(admin.get(hub))


def test_hub_explains_why_an_unverified_listing_cannot_advertise(app, admin):
    slug = add_center(app, verification_status="expired")
    page = text(admin.get(f"/admin/centers/{slug}"))
    assert "Only a verified listing can be an advertiser; this one is expired." in page


def test_advertisers_page_marks_lists_and_filters(app, admin):
    slug = add_center(app, name="Advertising Clinic", **VERIFIED)
    soon = add_center(
        app,
        name="Ending Soon Clinic",
        **VERIFIED,
        is_advertiser=True,
        advertiser_starts_on=TODAY - timedelta(days=300),
        advertiser_ends_on=TODAY + timedelta(days=10),
        advertiser_contract_ref="AD-OLD",
    )
    ends = (TODAY + timedelta(days=180)).isoformat()
    data = {"slug": slug, "starts_on": TODAY.isoformat(), "ends_on": ends, "contract_ref": "AD-2026-031"}
    response = admin.post(
        "/admin/advertisers", data={"csrf_token": token(admin, "/admin/advertisers"), **data}
    )
    assert response.status_code == 303
    center = stored(app, slug)
    assert center.is_advertiser and center.advertiser_contract_ref == "AD-2026-031"
    listing = text(admin.get("/admin/advertisers"))
    assert "Advertising Clinic" in listing and "Ending Soon Clinic" in listing and "AD-2026-031" in listing
    ending = text(admin.get("/admin/advertisers?ending=30"))
    assert "Ending Soon Clinic" in ending and "Advertising Clinic" not in ending
    assert admin.get("/admin/advertisers?ending=7").status_code == 400
    hub = f"/admin/centers/{soon}"
    ended = admin.post(
        f"{hub}/advertising/end", data={"csrf_token": token(admin, hub), "reason": "Contract cancelled"}
    )
    assert ended.status_code == 303 and stored(app, soon).is_advertiser is False


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({"starts_on": "31/12/2026"}, 400, "Enter a date as YYYY-MM-DD"),
        ({"ends_on": ""}, 400, "Enter a date as YYYY-MM-DD"),
        ({"ends_on": "2001-01-01"}, 400, "The end date must be after today."),
        ({"contract_ref": ""}, 400, "Give the contract reference."),
        ({"slug": "no-such-clinic"}, 404, "No listing has this address name."),
        (
            {"slug": "unverified-clinic"},
            409,
            "Only a verified listing can be an advertiser; this one is unverified.",
        ),
    ],
)
def test_advertiser_form_refusals_explain_themselves(app, admin, changes, status, message):
    slug = add_center(app, **VERIFIED)
    add_center(app, slug="unverified-clinic")
    data = {
        "slug": slug,
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + timedelta(days=90)).isoformat(),
        "contract_ref": "AD-1",
        **changes,
    }
    response = admin.post(
        "/admin/advertisers", data={"csrf_token": token(admin, "/admin/advertisers"), **data}
    )
    assert response.status_code == status
    assert message in text(response)
    assert audit_count(app) == 0


def test_revoked_verification_shows_publicly_as_withdrawn_with_its_date(app, admin):
    slug = add_center(app, name="Withdrawn Clinic", **VERIFIED)
    url = f"/admin/centers/{slug}/verification"
    data = {
        "csrf_token": token(admin, url),
        "decision": "revoke",
        "reason": "The state license was surrendered",
    }
    assert admin.post(url, data=data).status_code == 303
    with database(app) as session:
        record = session.scalar(select(VerificationRecord))
        assert record.reason == "The state license was surrendered"
    public = text(app.test_client().get(f"/centers/{slug}"))
    assert f"Verification withdrawn ({TODAY:%B} {TODAY.day}, {TODAY.year})" in public


def test_specialists_cannot_reach_the_console(app):
    slug = add_center(app)
    with database(app) as session:
        email = make_staff(session).email
        session.commit()
    client = app.test_client()
    sign_in(client, email, PASSWORD)
    assert client.get("/admin/verification").status_code == 403
    assert client.post(f"/admin/centers/{slug}/status", data={"transition": "close"}).status_code == 403
    assert stored(app, slug).status is ListingStatus.PUBLISHED


def test_last_verified_and_last_edited_are_apart(app, admin):
    slug = add_center(app, **VERIFIED)
    page = text(admin.get(f"/admin/centers/{slug}"))
    assert 'Last verified</dt> <dd><time datetime="2026-01-05">January 5, 2026</time>' in page
    assert "Last edited</dt>" in page
    assert date(2026, 1, 5) != stored(app, slug).updated_at.date()


def add_flag(app, slug: str) -> None:
    """Commit a specialist's open flag on the listing, past its deadline."""
    with database(app) as session:
        reporter = make_staff(session)
        center = session.scalar(select(Center).where(Center.slug == slug))
        session.add(
            Correction(
                center_id=center.id,
                kind=CorrectionKind.CONTACT,
                details="Number disconnected",
                source=CorrectionSource.STAFF,
                reported_by=reporter.id,
                flag_reason=FlagReason.PHONE_NOT_WORKING,
                reverify_by=utcnow() - timedelta(days=1),
            )
        )
        session.commit()


def test_a_decision_resolves_the_specialists_flags_and_clears_the_queue(app, admin):
    slug = add_center(app, name="Flagged Clinic", **VERIFIED)
    add_flag(app, slug)
    assert "Flagged Clinic" in text(admin.get("/admin/verification?section=flagged"))
    url = f"/admin/centers/{slug}/verification"
    form = text(admin.get(url))
    assert "open flags on this listing as checked" in form
    data = {
        "csrf_token": token(admin, url),
        "decision": "verify",
        "phone_confirmed": "y",
        "resolve_flags": "y",
    }
    assert admin.post(url, data=data).status_code == 303
    with database(app) as session:
        flag = session.scalar(select(Correction))
        assert flag.status.value == "accepted"
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "correction.accepted"))
        assert event.reason == "Checked by the research team: verify"
    flagged = text(admin.get("/admin/verification?section=flagged"))
    assert "Flagged by specialists (earliest deadline first) (0)" in flagged and "Nothing here." in flagged


def test_a_listing_closed_by_an_admin_reads_as_closed_publicly(app, admin):
    slug = add_center(app, name="Closing Clinic", status="published")
    hub = f"/admin/centers/{slug}"
    data = {"csrf_token": token(admin, hub), "transition": "close", "reason": "The clinic told us it closed"}
    assert admin.post(f"{hub}/status", data=data).status_code == 303
    public = text(app.test_client().get(f"/centers/{slug}"))
    assert "This center is closed" in public
    staff = text(admin.get(f"/staff/centers/{slug}"))
    assert "Closed: the public page says so" in staff

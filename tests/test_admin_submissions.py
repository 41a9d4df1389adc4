"""Submitted listings: publish, merge field by field, ask for information, reject; audited, admins only."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select

from directory.models import (
    AuditEvent,
    Center,
    ListingStatus,
    ListingSubmission,
    Role,
    User,
    VerificationStatus,
)
from directory.operations.errors import OperationError, PermissionDenied
from directory.operations.submission_review import (
    merge_submission,
    publish_submission,
    reject_submission,
    request_submission_info,
    waiting_submissions,
)
from directory.operations.submissions import ListingSubmissionInput, create_pending_listing
from directory.search import CenterQuery, Viewer, search_centers
from tests.conftest import sample_site
from tests.staff_accounts import add_staff, csrf_token, database, make_staff, signed_in_client

ADMIN = "triage@example.org"
SPECIALIST = "desk@example.org"


@pytest.fixture(scope="module")
def site(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with sample_site(database_url, engine, tmp_path_factory.mktemp("submissions-index")) as app:
        with database(app) as session:
            add_staff(session, ADMIN, Role.ADMIN)
            add_staff(session, SPECIALIST)
        yield app


@pytest.fixture(scope="module")
def admin(site: Flask) -> FlaskClient:
    return signed_in_client(site, ADMIN)


@pytest.fixture(scope="module")
def specialist(site: Flask) -> FlaskClient:
    return signed_in_client(site, SPECIALIST)


def submit(site: Flask, **overrides: object) -> uuid.UUID:
    """Store a submission as the public form does; return its id."""
    values = {
        "name": f"Brightwater Renewal {uuid.uuid4().hex[:6]}",
        "description": "Ketamine infusions with integration sessions.",
        "phone": "(385) 555-0142",
        "address_1": "40 Larkspur Way",
        "city": "Ogden",
        "state": "UT",
        "postal_code": "84401",
        "therapies": ["ketamine-assisted-therapy"],
        "contact_name": "Rowan Quill",
        "contact_email": "rowan.quill@example.org",
        "represents_center": True,
        "license_number": "LIC-0001",
        "license_state": "UT",
        "therapy_proof": "https://example.org/services",
        **overrides,
    }
    with database(site) as session:
        center = create_pending_listing(
            session, ListingSubmissionInput().load(values), actor="public listing form"
        )
        session.commit()
        return session.scalar(select(ListingSubmission.id).where(ListingSubmission.center_id == center.id))


def sample_center(site: Flask, offset: int = 0) -> SimpleNamespace:
    """Return what the tests need of a published sample listing, read in a session of its own."""
    with database(site) as session:
        center = session.scalars(
            select(Center)
            .where(Center.status == ListingStatus.PUBLISHED)
            .order_by(Center.slug)
            .offset(offset)
        ).first()
        return SimpleNamespace(
            id=center.id,
            slug=center.slug,
            name=center.name,
            source=center.source,
            phones=[phone.number for phone in center.phones],
            place=center.primary_location,
            location_count=len(center.locations),
        )


def url(submission_id: uuid.UUID) -> str:
    return f"/admin/submissions/{submission_id}"


def decide(client: FlaskClient, submission_id: uuid.UUID, **data: str):
    token = csrf_token(client, url(submission_id))
    return client.post(url(submission_id), data={"csrf_token": token, **data})


def actions_for(site: Flask, record_id: uuid.UUID) -> list[str]:
    with database(site) as session:
        return list(
            session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.record_id == str(record_id))
                .order_by(AuditEvent.occurred_at, AuditEvent.id)
            )
        )


def center_of(site: Flask, submission_id: uuid.UUID) -> uuid.UUID | None:
    with database(site) as session:
        return session.scalar(
            select(ListingSubmission.center_id).where(ListingSubmission.id == submission_id)
        )


def names_found(site: Flask, text: str, viewer: Viewer) -> list[str]:
    with site.app_context():
        return [hit["name"] for hit in search_centers(CenterQuery(text=text), viewer).hits]


def test_waiting_submissions_are_listed_oldest_first_with_what_was_sent_and_who_sent_it(site, admin):
    first = submit(site, name="Aldercrest Ketamine Studio")
    second = submit(site, name="Birchfall Ketamine Studio")
    page = admin.get("/admin/submissions").get_data(as_text=True)
    assert page.index(url(first)) < page.index(url(second))
    detail = admin.get(url(first)).get_data(as_text=True)
    assert "Aldercrest Ketamine Studio" in detail and "(385) 555-0142" in detail and "Ogden" in detail
    assert "rowan.quill@example.org" in detail and "Rowan Quill" in detail


def test_the_review_page_shows_the_license_and_how_to_confirm_the_therapies(site, admin):
    proof = "https://brightwater.example/ketamine <i>see the second paragraph</i>"
    submission = submit(site, license_number="UT-KC-0042", license_state="UT", therapy_proof=proof)
    detail = admin.get(url(submission)).get_data(as_text=True)
    assert "<dt>License</dt><dd>UT-KC-0042, issued by UT</dd>" in detail
    assert "https://brightwater.example/ketamine &lt;i&gt;see the second paragraph&lt;/i&gt;" in detail
    assert "<i>see" not in detail


def test_markup_typed_in_the_name_is_escaped_on_every_staff_page(site, admin):
    name = "<b>Calm</b> <script>alert(1)</script> Clinic"
    submission = submit(site, name=name)
    with database(site) as session:
        center = session.scalar(
            select(Center)
            .join(ListingSubmission, ListingSubmission.center_id == Center.id)
            .where(ListingSubmission.id == submission)
        )
        assert center.name == name
        slug = center.slug
    assert slug.startswith("calm-alert-1-clinic-") and not set("<>\"'&") & set(slug)
    escaped = "&lt;b&gt;Calm&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt; Clinic"
    for page_url in ("/admin/submissions", url(submission), f"/staff/centers/{slug}"):
        page = admin.get(page_url)
        assert page.status_code == 200, page_url
        body = page.get_data(as_text=True)
        assert "<script>alert(1)" not in body and "<b>Calm" not in body, page_url
        assert escaped in body, page_url
    with database(site) as session:
        actor = session.scalar(select(User).where(User.email == ADMIN))
        publish_submission(session, session.get(ListingSubmission, submission), actor=actor)
        session.commit()
    public = site.test_client()
    for page_url in (f"/centers/{slug}", "/search?q=calm+clinic"):
        body = public.get(page_url).get_data(as_text=True)
        assert "<script>alert(1)" not in body and "<b>Calm" not in body, page_url
        assert escaped in body, page_url


def test_publishing_puts_the_listing_in_public_search(site, admin):
    submission_id = submit(site, name="Pinecrest Quillmoor Infusions")
    center_id = center_of(site, submission_id)
    assert names_found(site, "Quillmoor", Viewer.PUBLIC) == []
    response = decide(admin, submission_id, action="publish")
    assert (response.status_code, response.location) == (303, "/admin/submissions")
    assert names_found(site, "Quillmoor", Viewer.PUBLIC) == ["Pinecrest Quillmoor Infusions"]
    with database(site) as session:
        center = session.get(Center, center_id)
        assert center.status is ListingStatus.PUBLISHED
        assert center.verification_status is VerificationStatus.UNVERIFIED
    assert actions_for(site, center_id) == ["center.submitted", "listing.published"]
    assert url(submission_id) not in admin.get("/admin/submissions").get_data(as_text=True)
    again = decide(admin, submission_id, action="publish")
    assert again.status_code == 400 and "already dealt with" in again.get_data(as_text=True)
    assert actions_for(site, center_id) == ["center.submitted", "listing.published"]


def test_a_duplicate_is_offered_and_merged_field_by_field_into_the_claimed_record(site, admin):
    claimed = sample_center(site, 0)
    place = claimed.place
    submission_id = submit(
        site,
        name=f"{claimed.name} LLC",
        website="https://claimed.example.org/",
        phone="(385) 555-0177",
        address_1=place.address_1,
        city=place.city,
        state=place.state,
        postal_code=place.postal_code,
        therapies=["tms"],
    )
    pending_id = center_of(site, submission_id)
    page = admin.get(url(submission_id)).get_data(as_text=True)
    assert f"/staff/centers/{claimed.slug}" in page and "Similar name in the same ZIP code or city" in page
    listed = admin.get("/admin/submissions").get_data(as_text=True)
    row = listed[listed.index(url(submission_id)) :].split("</tr>")[0]
    assert "<td>1</td>" in row  # one possible duplicate
    compare = admin.get(f"{url(submission_id)}?merge={claimed.slug}")
    assert compare.status_code == 200 and "Which value wins, field by field" in compare.get_data(as_text=True)
    response = decide(
        admin,
        submission_id,
        action="merge",
        target=claimed.slug,
        pick_name="existing",
        pick_website="submitted",
        pick_phones="both",
        pick_terms="both",
        pick_locations="existing",
    )
    assert (response.status_code, response.location) == (303, "/admin/submissions")
    with database(site) as session:
        target = session.get(Center, claimed.id)
        assert (target.slug, target.source, target.name, target.status) == (
            claimed.slug,
            claimed.source,
            claimed.name,
            ListingStatus.PUBLISHED,
        )
        assert target.website == "https://claimed.example.org/"
        numbers = [phone.number for phone in target.phones]
        assert numbers == [*claimed.phones, "(385) 555-0177"]  # both kept, the listing's first
        assert "tms" in target.term_codes()["therapy"]
        assert len(target.locations) == claimed.location_count
        assert session.get(Center, pending_id) is None
        submission = session.get(ListingSubmission, submission_id)
        assert (submission.center_id, submission.merged_into_id) == (None, claimed.id)
        assert submission.merged_at is not None
        merged = session.scalars(select(AuditEvent).where(AuditEvent.action == "submission.merged")).one()
        assert merged.record_id == str(pending_id) and merged.after["merged_into"] == str(claimed.id)
        assert "rowan" not in str(merged.after).lower()
    assert actions_for(site, claimed.id)[-1] == "center.edited"
    assert names_found(site, f"{claimed.name} LLC", Viewer.STAFF).count(f"{claimed.name} LLC") == 0
    assert "Merged on" in admin.get(url(submission_id)).get_data(as_text=True)


def test_asking_for_information_records_the_question_and_the_listing_keeps_waiting(site, admin):
    submission_id = submit(site, name="Harrowgate Mood Practice")
    center_id = center_of(site, submission_id)
    response = decide(
        admin, submission_id, action="request_info", question="Which state licenses your clinicians?"
    )
    assert (response.status_code, response.location) == (303, url(submission_id))
    page = admin.get(url(submission_id)).get_data(as_text=True)
    assert "Which state licenses your clinicians?" in page
    assert "Asked on" in admin.get("/admin/submissions").get_data(as_text=True)
    with database(site) as session:
        assert session.get(Center, center_id).status is ListingStatus.PENDING
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "submission.info_requested")
        ).one()
        assert event.after == {"question": "Which state licenses your clinicians?"}


def test_rejecting_deletes_the_listing_and_the_submitters_details(site, admin):
    submission_id = submit(site, name="Cheap Pills Online Spam Clinic", contact_email="spammer@example.net")
    center_id = center_of(site, submission_id)
    response = decide(admin, submission_id, action="reject", grounds="spam", reason="Sells pills; no clinic.")
    assert response.status_code == 303
    assert admin.get(url(submission_id)).status_code == 404
    with database(site) as session:
        assert session.get(Center, center_id) is None
        assert session.get(ListingSubmission, submission_id) is None
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "submission.rejected")).one()
        assert event.after == {"grounds": "spam"} and event.reason == "Sells pills; no clinic."
        trail = " ".join(str(e.after) + str(e.before) for e in session.scalars(select(AuditEvent)))
        assert "spammer@example.net" not in trail
    assert names_found(site, "Cheap Pills", Viewer.STAFF) == []


def test_refused_decisions_say_why_and_write_no_audit_event(site, admin):
    submission_id = submit(site, name="Quarrystone Wellness")
    center_id = center_of(site, submission_id)
    for data, message in (
        ({"action": "reject", "grounds": "spam", "reason": "  "}, "Write it out"),
        ({"action": "reject", "grounds": "boring", "reason": "x"}, "Choose spam or out of scope."),
        ({"action": "request_info", "question": ""}, "Write it out"),
        ({"action": "request_info", "question": "q" * 2001}, "Keep it under 2,000 characters"),
        ({"action": "merge", "target": "no-such-listing"}, "No listing has this address"),
        (
            {"action": "merge", "target": sample_center(site, 1).slug, "pick_name": "both"},
            "Choose existing or",
        ),
        ({"action": "launch"}, "Choose a decision"),
    ):
        response = decide(admin, submission_id, **data)
        assert response.status_code == 400, data
        assert message in response.get_data(as_text=True), data
    with database(site) as session:
        slug = session.get(Center, center_id).slug
    assert decide(admin, submission_id, action="merge", target=slug).status_code == 400  # into itself
    body = f"csrf_token={csrf_token(admin, url(submission_id))}&action=request_info&question=caf%E9"
    response = admin.post(
        url(submission_id), data=body.encode(), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400 and "not valid UTF-8" in response.get_data(as_text=True)
    assert admin.get(f"{url(submission_id)}?merge=Not%20a%20slug").status_code == 400
    assert actions_for(site, center_id) == ["center.submitted"]


def test_specialists_csrf_and_unknown_ids(site, admin, specialist):
    submission_id = submit(site, name="Tamarack Hollow Care")
    center_id = center_of(site, submission_id)
    assert specialist.get("/admin/submissions").status_code == 403
    assert specialist.get(url(submission_id)).status_code == 403
    token = csrf_token(specialist, "/staff/")
    assert (
        specialist.post(url(submission_id), data={"csrf_token": token, "action": "publish"}).status_code
        == 403
    )
    response = admin.post(url(submission_id), data={"action": "publish"})
    assert response.status_code == 400 and "Your form expired" in response.get_data(as_text=True)
    assert admin.get(url(uuid.uuid4())).status_code == 404
    assert (
        admin.post(
            url(uuid.uuid4()), data={"csrf_token": csrf_token(admin, "/admin/submissions")}
        ).status_code
        == 404
    )
    assert admin.get("/admin/submissions/not-a-uuid").status_code == 404
    assert actions_for(site, center_id) == ["center.submitted"]


def test_the_operations_refuse_a_specialist_without_an_audit_event(site):
    submission_id = submit(site, name="Ravenmoor Clinic")
    with database(site) as session:
        submission = session.get(ListingSubmission, submission_id)
        specialist = make_staff(session, Role.SPECIALIST)
        target = session.scalars(select(Center).where(Center.status == ListingStatus.PUBLISHED)).first()
        before = session.scalar(select(func.count()).select_from(AuditEvent))
        for attempt in (
            lambda: publish_submission(session, submission, actor=specialist),
            lambda: request_submission_info(session, submission, "Why?", actor=specialist),
            lambda: reject_submission(session, submission, "spam", "spam", actor=specialist),
            lambda: merge_submission(session, submission, target, {"name": "submitted"}, actor=specialist),
        ):
            with pytest.raises(PermissionDenied):
                attempt()
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == before
        assert submission in waiting_submissions(session)
        with pytest.raises(OperationError) as refused:
            merge_submission(
                session, submission, target, {"slug": "existing"}, actor=make_staff(session, Role.ADMIN)
            )
        assert refused.value.field_errors == {"slug": ["This field is not merged."]}
        session.rollback()

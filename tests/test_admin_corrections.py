"""Reports of incorrect information, end to end: reported by the public, read and closed by an admin."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from admin_forms import form_values
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select

from directory.models import (
    AuditEvent,
    Center,
    Correction,
    CorrectionResolution,
    CorrectionStatus,
    ListingStatus,
    Role,
)
from directory.operations.corrections import close_report
from directory.operations.errors import OperationError, PermissionDenied
from directory.operations.staff_flags import flag_listing
from tests.conftest import sample_site
from tests.staff_accounts import add_staff, csrf_token, database, make_staff, signed_in_client

ADMIN = "reviewer@example.org"
SPECIALIST = "caller@example.org"


@pytest.fixture(scope="module")
def site(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with sample_site(database_url, engine, tmp_path_factory.mktemp("corrections-index")) as app:
        app.config["REPORT_RATE_LIMIT"] = "1000 per minute"
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


def published(site: Flask, offset: int) -> tuple[str, str]:
    with database(site) as session:
        center = session.scalars(
            select(Center)
            .where(Center.status == ListingStatus.PUBLISHED)
            .order_by(Center.slug)
            .offset(offset)
        ).first()
        return center.slug, center.name


def report(site: Flask, slug: str, kind: str, details: str) -> uuid.UUID:
    """Send the public form as a visitor would, and return the stored report's id."""
    visitor = site.test_client()
    url = f"/centers/{slug}/report"
    response = visitor.post(
        url, data={"kind": kind, "details": details, "csrf_token": csrf_token(visitor, url)}
    )
    assert response.status_code == 303
    with database(site) as session:
        return session.scalar(select(Correction.id).where(Correction.details == details))


def audit_actions(site: Flask, record_id: uuid.UUID) -> list[str]:
    with database(site) as session:
        return list(
            session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.record_id == str(record_id))
                .order_by(AuditEvent.occurred_at)
            )
        )


def test_open_reports_are_listed_newest_first_and_closed_ones_apart(site, admin):
    slug, name = published(site, 0)
    older = report(site, slug, "contact", "The phone rings out (older).")
    newer = report(site, slug, "address", "They moved across the street (newer).")
    page = admin.get("/admin/corrections").get_data(as_text=True)
    assert page.index(f"/admin/corrections/{newer}") < page.index(f"/admin/corrections/{older}")
    assert name in page and "Address or location" in page
    assert f"/admin/corrections/{older}" not in admin.get("/admin/corrections?status=closed").get_data(
        as_text=True
    )
    assert f"/admin/corrections/{older}" in admin.get("/admin/corrections?status=all").get_data(as_text=True)


def test_a_report_shows_the_listing_now_beside_the_problem_and_links_to_the_edit_form(site, admin):
    slug, _name = published(site, 1)
    report_id = report(site, slug, "contact", "The number on the listing is a fax.")
    page = admin.get(f"/admin/corrections/{report_id}").get_data(as_text=True)
    with database(site) as session:
        center = session.scalar(select(Center).where(Center.slug == slug))
        phone = center.phones[0].number
    assert "The number on the listing is a fax." in page
    assert phone in page and "The listing now" in page
    assert f'href="/admin/centers/{slug}/edit"' in page


def test_the_correction_flow_end_to_end_edit_then_close_as_fixed(site, admin):
    slug, _name = published(site, 2)
    report_id = report(site, slug, "contact", "Their website moved to another address.")
    edit = f"/admin/centers/{slug}/edit"
    values = form_values(admin.get(edit).get_data(as_text=True), edit)
    values.update(website="https://moved.example.org/", reason=f"Public report {report_id}")
    assert admin.post(edit, data=values).status_code == 303
    url = f"/admin/corrections/{report_id}"
    values = form_values(admin.get(url).get_data(as_text=True), url)
    values.update(resolution="fixed", note="Website updated after checking it.")
    response = admin.post(url, data=values)
    assert (response.status_code, response.location) == (303, "/admin/corrections")
    with database(site) as session:
        stored = session.get(Correction, report_id)
        assert stored.status is CorrectionStatus.ACCEPTED
        assert stored.resolution is CorrectionResolution.FIXED
        assert stored.resolution_note == "Website updated after checking it."
        assert (
            session.scalar(select(Center.website).where(Center.slug == slug)) == "https://moved.example.org/"
        )
        event = session.scalars(
            select(AuditEvent).where(
                AuditEvent.record_id == str(report_id), AuditEvent.action == "correction.accepted"
            )
        ).one()
        assert event.after == {"status": "accepted", "resolution": "fixed"}
        assert event.actor_label == ADMIN
    assert "Closed as <strong>fixed</strong>" in admin.get(url).get_data(as_text=True)
    assert admin.post(url, data=values).status_code == 400  # already closed: said, not a 500
    assert audit_actions(site, report_id) == ["correction.reported", "correction.accepted"]


@pytest.mark.parametrize(
    ("resolution", "status"),
    [("not-reproducible", CorrectionStatus.REJECTED), ("spam", CorrectionStatus.REJECTED)],
)
def test_a_report_is_closed_as_not_reproducible_or_spam(site, admin, resolution, status):
    slug, _name = published(site, 3)
    report_id = report(site, slug, "other", f"Closed as {resolution}, please.")
    url = f"/admin/corrections/{report_id}"
    values = form_values(admin.get(url).get_data(as_text=True), url)
    values.update(resolution=resolution)
    assert admin.post(url, data=values).status_code == 303
    with database(site) as session:
        stored = session.get(Correction, report_id)
        assert (stored.status, stored.resolution) == (status, CorrectionResolution(resolution))
        assert stored.resolution_note is None


def test_closing_without_a_choice_or_with_odd_input_is_refused_with_a_message(site, admin):
    slug, _name = published(site, 4)
    report_id = report(site, slug, "hours", "Closed on Mondays now.")
    url = f"/admin/corrections/{report_id}"
    token = form_values(admin.get(url).get_data(as_text=True), url)["csrf_token"]
    for data, message in (
        ({"note": "no choice"}, "Choose how the report was closed"),
        ({"resolution": "<b>nope</b>"}, "Choose how the report was closed"),
        ({"resolution": "fixed", "note": "x" * 2001}, "Keep it under 2,000 characters"),
    ):
        response = admin.post(url, data={"csrf_token": token, **data})
        assert response.status_code == 400, data
        assert message in response.get_data(as_text=True), data
    response = admin.post(
        url,
        data=f"csrf_token={token}&resolution=fixed&note=caf%E9".encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "not valid UTF-8" in response.get_data(as_text=True)
    assert admin.post(url, data={"resolution": "fixed"}).status_code == 400  # no CSRF token
    assert audit_actions(site, report_id) == ["correction.reported"]


def test_specialists_are_refused_and_unknown_ids_are_404(site, admin, specialist):
    slug, _name = published(site, 5)
    report_id = report(site, slug, "payment", "They take Medicaid now.")
    assert specialist.get("/admin/corrections").status_code == 403
    assert specialist.get(f"/admin/corrections/{report_id}").status_code == 403
    token = csrf_token(specialist, "/staff/")
    response = specialist.post(
        f"/admin/corrections/{report_id}", data={"csrf_token": token, "resolution": "spam"}
    )
    assert response.status_code == 403
    assert admin.get(f"/admin/corrections/{uuid.uuid4()}").status_code == 404
    assert admin.get("/admin/corrections/not-a-uuid").status_code == 404
    assert admin.get("/admin/corrections?status=everything").status_code == 400
    assert admin.get("/admin/corrections?page=-1").status_code == 400
    assert audit_actions(site, report_id) == ["correction.reported"]


def test_the_operation_refuses_a_specialist_and_staff_flags_without_an_audit_event(site):
    slug, _name = published(site, 6)
    report_id = report(site, slug, "closed", "The building is empty.")
    with database(site) as session:
        correction = session.get(Correction, report_id)
        specialist = make_staff(session, Role.SPECIALIST)
        admin = make_staff(session, Role.ADMIN)
        flag = flag_listing(session, correction.center, "closed", actor=specialist)
        before = session.scalar(select(func.count()).select_from(AuditEvent))
        with pytest.raises(PermissionDenied):
            close_report(session, correction, "fixed", actor=specialist)
        with pytest.raises(OperationError, match="staff flag"):
            close_report(session, flag, "fixed", actor=admin)
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == before
        assert correction.status is CorrectionStatus.NEW
        session.rollback()


def test_specialists_flags_are_listed_beside_public_reports_and_closed_from_the_verification_form(
    site, admin
):
    slug, _name = published(site, 7)
    public_id = report(site, slug, "contact", "Nobody answers the phone (public).")
    with database(site) as session:
        center = session.scalar(select(Center).where(Center.slug == slug))
        flag = flag_listing(session, center, "phone-not-working", actor=make_staff(session, Role.SPECIALIST))
        session.commit()
        flag_id = flag.id
    everyone = admin.get("/admin/corrections").get_data(as_text=True)
    assert f"/admin/corrections/{flag_id}" in everyone and f"/admin/corrections/{public_id}" in everyone
    assert "Specialist's flag (check by" in everyone
    staff_only = admin.get("/admin/corrections?source=staff").get_data(as_text=True)
    assert (
        f"/admin/corrections/{flag_id}" in staff_only and f"/admin/corrections/{public_id}" not in staff_only
    )
    public_only = admin.get("/admin/corrections?source=public").get_data(as_text=True)
    assert (
        f"/admin/corrections/{flag_id}" not in public_only
        and f"/admin/corrections/{public_id}" in public_only
    )
    page = admin.get(f"/admin/corrections/{flag_id}").get_data(as_text=True)
    assert f'href="/admin/centers/{slug}/verification"' in page and "Close the report" not in page
    assert admin.get("/admin/corrections?source=everyone").status_code == 400

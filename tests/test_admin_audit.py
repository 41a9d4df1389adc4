"""The audit trail at /admin/audit: newest first, filters, paging, readable changes, never editable."""

from __future__ import annotations

import html
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.admin.audit_filters import AuditFilterError, parse_audit_filters
from directory.models import AuditEvent, AuditTrailError, Center, Correction, Location, Role
from directory.operations.audit import record_event
from directory.operations.staff_notes import add_staff_note, delete_staff_note
from directory.staff.history import center_history
from tests.staff_accounts import add_staff, database, make_staff, sign_in

ADMIN = "auditor@example.org"
START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ROW = re.compile(r"<tr>\s*<td><time datetime=\"([^\"]+)\"")


def add_event(session: Session, at: datetime, **values: object) -> AuditEvent:
    """Add an event that happened at ``at`` (set before it is first written, never changed after)."""
    fields = {
        "actor": "system",
        "action": "center.updated",
        "record_type": "center",
        "record_id": uuid.uuid4(),
    }
    event = record_event(session, **{**fields, **values})  # type: ignore[arg-type]
    event.occurred_at = at
    return event


@pytest.fixture
def admin(app: Flask, client: FlaskClient) -> FlaskClient:
    """A client signed in as an admin."""
    with database(app) as session:
        add_staff(session, ADMIN, Role.ADMIN)
    assert sign_in(client, ADMIN).status_code == 303
    return client


def times(response) -> list[str]:
    """Return the times of the events listed, in page order."""
    return ROW.findall(response.get_data(as_text=True))


def new_center(session: Session, slug: str) -> Center:
    center = Center(slug=slug, name=slug.replace("-", " ").title())
    center.locations = [
        Location(position=0, address_1="1 Main St", city="Salt Lake City", state="UT", postal_code="84101")
    ]
    session.add(center)
    session.flush()
    return center


def test_events_are_listed_newest_first_fifty_a_page(app, admin):
    with database(app) as session:
        for minute in range(120):
            add_event(session, START + timedelta(minutes=minute), action="center.updated")
        session.commit()
    first = admin.get("/admin/audit?action=center.updated")
    assert first.status_code == 200
    listed = times(first)
    assert len(listed) == 50 and listed == sorted(listed, reverse=True)
    assert listed[0].startswith("2026-03-01T13:59")
    page = first.get_data(as_text=True)
    assert "120 events, page 1 of 3" in page
    assert 'href="/admin/audit?action=center.updated&amp;page=2" rel="next"' in page
    last = admin.get("/admin/audit?action=center.updated&page=3")
    assert len(times(last)) == 20 and times(last)[-1].startswith("2026-03-01T12:00")
    assert admin.get("/admin/audit?action=center.updated&page=4").status_code == 404


def test_filters_by_action_family_actor_record_and_dates(app, admin):
    with database(app) as session:
        user_id, center_id = uuid.uuid4(), uuid.uuid4()
        role = {"before": {"role": "specialist"}, "after": {"role": "admin"}}
        add_event(session, START, action="user.role_changed", record_type="user", record_id=user_id,
                  actor="Ana@Staff.example", **role)  # fmt: skip
        add_event(session, START + timedelta(days=1), action="user.deactivated", record_type="user",
                  record_id=uuid.uuid4(), actor="bo@staff.example")  # fmt: skip
        add_event(session, START + timedelta(days=2), record_id=center_id, actor="system")
        add_event(session, datetime(2026, 3, 4, 23, 59, tzinfo=UTC), record_id=center_id)
        session.commit()

    def count(query: str) -> int:
        response = admin.get(f"/admin/audit?{query}")
        assert response.status_code == 200, (query, response.get_data(as_text=True)[:300])
        return len(times(response))

    assert count("") == 4 + 2  # and the admin's own sign-in (and account creation)
    assert count("action=user.role_changed") == 1
    assert count("action=user.*") >= 2 + 1
    assert count("actor=ana@staff") == 1
    assert count("actor=STAFF.EXAMPLE") == 2
    assert count("actor=100%25") == 0  # a LIKE wildcard is searched for as itself
    assert count(f"record=user:{user_id}") == 1
    assert count(f"record={str(center_id).upper()}") == 2
    assert count(f"record=center:{center_id}") == 2
    assert count(f"record=user:{center_id}") == 0
    assert count("since=2026-03-02&until=2026-03-03") == 2
    assert count("since=2026-03-04&until=2026-03-04") == 1  # both days included, to the last minute
    assert count("until=2026-03-01") == 1
    assert count("action=center.updated&since=2026-03-04") == 1


def test_changes_are_shown_as_before_and_after(app, admin):
    with database(app) as session:
        role = {"before": {"role": "specialist"}, "after": {"role": "admin"}}
        add_event(session, START, action="user.role_changed", record_type="user",
                  reason="Joined the research team", **role)  # fmt: skip
        add_event(
            session,
            START,
            action="center.updated",
            after={"accepting_new_clients": False, "therapy": ["tms", "ect"]},
        )
        session.commit()
    page = html.unescape(admin.get("/admin/audit").get_data(as_text=True))
    assert "<dt>role</dt>\n          <dd>specialist → admin</dd>" in page
    assert "<dt>accepting new clients</dt>\n          <dd>no</dd>" in page
    assert "<dd>tms, ect</dd>" in page
    assert "Reason: Joined the research team" in page


def test_a_listing_slug_shows_its_events_corrections_and_staff_notes(app, admin):
    with database(app) as session:
        center, other = new_center(session, "quiet-pines-clinic"), new_center(session, "other-clinic")
        author = make_staff(session)
        note = add_staff_note(session, center, "Phone tree has a new option 3.", actor=author)
        add_staff_note(session, other, "Not this one.", actor=author)
        delete_staff_note(session, note, actor=author, reason="Written on the wrong listing")
        correction = Correction(center_id=center.id, kind="contact", details="The number is wrong.")
        session.add(correction)
        session.flush()
        add_event(
            session, START, action="correction.reported", record_type="correction", record_id=correction.id
        )
        add_event(session, START, record_id=center.id)
        session.commit()
        history = [entry.action for entry in center_history(session, center)]
    assert sorted(history) == sorted(
        ["Staff note added", "Staff note deleted", "Correction reported by the public", "Listing changed"]
    )
    page = admin.get("/admin/audit?record=quiet-pines-clinic")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert len(times(page)) == 4
    assert "Phone tree" not in text  # the note's text never reaches the trail
    assert "Written on the wrong listing" in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("action=DROP%20TABLE", "is not an action name"),
        ("action=" + "a" * 81, "is not an action name"),
        ("actor=" + "x" * 255, "at most 254 characters"),
        ("record=%3Cscript%3E", "is not one"),
        ("record=no-such-listing", "No listing has the slug"),
        ("since=2026-13-01", "is not a date"),
        ("since=yesterday", "is not a date"),
        ("until=2026-02-30", "is not a date"),
        ("since=2026-03-02&until=2026-03-01", "before the 'from' date"),
        ("page=0", "Page must be a whole number"),
        ("page=abc", "Page must be a whole number"),
        ("page=99999999999999999999", "Page must be a whole number"),
        ("sort=oldest", "Unknown filter 'sort'"),
        ("action=a&action=b", "Give 'action' once."),
    ],
)
def test_bad_filters_answer_400_naming_the_problem(admin, query, message):
    response = admin.get(f"/admin/audit?{query}")
    assert response.status_code == 400
    assert message in html.unescape(response.get_data(as_text=True))


def test_every_problem_is_named_at_once():
    from werkzeug.datastructures import MultiDict

    with pytest.raises(AuditFilterError) as caught:
        parse_audit_filters(MultiDict({"action": "!", "since": "x", "page": "-1"}))
    assert len(caught.value.problems) == 3


def test_no_screen_can_change_or_delete_an_audit_event(app, admin):
    audit_rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin/audit")]
    assert audit_rules, "the audit page is registered"
    for rule in audit_rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
    for method in ("post", "put", "patch", "delete"):
        assert getattr(admin, method)("/admin/audit").status_code == 405
    for rule in app.url_map.iter_rules():  # nothing else names the trail's events in its path
        assert "audit" not in rule.rule or rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule


def test_the_model_refuses_to_update_or_delete_an_event(session):
    event = add_event(session, START)
    session.commit()
    event.action = "center.created"
    with pytest.raises(AuditTrailError):
        session.flush()
    session.rollback()
    session.delete(session.scalar(select(AuditEvent)))
    with pytest.raises(AuditTrailError):
        session.flush()
    session.rollback()

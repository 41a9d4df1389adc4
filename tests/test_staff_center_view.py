"""The staff view of a center: the public listing plus status, verification record, flags, notes, history.

Everything goes through the app as a signed-in specialist or admin would, on the real database.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import timedelta
from html import unescape
from urllib.parse import quote_plus

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select

from directory.models import (
    AuditEvent,
    Center,
    Correction,
    CorrectionSource,
    CorrectionStatus,
    FlagReason,
    ListingStatus,
    Role,
    StaffNote,
    User,
)
from directory.operations.centers import center_as_input, save_center
from directory.operations.staff_flags import reported_on
from directory.operations.taxonomy import TermIndex
from tests.conftest import sample_site
from tests.staff_accounts import add_staff, csrf_token, database, signed_in_client

SPECIALIST = "specialist@example.org"
COLLEAGUE = "colleague@example.org"
ADMIN = "admin@example.org"
REVERIFY_DAYS = 9


@pytest.fixture(scope="module")
def site(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The sample directory, indexed, with two specialists and an admin."""
    with sample_site(database_url, engine, tmp_path_factory.mktemp("center-view-index")) as app:
        app.config.update(STAFF_FLAG_REVERIFY_DAYS=REVERIFY_DAYS, LOGIN_RATE_LIMIT="100 per minute")
        with database(app) as session:
            add_staff(session, SPECIALIST)
            add_staff(session, COLLEAGUE)
            add_staff(session, ADMIN, Role.ADMIN)
        yield app


def signed_in(site: Flask, email: str) -> FlaskClient:
    return signed_in_client(site, email)


@pytest.fixture(scope="module")
def specialist(site: Flask) -> FlaskClient:
    return signed_in(site, SPECIALIST)


@pytest.fixture(scope="module")
def colleague(site: Flask) -> FlaskClient:
    return signed_in(site, COLLEAGUE)


@pytest.fixture(scope="module")
def admin(site: Flask) -> FlaskClient:
    return signed_in(site, ADMIN)


@pytest.fixture(scope="module")
def published(site: Flask) -> list[Center]:
    """The sample's published listings with a phone, by slug (each test takes its own)."""
    with database(site) as session:
        query = select(Center).where(Center.status == ListingStatus.PUBLISHED).order_by(Center.slug)
        centers = [center for center in session.scalars(query) if center.phones]
        session.expunge_all()
    return centers


def text_of(html: str) -> str:
    """Return a page's text with tags removed and whitespace collapsed."""
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()
    return re.sub(r" ([:.,])", r"\1", text)


def post(client: FlaskClient, url: str, form: dict[str, str], page: str):
    """Post ``form`` to ``url`` with the CSRF token of ``page``."""
    return client.post(url, data={**form, "csrf_token": csrf_token(client, page)})


def events(site: Flask, action: str, record_id: object) -> list[AuditEvent]:
    with database(site) as session:
        query = select(AuditEvent).where(AuditEvent.action == action, AuditEvent.record_id == str(record_id))
        found = list(session.scalars(query))
        session.expunge_all()
    return found


def test_staff_view_shows_the_public_listing_and_the_staff_record(site, specialist, published):
    center = published[0]
    response = specialist.get(f"/staff/centers/{center.slug}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    page = response.get_data(as_text=True)
    text = text_of(page)
    public = text_of(site.test_client().get(f"/centers/{center.slug}").get_data(as_text=True))
    assert f'<h1 id="center-name">{center.name}</h1>' in page  # the public template part, not a copy
    for phone in center.phones:
        assert phone.number in text and phone.number in public
    assert "Listing status Published" in text
    assert f"Verification status {center.verification_status.value.capitalize()}" in text
    assert f'href="/centers/{center.slug}"' in page
    assert "Report incorrect information" not in page  # staff flag instead
    assert "History of changes" in text and "Listing created sample-data loader" not in text
    assert re.search(r"UTC sample-data loader Listing created", text)


def test_only_an_admin_is_offered_the_listings_admin_page_and_edit_form(specialist, admin, published):
    slug = published[0].slug
    links = (f'href="/admin/centers/{slug}"', f'href="/admin/centers/{slug}/edit"')
    as_admin = admin.get(f"/staff/centers/{slug}").get_data(as_text=True)
    as_specialist = specialist.get(f"/staff/centers/{slug}").get_data(as_text=True)
    assert all(link in as_admin for link in links)
    assert not any(link in as_specialist for link in links)


def test_staff_view_shows_a_listing_the_public_cannot_see(site, specialist):
    with database(site) as session:
        pending = session.scalars(
            select(Center).where(Center.status == ListingStatus.PENDING).order_by(Center.slug)
        ).first()
        slug, name = pending.slug, pending.name
    assert site.test_client().get(f"/centers/{slug}").status_code == 404
    response = specialist.get(f"/staff/centers/{slug}")
    assert response.status_code == 200
    text = text_of(response.get_data(as_text=True))
    assert name in text
    assert "Listing status Pending review: not public" in text
    assert "The public has no page for it" in text


def test_verification_record_names_a_lapse(site, specialist):
    with database(site) as session:
        expired = session.scalars(
            select(Center).where(Center.verification_status == "expired").order_by(Center.slug)
        ).first()
        slug = expired.slug
    text = text_of(specialist.get(f"/staff/centers/{slug}").get_data(as_text=True))
    assert "Verification status Expired" in text and "Lapsed Yes" in text


def test_an_unknown_listing_is_not_found(specialist):
    response = specialist.get("/staff/centers/no-such-center")
    assert response.status_code == 404
    assert "We could not find that listing" in response.get_data(as_text=True)
    assert specialist.get("/staff/centers/a%00b").status_code == 404  # request_safety, before any view


def test_a_note_is_added_shown_to_staff_audited_and_never_public(site, specialist, colleague, published):
    center = published[1]
    url = f"/staff/centers/{center.slug}"
    body = "Intake line is staffed 8 to 4 on weekdays; ask for the wait-list coordinator."
    response = post(specialist, f"{url}/notes", {"body": body}, url)
    assert response.status_code == 303 and response.location == f"{url}#notes-title"
    assert "Your note is added." in text_of(specialist.get(url).get_data(as_text=True))
    page = text_of(colleague.get(url).get_data(as_text=True))
    assert body in page and SPECIALIST in page
    with database(site) as session:
        note = session.scalar(select(StaffNote).where(StaffNote.center_id == center.id))
        assert note.body == body
        note_id = note.id
    [event] = events(site, "staff_note.added", note_id)
    assert event.actor_label == SPECIALIST and body not in str(event.after)
    public = site.test_client()
    assert "wait-list coordinator" not in public.get(f"/centers/{center.slug}").get_data(as_text=True)
    assert "wait-list coordinator" not in public.get("/search?q=coordinator").get_data(as_text=True)


@pytest.mark.parametrize(
    ("body", "message"),
    [("   ", "Write the note first."), ("x" * 2001, "This is limited to 2,000 characters; it has 2,001.")],
)
def test_a_bad_note_is_refused_next_to_the_form(site, specialist, published, body, message):
    center = published[2]
    url = f"/staff/centers/{center.slug}"
    response = post(specialist, f"{url}/notes", {"body": body}, url)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    error = (
        '<p class="field-error" id="note-body-error" role="alert"><span class="visually-hidden">Error:</span>'
    )
    assert f"{error} {message}</p>" in page
    assert 'aria-invalid="true" aria-describedby="note-body-error"' in page
    with database(site) as session:
        assert session.scalar(select(func.count()).where(StaffNote.center_id == center.id)) == 0


def test_a_nul_in_a_note_is_refused_before_any_view(site, specialist, published):
    center = published[2]
    url = f"/staff/centers/{center.slug}"
    response = post(specialist, f"{url}/notes", {"body": "a\x00b"}, url)
    assert response.status_code == 400
    with database(site) as session:
        assert session.scalar(select(func.count()).where(StaffNote.center_id == center.id)) == 0


def add_note(site: Flask, client: FlaskClient, center: Center, body: str) -> uuid.UUID:
    url = f"/staff/centers/{center.slug}"
    assert post(client, f"{url}/notes", {"body": body}, url).status_code == 303
    with database(site) as session:
        return session.scalar(
            select(StaffNote.id).where(StaffNote.center_id == center.id, StaffNote.body == body)
        )


def test_the_author_deletes_a_note_with_a_reason(site, specialist, published):
    center = published[3]
    url = f"/staff/centers/{center.slug}"
    note_id = add_note(site, specialist, center, "Wrote the caller's name here by mistake.")
    delete_url = f"{url}/notes/{note_id}/delete"
    refused = post(specialist, delete_url, {"reason": " "}, url)
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert f'id="delete-{note_id}-error" role="alert"' in page and "Say why the note is deleted." in page
    assert f'aria-describedby="delete-{note_id}-error"' in page
    response = post(specialist, delete_url, {"reason": "held a caller's name"}, url)
    assert response.status_code == 303
    with database(site) as session:
        assert session.get(StaffNote, note_id) is None
    [event] = events(site, "staff_note.deleted", note_id)
    assert event.reason == "held a caller's name" and event.actor_label == SPECIALIST
    assert "caller's name here" not in text_of(specialist.get(url).get_data(as_text=True))


def test_only_the_author_or_an_admin_may_delete_a_note(site, specialist, colleague, admin, published):
    center = published[4]
    url = f"/staff/centers/{center.slug}"
    note_id = add_note(site, specialist, center, "Closed on public holidays.")
    delete_url = f"{url}/notes/{note_id}/delete"
    assert delete_url not in colleague.get(url).get_data(as_text=True)
    assert delete_url in admin.get(url).get_data(as_text=True)
    refused = post(colleague, delete_url, {"reason": "not needed"}, url)
    assert refused.status_code == 403
    assert "not available to your account" in refused.get_data(as_text=True)
    with database(site) as session:
        assert session.get(StaffNote, note_id) is not None
    assert post(admin, delete_url, {"reason": "duplicate of the hours"}, url).status_code == 303
    [event] = events(site, "staff_note.deleted", note_id)
    assert event.actor_label == ADMIN


def test_a_note_is_deleted_only_from_its_own_listing(site, specialist, published):
    center, other = published[5], published[6]
    note_id = add_note(site, specialist, center, "Parking behind the building.")
    other_url = f"/staff/centers/{other.slug}"
    wrong = post(specialist, f"{other_url}/notes/{note_id}/delete", {"reason": "x"}, other_url)
    assert wrong.status_code == 404
    unknown = post(specialist, f"{other_url}/notes/{uuid.uuid4()}/delete", {"reason": "x"}, other_url)
    assert unknown.status_code == 404 and "We could not find that listing" in unknown.get_data(as_text=True)
    with database(site) as session:
        assert session.get(StaffNote, note_id) is not None


def test_a_form_without_its_token_is_refused_with_a_way_back(specialist, published):
    center = published[6]
    response = specialist.post(f"/staff/centers/{center.slug}/notes", data={"body": "hello"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Your form expired" in page and f'href="/staff/centers/{center.slug}"' in page


def test_a_flag_from_the_center_view_lands_in_the_queue_and_is_marked(site, specialist, published):
    center = published[7]
    url = f"/staff/centers/{center.slug}"
    form = {"reason": FlagReason.PHONE_NOT_WORKING.value, "note": "Rang twice, number disconnected."}
    response = post(specialist, f"{url}/flags", form, url)
    assert response.status_code == 303 and response.location == url
    with database(site) as session:
        [flag] = session.scalars(select(Correction).where(Correction.center_id == center.id)).all()
        reporter = session.scalar(select(User).where(User.email == SPECIALIST))
        assert (flag.source, flag.status, flag.reported_by) == (
            CorrectionSource.STAFF,
            CorrectionStatus.NEW,
            reporter.id,
        )
        assert flag.reverify_by - flag.created_at == timedelta(days=REVERIFY_DAYS)
        assert flag.details == form["note"]
        when, flag_id = reported_on(flag), flag.id
    [event] = events(site, "correction.flagged", flag_id)
    assert event.actor_label == SPECIALIST and event.after["center_id"] == str(center.id)
    page = specialist.get(url)
    text = text_of(page.get_data(as_text=True))
    assert f"Reported by staff on {when}: Phone does not work" in text
    assert f"Reported to the research team: {center.name}, “phone does not work”." in text  # the flash
    assert "Rang twice, number disconnected." in text
    assert re.search(rf"UTC {re.escape(SPECIALIST)} Flagged by staff", text)  # the history


def test_a_flag_from_a_results_row_goes_back_to_the_results(site, specialist, published):
    center = published[8]
    search = f"/staff/search?q={quote_plus(center.name)}"
    page = specialist.get(search).get_data(as_text=True)
    row = re.search(rf'<tr data-center-id="{center.id}">(.*?)</tr>', page, re.S).group(1)
    assert f'action="/staff/centers/{center.slug}/flags"' in row
    assert f'<input type="hidden" name="next" value="{search}">' in unescape(row)
    assert f'for="flag-{center.id}-reason"' in row  # a labelled control, unique per row
    form = {"reason": FlagReason.NOT_ACCEPTING.value, "next": search}
    response = post(specialist, f"/staff/centers/{center.slug}/flags", form, search)
    assert response.status_code == 303 and response.location == search
    after = specialist.get(search).get_data(as_text=True)
    row = re.search(rf'<tr data-center-id="{center.id}">(.*?)</tr>', after, re.S).group(1)
    assert "Reported by staff on" in row and "Not accepting new clients" in text_of(row)


def test_a_second_identical_flag_is_refused_with_a_clear_message(site, specialist, colleague, published):
    center = published[9]
    url = f"/staff/centers/{center.slug}"
    form = {"reason": FlagReason.CLOSED.value, "next": "/staff/search?q=closed"}
    assert post(specialist, f"{url}/flags", form, url).status_code == 303
    again = post(colleague, f"{url}/flags", form, url)
    assert again.status_code == 400
    page = again.get_data(as_text=True)
    assert "was already reported as “closed” by staff on" in unescape(page)
    assert f'id="flag-{center.id}-error" role="alert"' in page
    assert f'aria-invalid="true" aria-describedby="flag-{center.id}-error"' in page
    assert '<input type="hidden" name="next" value="/staff/search?q=closed">' in page
    with database(site) as session:
        assert session.scalar(select(func.count()).where(Correction.center_id == center.id)) == 1


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"reason": "rude-receptionist"}, "Choose what is wrong"),
        ({"reason": "closed", "note": "n" * 1001}, "The note is limited to 1,000 characters"),
    ],
)
def test_a_bad_flag_is_refused_next_to_the_form(site, specialist, published, form, message):
    center = published[10]
    url = f"/staff/centers/{center.slug}"
    response = post(specialist, f"{url}/flags", form, url)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with database(site) as session:
        assert session.scalar(select(func.count()).where(Correction.center_id == center.id)) == 0


def test_a_flag_never_goes_back_to_another_site(specialist, published):
    center = published[11]
    url = f"/staff/centers/{center.slug}"
    form = {"reason": FlagReason.THERAPY_NOT_OFFERED.value, "next": "//evil.example/"}
    response = post(specialist, f"{url}/flags", form, url)
    assert response.status_code == 303 and response.location == url


def test_the_public_never_sees_staff_flags(site, specialist, published):
    center = published[12]
    url = f"/staff/centers/{center.slug}"
    form = {"reason": FlagReason.PHONE_NOT_WORKING.value, "note": "Voicemail full for a week."}
    assert post(specialist, f"{url}/flags", form, url).status_code == 303
    assert "Reported by staff" in specialist.get(url).get_data(as_text=True)
    public = site.test_client()
    for page in (f"/centers/{center.slug}", f"/search?q={quote_plus(center.name)}"):
        html = public.get(page).get_data(as_text=True)
        assert center.name in unescape(html)
        assert "Reported by staff" not in html and "Voicemail full" not in html


def test_history_lists_the_listings_changes_newest_first_with_who_and_what(site, specialist, published):
    center = published[13]
    with database(site) as session:
        listing = session.get(Center, center.id)
        data = center_as_input(listing)
        data.update(
            accepting_new_clients=not listing.accepting_new_clients, price_notes="Ask about packages."
        )
        save_center(session, data, TermIndex.load(session), actor="research import", reason="new price list")
        session.commit()
    text = text_of(specialist.get(f"/staff/centers/{center.slug}").get_data(as_text=True))
    history = text[text.index("History of changes") :]
    changed = "research import Listing changed: accepting new clients, price notes (new price list)"
    assert changed in history
    assert history.index(changed) < history.index("sample-data loader Listing created")


def test_history_includes_staff_notes_added_and_deleted_never_their_text(site, specialist, published):
    center = published[14]
    url = f"/staff/centers/{center.slug}"
    note_id = add_note(site, specialist, center, "Intake line moved to extension 4.")
    deleting = post(specialist, f"{url}/notes/{note_id}/delete", {"reason": "out of date"}, url)
    assert deleting.status_code == 303
    text = text_of(specialist.get(url).get_data(as_text=True))
    history = text[text.index("History of changes") :]
    deleted = f"{SPECIALIST} Staff note deleted (out of date)"
    assert deleted in history and f"{SPECIALIST} Staff note added" in history
    assert "extension 4" not in history

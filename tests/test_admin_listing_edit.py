"""The listing edit form (``/admin/centers/<slug>/edit``): every public field, schema-validated, audited."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from admin_forms import form_values
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select

from directory.models import AuditEvent, Center, ListingStatus, Role
from directory.operations.errors import OperationError, PermissionDenied
from directory.operations.listing_edits import edit_listing, listing_edit_schema
from directory.search import CenterQuery, Viewer, search_centers
from tests.conftest import sample_site
from tests.staff_accounts import add_staff, csrf_token, database, make_staff, signed_in_client

ADMIN = "editor@example.org"
SPECIALIST = "helper@example.org"


@pytest.fixture(scope="module")
def site(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The sample directory, indexed, with one admin and one specialist."""
    with sample_site(database_url, engine, tmp_path_factory.mktemp("edit-index")) as app:
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


def published_slugs(site: Flask) -> list[str]:
    with database(site) as session:
        return list(
            session.scalars(
                select(Center.slug).where(Center.status == ListingStatus.PUBLISHED).order_by(Center.slug)
            )
        )


def edits_of(site: Flask, slug: str) -> list[AuditEvent]:
    with database(site) as session:
        center_id = session.scalar(select(Center.id).where(Center.slug == slug))
        return list(
            session.scalars(
                select(AuditEvent).where(
                    AuditEvent.action == "center.edited", AuditEvent.record_id == str(center_id)
                )
            )
        )


def edit_url(slug: str) -> str:
    return f"/admin/centers/{slug}/edit"


def current_form(client: FlaskClient, slug: str) -> dict:
    response = client.get(edit_url(slug))
    assert response.status_code == 200
    return form_values(response.get_data(as_text=True), edit_url(slug))


def test_the_form_shows_every_public_field_with_its_current_value(site, admin):
    slug = published_slugs(site)[0]
    values = current_form(admin, slug)
    with database(site) as session:
        center = session.scalar(select(Center).where(Center.slug == slug))
        assert values["name"] == center.name
        assert values["phones-0-number"] == center.phones[0].number
        assert values["locations-0-postal_code"] == center.primary_location.postal_code
        blank_row = len(center.locations)
        assert values[f"locations-{blank_row}-address_1"] == ""  # one empty row to add a location
        for scheme, codes in center.term_codes().items():
            sent = values.get(f"terms_{scheme}", [])
            assert sorted([sent] if isinstance(sent, str) else sent) == sorted(codes)
    for question in (
        "accepting_new_clients",
        "spravato_rems_certified",
        "sliding_scale",
        "integration_therapy",
    ):
        assert values[question] in ("yes", "no", "unknown")
    assert {"cash_price_min", "cash_price_max", "price_notes", "year_opened", "service_area_states"} <= set(
        values
    )


def test_sending_the_form_back_unchanged_changes_nothing(site, admin):
    slug = published_slugs(site)[1]
    response = admin.post(edit_url(slug), data=current_form(admin, slug))
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.location == f"/staff/centers/{slug}"
    assert "Nothing was changed" in admin.get(response.location).get_data(as_text=True)
    assert edits_of(site, slug) == []


def test_an_edit_is_saved_audited_with_only_the_changed_fields_and_reaches_search(site, admin):
    slug = published_slugs(site)[2]
    with database(site) as session:
        center = session.scalar(select(Center).where(Center.slug == slug))
        old_name, old_phone = center.name, center.phones[0].number
        verification, advertiser = center.verification_status, center.is_advertiser
    values = current_form(admin, slug)
    values.update(
        {
            "name": "Quillowby Ketamine Clinic",
            "phones-0-number": "801-555-0199",
            "spravato_rems_certified": "yes",
            "cash_price_min": "300",
            "cash_price_max": "650",
            "reason": "Report from the clinic's director",
        }
    )
    response = admin.post(edit_url(slug), data=values)
    assert response.status_code == 303, response.get_data(as_text=True)
    [event] = edits_of(site, slug)
    assert event.actor_label == ADMIN and event.reason == "Report from the clinic's director"
    assert event.after["name"] == "Quillowby Ketamine Clinic" and event.before["name"] == old_name
    assert event.before["phones"][0]["number"] == old_phone
    assert event.after["phones"][0]["number"] == "(801) 555-0199"
    assert event.after["spravato_rems_certified"] is True
    assert "description" not in event.after and "locations" not in event.after
    with database(site) as session:
        center = session.scalar(select(Center).where(Center.slug == slug))
        assert center.status is ListingStatus.PUBLISHED
        assert (center.verification_status, center.is_advertiser) == (verification, advertiser)
    with site.app_context():
        hits = search_centers(CenterQuery(text="Quillowby"), Viewer.PUBLIC).hits
    assert [hit["slug"] for hit in hits] == [slug]


def test_rows_are_added_and_removed(site, admin):
    slug = published_slugs(site)[3]
    values = current_form(admin, slug)
    blank_location = sum(1 for name in values if name.endswith("-address_1")) - 1
    values.update(
        {
            f"locations-{blank_location}-address_1": "12 Juniper Row",
            f"locations-{blank_location}-city": "Provo",
            f"locations-{blank_location}-state": "UT",
            f"locations-{blank_location}-postal_code": "84601",
            "service_area_states": "ut, id",
        }
    )
    for name in [name for name in values if name.startswith("phones-")]:
        values[name] = ""
    response = admin.post(edit_url(slug), data=values)
    assert response.status_code == 303, response.get_data(as_text=True)
    with database(site) as session:
        center = session.scalar(select(Center).where(Center.slug == slug))
        assert center.phones == []
        assert center.locations[-1].city == "Provo" and center.locations[-1].latitude is not None
        assert sorted(area.state for area in center.service_areas) == ["ID", "UT"]


HOSTILE = {
    "name": "",
    "website": "javascript:alert(1)",
    "email": "not an address",
    "cash_price_min": "a lot",
    "year_opened": "3000",
    "locations-0-postal_code": "ABCDE",
    "locations-0-latitude": "91",
    "phones-0-number": "<script>alert(1)</script>",
    "service_area_states": "ZZ",
    "description": "Caf\udcc3 \ufffd bytes",
}


def test_hostile_input_is_refused_next_to_each_field_and_nothing_is_lost(site, admin):
    slug = published_slugs(site)[4]
    values = current_form(admin, slug)
    values.update(HOSTILE)
    values["description"] = "Tea %FF room, <b>bold</b>"
    response = admin.post(edit_url(slug), data=values)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page
    for message in (
        "Enter the center&#39;s name.",
        "Must be a full web address",
        "Must be an e-mail address",
        "Not a valid integer.",
        "Must be a year from 1800",
        "Must be a US phone number",
        "two-letter US state code",
    ):
        assert message in page, message
    assert 'id="locations-0-postal_code-error"' in page and 'id="locations-0-latitude-error"' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert 'value="javascript:alert(1)"' in page  # kept as typed, never a link
    assert "Tea %FF room, &lt;b&gt;bold&lt;/b&gt;" in page
    assert edits_of(site, slug) == []


def test_a_price_range_upside_down_is_refused(site, admin):
    slug = published_slugs(site)[4]
    values = current_form(admin, slug)
    values.update({"cash_price_min": "900", "cash_price_max": "12"})
    response = admin.post(edit_url(slug), data=values)
    assert response.status_code == 400
    assert 'id="cash_price_max-error"' in response.get_data(as_text=True)
    assert "Must not be lower than cash_price_min." in response.get_data(as_text=True)


def test_bytes_that_are_not_utf8_are_named_next_to_the_field(site, admin):
    slug = published_slugs(site)[4]
    values = current_form(admin, slug)
    values.pop("price_notes")
    body = urlencode(values, doseq=True).encode("ascii") + b"&price_notes=caf%E9+au+lait"
    response = admin.post(edit_url(slug), data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "could not be read (not valid UTF-8)" in response.get_data(as_text=True)
    assert edits_of(site, slug) == []


def test_an_unknown_term_is_refused_next_to_its_scheme(site, admin):
    slug = published_slugs(site)[4]
    values = current_form(admin, slug)
    values["terms_therapy"] = ["ketamine-assisted-therapy", "made-up-therapy"]
    response = admin.post(edit_url(slug), data=values)
    assert response.status_code == 400
    assert "Unknown therapy term &#39;made-up-therapy&#39;." in response.get_data(as_text=True)
    assert edits_of(site, slug) == []


def test_a_form_without_its_csrf_token_changes_nothing(site, admin):
    slug = published_slugs(site)[4]
    values = current_form(admin, slug)
    values.pop("csrf_token")
    values["name"] = "Renamed Without A Token"
    response = admin.post(edit_url(slug), data=values)
    assert response.status_code == 400
    assert "Your form expired" in response.get_data(as_text=True)
    assert edits_of(site, slug) == []


def test_a_specialist_is_refused_and_an_unknown_listing_is_404(site, admin, specialist):
    slug = published_slugs(site)[4]
    assert specialist.get(edit_url(slug)).status_code == 403
    token = csrf_token(specialist, "/staff/")
    assert specialist.post(edit_url(slug), data={"csrf_token": token, "name": "X"}).status_code == 403
    assert admin.get(edit_url("no-such-listing")).status_code == 404
    assert admin.get(edit_url("Not%20A%20Slug")).status_code == 404
    assert edits_of(site, slug) == []


def test_the_operation_refuses_a_specialist_and_fields_outside_the_form_without_an_audit_event(site):
    slug = published_slugs(site)[5]
    with database(site) as session:
        center = session.scalar(select(Center).where(Center.slug == slug))
        before = session.scalar(select(func.count()).select_from(AuditEvent))
        data = listing_edit_schema().load({"name": "Anything"}, partial=True)
        with pytest.raises(PermissionDenied):
            edit_listing(session, center, data, actor=make_staff(session, Role.SPECIALIST))
        with pytest.raises(OperationError, match="cannot change these fields: status"):
            edit_listing(
                session, center, {"status": ListingStatus.CLOSED}, actor=make_staff(session, Role.ADMIN)
            )
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == before
        assert center.name != "Anything" and center.status is ListingStatus.PUBLISHED
        session.rollback()


def test_unreadable_bytes_in_any_text_field_are_named_next_to_that_field(site, admin):
    slug = published_slugs(site)[6]
    values = current_form(admin, slug)
    text_fields = [
        name
        for name, value in values.items()
        if isinstance(value, str)
        and name not in ("csrf_token", "locations-0-state", "phones-0-type")
        and not name.startswith(("terms_", "locations-1", "phones-1"))
        and name not in {question for question in values if values[question] in ("yes", "no", "unknown")}
    ]
    assert {"name", "description", "phones-0-number", "locations-0-city", "year_opened", "reason"} <= set(
        text_fields
    )
    for name in text_fields:
        sent = {key: value for key, value in values.items() if key != name}
        body = urlencode(sent, doseq=True).encode("ascii") + f"&{name}=caf%E9".encode()
        response = admin.post(edit_url(slug), data=body, content_type="application/x-www-form-urlencoded")
        page = response.get_data(as_text=True)
        assert response.status_code == 400, name
        assert f'id="{name}-error"' in page, name
    nul = admin.post(edit_url(slug), data={**values, "name": "Nul\x00Clinic"})
    assert nul.status_code == 400  # refused for the whole request before any view (request_safety)
    assert edits_of(site, slug) == []

"""HSDS for partners: no internal fields, plain values, vocabulary addresses that resolve, the record's
own dates, metadata from the audit trail without staff identities, E.164 phones, verification as
``assured_date`` and advertising as one documented attribute."""

import html
import io
import json
import re
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from directory.contact import e164
from directory.hsds import ids, marks
from directory.hsds.export import export_json, export_package
from directory.hsds.history import action_type
from directory.hsds.layout import load_layout
from directory.hsds.mapping import last_modified
from directory.hsds.publisher import current_publisher, team_email
from directory.models import (
    AuditEvent,
    Center,
    ListingStatus,
    Phone,
    PhoneType,
    Role,
    TaxonomyTerm,
    VerificationDecision,
    VerificationStatus,
)
from directory.operations.listing_edits import edit_listing
from directory.operations.listing_state import change_listing_status
from directory.operations.submissions import ListingSubmissionInput, create_pending_listing
from directory.operations.taxonomy import TermIndex
from directory.operations.verification import Evidence, decide_verification
from tests.staff_accounts import add_staff
from tests.test_hsds import needs_reference, package_problems, read_rows, schema_registry

STAFF_EMAIL = "ann.reviewer@staff.example"
STAFF_NAME = "Ann Reviewer"
TEAM = "Research team, research@localhost"
#: Values that are the listings' internals: none may appear in any exported cell.
INTERNAL_VALUES = {
    "larkspur-ketamine-clinic",
    "quiet-harbor-tms",
    "abc|123",
    "samhsa-nmhsd",
    "R. Reviewer",
    "License checked, site visit done.",
    "pending",
    "verified",
    "unverified",
    "expired",
    '["KIT", "TELE"]',
}


@pytest.fixture(scope="module")
def layout():
    return load_layout()


@pytest.fixture
def listings(session, vocabulary, create_center):
    """A verified advertiser with phones written every way, a pending center (not exported), a lapsed
    verification."""
    terms = TermIndex.load(session).terms
    advertiser = create_center(
        slug="larkspur-ketamine-clinic",
        name="Larkspur Ketamine Clinic",
        website="https://larkspur.example",
        status=ListingStatus.PUBLISHED,
        verification_status=VerificationStatus.VERIFIED,
        verified_at=datetime(2025, 3, 4, 15, 30, tzinfo=UTC),
        verified_by="R. Reviewer",
        verification_notes="License checked, site visit done.",
        is_advertiser=True,
        advertiser_starts_on=date(2025, 4, 1),
        source="samhsa-nmhsd",
        external_key="abc|123",
        source_codes=["KIT", "TELE"],
    )
    advertiser.phones = [
        Phone(position=0, number="(801) 555-0134", extension="ext. 12"),
        Phone(position=1, number="+1 801 555 0135", extension="204", type=PhoneType.FAX),
        Phone(position=2, number="801.555.0136 x7"),
        Phone(position=3, number="1-801-555-0137"),
    ]
    advertiser.terms = [terms[("therapy", "ketamine-assisted-therapy")], terms[("language", "english")]]
    create_center(slug="quiet-harbor-tms", name="Quiet Harbor TMS", status=ListingStatus.PENDING)
    create_center(
        slug="lapsed-clinic",
        name="Lapsed Clinic",
        status=ListingStatus.PUBLISHED,
        verification_status=VerificationStatus.EXPIRED,
        verified_at=datetime(2023, 1, 2, tzinfo=UTC),
    )
    session.commit()
    return session


def export(session, layout, folder: Path) -> dict[str, list[dict[str, str]]]:
    """Export into ``folder``; return every file's rows by file name."""
    export_package(session, folder, layout)
    return {path.name: read_rows(path) for path in sorted(folder.glob("*.csv"))}


def services_by_name(files) -> dict[str, dict[str, str]]:
    return {row["name"]: row for row in files["services.csv"]}


# --- what is published -----------------------------------------------------------------------------


def test_no_internal_field_is_published(listings, layout, tmp_path):
    files = export(listings, layout, tmp_path)
    cells = {value for rows in files.values() for row in rows for value in row.values()}
    assert cells & INTERNAL_VALUES == set()
    text = "".join(path.read_text(encoding="utf-8") for path in tmp_path.glob("*.csv"))
    assert "directory-field" not in text and "Treatment directory fields" not in text
    service_attributes = [row for row in files["attributes.csv"] if row["link_entity"] == "service"]
    terms = {row["id"]: row["code"] for row in files["taxonomy_terms.csv"]}
    assert {terms[row["taxonomy_term_id"]].partition(":")[0] for row in service_attributes} == {
        "therapy",
        "language",
        marks.SCHEME,
    }


def test_attribute_values_are_plain_text_of_the_documented_marks(listings, layout, tmp_path):
    files = export(listings, layout, tmp_path)
    with_values = [row for row in files["attributes.csv"] if row["value"]]
    assert with_values and all(row["taxonomy_term_id"] in marks.BY_TERM_ID for row in with_values)
    for row in with_values:
        assert not row["value"].startswith(('"', "[", "{")), row
    values = {(marks.BY_TERM_ID[row["taxonomy_term_id"]].code, row["value"]) for row in with_values}
    assert ("phone-extension", "ext. 12") in values and ("samhsa-service-code", "KIT") in values


def test_advertiser_attribute_only_on_advertisers(listings, layout, tmp_path):
    files = export(listings, layout, tmp_path)
    services = {row["id"]: row["name"] for row in files["services.csv"]}
    advertiser_term = str(marks.BY_CODE[marks.ADVERTISER].term_id)
    marked = [row for row in files["attributes.csv"] if row["taxonomy_term_id"] == advertiser_term]
    assert [(services[row["link_id"]], row["link_entity"], row["value"]) for row in marked] == [
        ("Larkspur Ketamine Clinic", "service", "true")
    ]


def test_assured_date_and_team_address_only_for_verified_centers(listings, layout, tmp_path):
    services = services_by_name(export(listings, layout, tmp_path))
    assert (
        services["Larkspur Ketamine Clinic"]["assured_date"],
        services["Larkspur Ketamine Clinic"]["assurer_email"],
    ) == (
        "2025-03-04",
        "research@localhost",
    )
    assert (services["Lapsed Clinic"]["assured_date"], services["Lapsed Clinic"]["assurer_email"]) == ("", "")
    assert "Quiet Harbor TMS" not in services  # pending: not shared at all


def test_last_modified_is_the_records_own(listings, layout, tmp_path):
    services = services_by_name(export(listings, layout, tmp_path))
    shared = listings.scalars(select(Center).where(Center.status != ListingStatus.PENDING)).all()
    assert sorted(services) == sorted(center.name for center in shared)
    for center in shared:
        written = services[center.name]["last_modified"]
        assert written == last_modified(center.updated_at)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", written)


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("(801) 555-0134", "+18015550134"),
        ("+1 801 555 0135", "+18015550135"),
        ("+1 (801) 555-0135", "+18015550135"),
        ("801.555.0136 x7", "+18015550136"),
        ("801-555-0136 ext. 204", "+18015550136"),
        ("1-801-555-0137", "+18015550137"),
        ("555-0134", None),
        ("+44 20 7946 0958", None),
        ("", None),
    ],
)
def test_e164(number, expected):
    assert e164(number) == expected


def test_phones_keep_their_number_and_add_e164(listings, layout, tmp_path):
    files = export(listings, layout, tmp_path)
    e164_term = str(marks.BY_CODE[marks.PHONE_E164].term_id)
    international = {
        row["link_id"]: row["value"]
        for row in files["attributes.csv"]
        if row["taxonomy_term_id"] == e164_term
    }
    assert [
        (row["number"], row["extension"], international.get(row["id"])) for row in files["phones.csv"]
    ] == [
        ("(801) 555-0134", "", "+18015550134"),
        ("+1 801 555 0135", "204", "+18015550135"),
        ("801.555.0136 x7", "", "+18015550136"),
        ("1-801-555-0137", "", "+18015550137"),
    ]


# --- the vocabulary's addresses --------------------------------------------------------------------


def test_every_taxonomy_and_term_has_an_address_on_this_site_that_resolves(
    listings, client, layout, tmp_path
):
    files = export(listings, layout, tmp_path)
    pages: dict[str, str] = {}

    def page(uri: str) -> str:
        address = urlsplit(uri)
        assert (address.scheme, address.netloc) == ("http", "localhost:5000"), uri
        if address.path not in pages:
            response = client.get(address.path)
            assert response.status_code == 200, uri
            pages[address.path] = response.get_data(as_text=True)
        return pages[address.path]

    assert len(files["taxonomies.csv"]) == 13
    for taxonomy in files["taxonomies.csv"]:
        assert taxonomy["uri"] and taxonomy["version"], taxonomy
        assert html.escape(taxonomy["name"]) in page(taxonomy["uri"])
    for term in files["taxonomy_terms.csv"]:
        text = page(term["term_uri"])
        assert f'id="{urlsplit(term["term_uri"]).fragment}"' in text, term["term_uri"]
        assert f"<code>{term['code']}</code>" in text
    ketamine = next(
        row for row in files["taxonomy_terms.csv"] if row["code"] == "therapy:ketamine-assisted-therapy"
    )
    codes = [row["value"] for row in files["attributes.csv"] if row["link_id"] == ketamine["id"]]
    assert codes == ["KIT"] and "<code>KIT</code>" in page(ketamine["term_uri"])


def test_vocabulary_pages_list_the_schemes_and_refuse_an_unknown_one(vocabulary, client):
    index = client.get("/vocabulary")
    assert index.status_code == 200
    html = index.get_data(as_text=True)
    assert 'href="/vocabulary/therapy"' in html and 'href="/vocabulary/directory-marks"' in html
    marks_page = client.get("/vocabulary/directory-marks").get_data(as_text=True)
    assert 'id="advertiser"' in marks_page and "<code>directory-marks:advertiser</code>" in marks_page
    assert client.get("/vocabulary/no-such-scheme").status_code == 404


def test_version_changes_with_the_terms(listings, layout, tmp_path):
    before = {
        row["name"]: row["version"] for row in export(listings, layout, tmp_path / "one")["taxonomies.csv"]
    }
    term = listings.scalar(select(TaxonomyTerm).where(TaxonomyTerm.code == "ketamine-assisted-therapy"))
    term.label = "Ketamine therapy"
    listings.commit()
    after = {
        row["name"]: row["version"] for row in export(listings, layout, tmp_path / "two")["taxonomies.csv"]
    }
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"Therapy type"}


def test_addresses_and_team_come_from_the_configuration(app, session):
    app.config.update(PUBLIC_BASE_URL="https://directory.example.org", RESEARCH_TEAM_EMAIL=None)
    publisher = current_publisher()
    assert publisher.scheme_uri("therapy") == "https://directory.example.org/vocabulary/therapy"
    assert publisher.term_uri("therapy", "tms") == "https://directory.example.org/vocabulary/therapy#tms"
    assert publisher.team == "Research team, research@directory.example.org"
    app.config["RESEARCH_TEAM_EMAIL"] = "verification@directory.example.org"
    assert current_publisher().team_email == "verification@directory.example.org"
    assert team_email({}) == "research@localhost"


# --- metadata from the audit trail -----------------------------------------------------------------


def test_metadata_is_the_audit_trail_of_changes_without_staff_identities(listings, layout, tmp_path):
    admin = add_staff(listings, STAFF_EMAIL, Role.ADMIN)
    center = listings.scalar(select(Center).where(Center.slug == "larkspur-ketamine-clinic"))
    edit_listing(
        listings,
        center,
        {"name": "Larkspur Clinic", "website": "https://new.larkspur.example"},
        actor=admin,
        reason=f"Phoned by {STAFF_NAME}",
    )
    decide_verification(
        listings, center, VerificationDecision.VERIFY, actor=admin, evidence=Evidence(phone_confirmed=True)
    )
    change_listing_status(listings, center, ListingStatus.SUSPENDED, actor=admin, reason="Moving premises")
    listings.commit()
    events = listings.scalars(
        select(AuditEvent).where(AuditEvent.record_id == str(center.id)).order_by(AuditEvent.occurred_at)
    ).all()
    assert len(events) >= 3

    files = export(listings, layout, tmp_path)
    today = events[-1].occurred_at.date().isoformat()
    rows = files["metadata.csv"]
    assert [
        (row["last_action_type"], row["field_name"], row["previous_value"], row["replacement_value"])
        for row in rows
    ] == [
        ("update", "name", "Larkspur Ketamine Clinic", "Larkspur Clinic"),
        ("update", "url", "https://larkspur.example", "https://new.larkspur.example"),
        ("verified", "assured_date", "2025-03-04", today),
        ("unpublished", "status", "active", "temporarily closed"),
    ]
    assert {(row["resource_id"], row["resource_type"], row["updated_by"]) for row in rows} == {
        (str(ids.service_id(center.id)), "service", TEAM)
    }
    # Each row is one field of one audit event: its id derives from the event's, its date is the event's.
    dates = {
        str(uuid.uuid5(event.id, f"metadata/{row['field_name']}")): event.occurred_at.date().isoformat()
        for event in events
        for row in rows
    }
    assert [dates[row["id"]] for row in rows] == [row["last_action_date"] for row in rows]
    assert [action_type(event.action) for event in events][-3:] == ["update", "verified", "unpublished"]
    for path in tmp_path.iterdir():
        text = path.read_text(encoding="utf-8")
        assert STAFF_EMAIL not in text and STAFF_NAME not in text, path.name
    services = services_by_name(files)
    assert services["Larkspur Clinic"]["assured_date"] == today
    listings.refresh(center)
    assert services["Larkspur Clinic"]["last_modified"] == last_modified(center.updated_at)


@needs_reference
def test_export_with_audited_changes_validates_strictly(listings, layout, tmp_path):
    admin = add_staff(listings, STAFF_EMAIL, Role.ADMIN)
    center = listings.scalar(select(Center).where(Center.slug == "quiet-harbor-tms"))
    edit_listing(listings, center, {"name": "Quiet Harbor"}, actor=admin)
    change_listing_status(listings, center, ListingStatus.PUBLISHED, actor=admin)
    listings.commit()
    export_package(listings, tmp_path, layout)
    assert len(read_rows(tmp_path / "metadata.csv")) == 2
    assert package_problems(tmp_path, layout, schema_registry()) == []


def test_json_services_carry_the_same_marks(listings, layout):
    stream = io.StringIO()
    export_json(listings, stream, layout)
    services = {service["name"]: service for service in map(json.loads, stream.getvalue().splitlines())}
    larkspur = services["Larkspur Ketamine Clinic"]
    assert larkspur["assurer_email"] == "research@localhost"
    codes = {
        attribute["taxonomy_term"]["code"]: attribute.get("value") for attribute in larkspur["attributes"]
    }
    assert codes["directory-marks:advertiser"] == "true"
    assert all(attribute["taxonomy_term"]["term_uri"] for attribute in larkspur["attributes"])
    assert larkspur["phones"][0]["attributes"][0]["value"] == "+18015550134"
    assert "attributes" not in services["Lapsed Clinic"] or all(
        not attribute.get("value") for attribute in services["Lapsed Clinic"]["attributes"]
    )


def test_pending_public_submission_never_reaches_the_files_or_json_lines(listings, layout, tmp_path):
    form = {
        "name": "Brightwater Renewal",
        "description": "Ketamine infusions with integration sessions.",
        "phone": "(385) 555-0142",
        "address_1": "40 Willow Bend Way",
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
    }
    submitted = create_pending_listing(
        listings, ListingSubmissionInput().load(form), actor="public listing form"
    )
    listings.commit()
    assert submitted.status == ListingStatus.PENDING
    secrets = (
        "Brightwater",
        "40 Willow Bend Way",
        "555-0142",
        "Rowan Quill",
        str(submitted.id),
        str(ids.service_id(submitted.id)),
    )
    files = export(listings, layout, tmp_path)
    assert sorted(services_by_name(files)) == ["Lapsed Clinic", "Larkspur Ketamine Clinic"]
    text = "".join(path.read_text(encoding="utf-8") for path in tmp_path.glob("*.csv"))
    stream = io.StringIO()
    assert export_json(listings, stream, layout) == 2
    for secret in secrets:
        assert secret not in text, secret
        assert secret not in stream.getvalue(), secret


def test_export_command_warns_when_the_site_has_no_public_address(runner, app, listings, tmp_path):
    result = runner.invoke(args=["data", "export-hsds", str(tmp_path / "local")])
    assert result.exit_code == 0, result.output
    assert "PUBLIC_BASE_URL is not set" in result.output
    app.config["PUBLIC_BASE_URL"] = "https://directory.example.org"
    result = runner.invoke(args=["data", "export-hsds", str(tmp_path / "public")])
    assert result.exit_code == 0 and "PUBLIC_BASE_URL" not in result.output
    taxonomies = read_rows(tmp_path / "public" / "taxonomies.csv")
    assert all(row["uri"].startswith("https://directory.example.org/vocabulary/") for row in taxonomies)

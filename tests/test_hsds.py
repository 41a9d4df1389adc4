"""HSDS 3.0: exports validate against the specification and import back what HSDS carries.

The export shares only listings with a public life (published, suspended, closed); drafts and
submissions awaiting review stay inside the directory.

Bad packages write nothing. What partners see (no internal fields, plain values, vocabulary
addresses, metadata from the audit trail) is tested in ``test_hsds_partners.py``.

The export reads the specification's ``datapackage.json`` shipped in the package. The tests that
validate against the full specification (its JSON Schemas and examples, CC BY-SA 4.0, not shipped)
read it from ``../shared/hsds/v3.0`` beside the project and are skipped when it is not there.
"""

import csv
import io
import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from jsonschema.validators import Draft202012Validator, validator_for
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlalchemy import func, select

from directory.hsds import ids, marks
from directory.hsds.errors import HSDSError
from directory.hsds.export import export_json, export_package
from directory.hsds.importing import import_package
from directory.hsds.layout import SHIPPED_REFERENCE, load_layout
from directory.models import (
    AuditEvent,
    Center,
    ListingStatus,
    Location,
    Phone,
    PhoneType,
    ServiceArea,
    Taxonomy,
    TaxonomyTerm,
    VerificationStatus,
)
from directory.operations.centers import center_as_input
from directory.operations.sample_data import load_sample
from directory.operations.taxonomy import TermIndex
from tests.conftest import DATA_DIR, PROJECT_DIR, _empty_tables

HSDS_DIR = PROJECT_DIR.parent / "shared" / "hsds" / "v3.0"
EXAMPLE_DIR = HSDS_DIR / "examples" / "csv"
SCHEMA_BASE = "https://hsds.invalid/3.0/schema/"

#: The listing statuses the file export shares with partners.
SHARED = (ListingStatus.PUBLISHED, ListingStatus.SUSPENDED, ListingStatus.CLOSED)

needs_reference = pytest.mark.skipif(
    not (HSDS_DIR / "datapackage.json").is_file(),
    reason=f"the full HSDS 3.0 specification (schemas and examples, not shipped) is not at {HSDS_DIR}",
)


# --- helpers -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def layout():
    return load_layout()


@pytest.fixture(scope="module")
def registry() -> Registry:
    """Every HSDS schema file under a local base URI, so that ``$ref`` resolves without a network."""
    return schema_registry()


def schema_registry() -> Registry:
    """Return every HSDS schema file under a local base URI, so that ``$ref`` resolves without a network."""
    resources = []
    for path in sorted((HSDS_DIR / "schema").glob("*.json")):
        if path.name == "openapi.json":
            continue
        contents = {**json.loads(path.read_text(encoding="utf-8")), "$id": SCHEMA_BASE + path.name}
        resources.append((SCHEMA_BASE + path.name, Resource.from_contents(contents, DRAFT202012)))
    return Registry().with_resources(resources)


def validator(registry: Registry, entity: str):
    schema = registry.contents(SCHEMA_BASE + f"{entity}.json")
    cls = validator_for(schema, default=Draft202012Validator)
    return cls(schema, registry=registry, format_checker=cls.FORMAT_CHECKER)


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def as_json(row: dict[str, str], types: dict[str, str]) -> dict:
    """Return a CSV row in its entity's JSON shape: empty cells absent, numbers as numbers."""
    shaped = {}
    for name, text in row.items():
        if text == "":
            continue
        if types[name] in ("number", "integer"):
            shaped[name] = json.loads(text)
        elif types[name] == "boolean":
            shaped[name] = text == "true"
        else:
            shaped[name] = text
    return shaped


def edit_cell(path: Path, number: int, column: str, value: str) -> None:
    """Set one cell; ``number`` counts rows as a spreadsheet does (the header is row 1)."""
    with path.open(encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    records[number - 1][records[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(records)


def drop_column(path: Path, column: str) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    index = records[0].index(column)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([record[:index] + record[index + 1 :] for record in records])


def json_lines(session, layout) -> str:
    stream = io.StringIO()
    export_json(session, stream, layout)
    return stream.getvalue()


def import_into_empty_database(session, engine, folder: Path):
    """Empty every table, then import ``folder`` and commit."""
    session.close()
    _empty_tables(engine)
    report = import_package(session, folder)
    session.commit()
    return report


def snapshot(session) -> dict:
    """Return every center as input data by id, read afresh from the database."""
    session.expire_all()
    result = {}
    for center in session.scalars(select(Center)):
        data = center_as_input(center)
        data["terms"] = {scheme: sorted(codes) for scheme, codes in data["terms"].items()}
        result[center.id] = data
    return result


def shared_count(session) -> int:
    """Return how many centers have a status the export shares."""
    return session.scalar(select(func.count()).select_from(Center).where(Center.status.in_(SHARED)))


def counts(session) -> tuple[int, int, int, int]:
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (Center, Taxonomy, TaxonomyTerm, AuditEvent)
    )


@pytest.fixture
def sample_db(session):
    load_sample(session, DATA_DIR)
    session.commit()
    return session


@pytest.fixture
def edge_db(session, vocabulary, create_center):
    """Two shared centers with the awkward cases: every field set, odd text, extensions, no description.

    Larkspur is published and verified; Quiet Harbor is suspended, so both are exported.
    """
    terms = TermIndex.load(session).terms
    verified = create_center(
        slug="larkspur-ketamine-clinic",
        name="Larkspur Ketamine Clinic",
        description='IV ketamine, "monitored" sessions,\nand a second line — with ünïcode.',
        website="https://larkspur.example",
        email="intake@larkspur.example",
        status=ListingStatus.PUBLISHED,
        verification_status=VerificationStatus.VERIFIED,
        verified_at=datetime(2025, 3, 4, 15, 30, 12, 345678, tzinfo=UTC),
        verified_by="R. Reviewer",
        reverify_due_on=date(2026, 3, 4),
        license_number="MD-123",
        license_state="UT",
        verification_notes="License checked, site visit done.",
        is_advertiser=True,
        advertiser_starts_on=date(2025, 4, 1),
        accepting_new_clients=True,
        cash_price_min=400,
        cash_price_max=400,
        sliding_scale=False,
        price_notes="Six-session series; ask about\npackages.",
        spravato_rems_certified=False,
        offers_at_home=False,
        session_monitoring="Vitals every 15 minutes.",
        year_opened=2019,
        source="samhsa-nmhsd",
        source_edition="2024",
        external_key="abc|123",
        source_codes=["KIT", "TELE"],
        location={
            "name": "Main clinic",
            "address_1": "10 Temple St",
            "address_2": "Suite 4, “B” wing",
            "city": "Salt Lake City",
            "state": "UT",
            "postal_code": "84101",
            "latitude": 40.7559,
            "longitude": -111.8967,
        },
    )
    verified.phones = [
        Phone(position=0, number="(801) 555-0134", extension="ext. 12", description='Main, "front" desk'),
        Phone(position=1, number="(801) 555-0135", extension="204", type=PhoneType.FAX),
    ]
    verified.service_areas = [ServiceArea(state="UT"), ServiceArea(state="ID")]
    verified.terms = [
        terms[("therapy", "ketamine-assisted-therapy")],
        terms[("route", "iv-infusion")],
        terms[("condition", "treatment-resistant-depression")],
        terms[("language", "english")],
    ]
    suspended = create_center(
        slug="quiet-harbor-tms", name="Quiet Harbor TMS", status=ListingStatus.SUSPENDED
    )
    suspended.cash_price_min = 150
    suspended.terms = [terms[("therapy", "tms")]]
    suspended.locations[0].latitude, suspended.locations[0].longitude = 40.7608, -111.891
    suspended.locations.append(
        Location(position=1, address_1="2 Oak Ave", city="Provo", state="UT", postal_code="84601")
    )
    session.commit()
    return session


# --- export ----------------------------------------------------------------------------------------


@needs_reference
def test_shipped_specification_is_the_reference_unchanged():
    shipped = SHIPPED_REFERENCE / "datapackage.json"
    assert shipped.read_bytes() == (HSDS_DIR / "datapackage.json").read_bytes()
    notice = (SHIPPED_REFERENCE / "README.md").read_text(encoding="utf-8")
    assert "CC BY-SA 4.0" in notice and "an Open Referral resource (https://openreferral.org/)" in notice
    assert (SHIPPED_REFERENCE / "LICENSE").read_bytes() == (HSDS_DIR.parent / "LICENSE-HSDS.txt").read_bytes()


def test_export_writes_every_reference_resource_and_credits_open_referral(edge_db, layout, tmp_path):
    export_package(edge_db, tmp_path, layout)
    reference = json.loads((SHIPPED_REFERENCE / "datapackage.json").read_text(encoding="utf-8"))
    for resource in reference["resources"]:
        with (tmp_path / resource["path"]).open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        assert header == [field["name"] for field in resource["schema"]["fields"]], resource["path"]
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["resources"] == reference["resources"]
    assert descriptor["name"] != reference["name"] and "Open Referral" in descriptor["description"]
    assert descriptor["license"]["type"] == "CC-BY-SA-4.0"
    assert descriptor["contributors"][0]["title"] == "Open Referral"
    assert read_rows(tmp_path / "schedules.csv") == []


@needs_reference
@pytest.mark.parametrize("data", ["sample", "edge"])
def test_every_exported_row_validates_against_its_hsds_schema(data, request, layout, registry, tmp_path):
    session = request.getfixturevalue(f"{data}_db")
    export_package(session, tmp_path, layout)
    assert package_problems(tmp_path, layout, registry) == []
    shared = shared_count(session)
    assert shared > 0
    assert (
        len(read_rows(tmp_path / "organizations.csv")) == len(read_rows(tmp_path / "services.csv")) == shared
    )


def package_problems(folder: Path, layout, registry: Registry) -> list[str]:
    """Return every row of the package that its HSDS schema refuses, and every key resolving to nothing."""
    problems, ids_by_resource, rows_by_resource = [], {}, {}
    for resource in layout.resources:
        types = layout.field_types(resource["name"])
        check = validator(registry, resource["name"])
        rows = read_rows(folder / resource["path"])
        rows_by_resource[resource["name"]] = rows
        ids_by_resource[resource["name"]] = {row["id"] for row in rows}
        for number, row in enumerate(rows, start=2):
            for error in check.iter_errors(as_json(row, types)):
                problems.append(f"{resource['path']} row {number}: {error.message}")
            for field in resource["schema"]["fields"]:
                if field["constraints"].get("required") and not row[field["name"]]:
                    problems.append(f"{resource['path']} row {number}: {field['name']} is required")
    for resource in layout.resources:
        for key in resource["schema"].get("foreignKeys", []):
            target = ids_by_resource[key["reference"]["resource"]]
            for row in rows_by_resource[resource["name"]]:
                if row[key["fields"]] and row[key["fields"]] not in target:
                    problems.append(
                        f"{resource['path']}: {key['fields']} {row[key['fields']]} resolves to nothing"
                    )
    return problems


@needs_reference
@pytest.mark.parametrize("data", ["sample", "edge"])
def test_every_json_service_validates_against_the_service_schema(data, request, layout, registry):
    session = request.getfixturevalue(f"{data}_db")
    lines = json_lines(session, layout).splitlines()
    check = validator(registry, "service")
    assert len(lines) == shared_count(session) > 0
    for line in lines:
        service = json.loads(line)
        assert [error.message for error in check.iter_errors(service)] == [], service["name"]
        assert service["organization"]["id"] and service["service_at_locations"][0]["location"]["addresses"]
        assert all(
            attribute["taxonomy_term"]["taxonomy_detail"]["name"] for attribute in service["attributes"]
        )


def test_export_shares_published_suspended_and_closed_listings_but_no_drafts_or_pending(
    edge_db, create_center, layout, tmp_path
):
    closed = create_center(slug="old-mill-clinic", name="Old Mill Clinic", status=ListingStatus.CLOSED)
    hidden = [
        create_center(slug="draft-clinic", name="Draft Clinic", status=ListingStatus.DRAFT),
        create_center(slug="pending-clinic", name="Pending Clinic", status=ListingStatus.PENDING),
    ]
    edge_db.commit()
    export_package(edge_db, tmp_path, layout)
    services = read_rows(tmp_path / "services.csv")
    assert [(row["name"], row["status"]) for row in services] == [
        ("Larkspur Ketamine Clinic", "active"),
        ("Old Mill Clinic", "defunct"),
        ("Quiet Harbor TMS", "temporarily closed"),
    ]
    assert [row["name"] for row in read_rows(tmp_path / "organizations.csv")] == [
        "Larkspur Ketamine Clinic",
        "Old Mill Clinic",
        "Quiet Harbor TMS",
    ]
    closed_id = str(ids.service_id(closed.id))
    assert [row["service_id"] for row in read_rows(tmp_path / "service_at_location.csv")].count(
        closed_id
    ) == 1
    text = "".join(path.read_text(encoding="utf-8") for path in tmp_path.glob("*.csv"))
    for center in hidden:
        assert str(center.id) not in text and str(ids.service_id(center.id)) not in text
        assert center.name not in text
    lines = [json.loads(line) for line in json_lines(edge_db, layout).splitlines()]
    assert [(service["name"], service["status"]) for service in lines] == [
        (row["name"], row["status"]) for row in services
    ]


def test_export_writes_the_awkward_cases_in_their_hsds_fields(edge_db, layout, tmp_path):
    export_package(edge_db, tmp_path, layout)
    services = {row["name"]: row for row in read_rows(tmp_path / "services.csv")}
    larkspur = services["Larkspur Ketamine Clinic"]
    assert (larkspur["status"], larkspur["assured_date"], larkspur["assurer_email"]) == (
        "active",
        "2025-03-04",
        "research@localhost",
    )
    suspended = services["Quiet Harbor TMS"]
    assert (suspended["status"], suspended["assured_date"], suspended["assurer_email"]) == (
        "temporarily closed",
        "",
        "",
    )
    organizations = {row["name"]: row for row in read_rows(tmp_path / "organizations.csv")}
    assert organizations["Quiet Harbor TMS"]["description"] == "Quiet Harbor TMS"
    assert suspended["description"] == ""
    phones = read_rows(tmp_path / "phones.csv")
    assert [(phone["extension"], phone["service_id"]) for phone in phones[:2]] == [
        ("", larkspur["id"]),
        ("204", larkspur["id"]),
    ]
    options = [(row["option"], row["amount"]) for row in read_rows(tmp_path / "cost_options.csv")]
    assert options == [
        ("Self-pay price per session", "400"),
        ("Self-pay price per session, lowest", "150"),
    ]
    # The fixture's centers were never changed through an audited operation: no metadata rows.
    assert read_rows(tmp_path / "metadata.csv") == []


# --- round trip ------------------------------------------------------------------------------------


#: The files a round trip may change: the receiving database's own dates and audit trail, and what an
#: import does not take over (verification, so ``assured_date``; advertising, an attribute).
CHANGING_FILES = frozenset({"services.csv", "attributes.csv", "metadata.csv"})
#: Service columns that are the exporting database's own (see ``mapping``), or its verification's.
OWN_COLUMNS = ("assured_date", "assurer_email", "last_modified", "licenses")
#: The listing fields HSDS carries, which a round trip keeps.
CARRIED_FIELDS = (
    "name",
    "description",
    "website",
    "email",
    "price_notes",
    "cash_price_min",
    "cash_price_max",
    "phones",
    "locations",
    "service_area_states",
    "terms",
)


def carried(snapshot_data: dict) -> dict:
    """Return each shared center's carried fields and status (drafts and pending are not exported)."""
    return {
        center_id: {**{name: data[name] for name in CARRIED_FIELDS}, "status": data["status"]}
        for center_id, data in snapshot_data.items()
        if data["status"] in SHARED
    }


def without(rows: list[dict], columns: tuple[str, ...]) -> list[dict]:
    return [{key: value for key, value in row.items() if key not in columns} for row in rows]


def test_sample_round_trip_keeps_what_hsds_carries(sample_db, engine, layout, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    everything = snapshot(sample_db)
    before = carried(everything)
    assert 0 < len(before) < len(everything), "the sample has drafts or pending listings to leave out"
    export_package(sample_db, first, layout)
    report = import_into_empty_database(sample_db, engine, first)
    assert report.centers["created"] == len(read_rows(first / "services.csv")) == len(before)
    assert report.skipped == [] and report.schemes_created == 12
    assert carried(snapshot(sample_db)) == before
    export_package(sample_db, second, layout)
    for path in sorted(first.iterdir()):
        if path.name not in CHANGING_FILES:
            assert path.read_bytes() == (second / path.name).read_bytes(), path.name
    services = read_rows(first / "services.csv")
    assert without(read_rows(second / "services.csv"), OWN_COLUMNS) == without(services, OWN_COLUMNS)
    advertisers = {str(marks.BY_CODE[marks.ADVERTISER].term_id)}
    first_attributes = [
        row for row in read_rows(first / "attributes.csv") if row["taxonomy_term_id"] not in advertisers
    ]
    assert read_rows(second / "attributes.csv") == first_attributes

    events = sample_db.scalar(select(func.count()).select_from(AuditEvent))
    again = import_package(sample_db, first)
    sample_db.commit()
    assert again.centers["unchanged"] == report.centers["created"]
    assert again.centers["created"] == again.centers["updated"] == 0
    assert again.schemes_created == again.terms_created == 0
    assert sample_db.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_round_trip_keeps_the_carried_fields_and_ids_but_not_verification(edge_db, engine, layout, tmp_path):
    before = snapshot(edge_db)
    export_package(edge_db, tmp_path, layout)
    import_into_empty_database(edge_db, engine, tmp_path)
    after = snapshot(edge_db)
    assert carried(after) == carried(before)
    larkspur = edge_db.scalar(select(Center).where(Center.name == "Larkspur Ketamine Clinic"))
    # The slug comes from the name; another database's checks are not taken over.
    assert larkspur.slug == "larkspur-ketamine-clinic"
    assert (larkspur.verification_status, larkspur.verified_at, larkspur.is_advertiser) == (
        VerificationStatus.UNVERIFIED,
        None,
        False,
    )
    assert [(phone.number, phone.extension) for phone in larkspur.phones] == [
        ("(801) 555-0134", "ext. 12"),
        ("(801) 555-0135", "204"),
    ]
    assert (larkspur.source, larkspur.external_key) == (
        "hsds:" + json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))["name"],
        str(ids.service_id(larkspur.id)),
    )


def test_export_imported_into_its_own_database_changes_no_center(edge_db, layout, tmp_path):
    export_package(edge_db, tmp_path, layout)
    therapy = edge_db.get(Taxonomy, "therapy")
    therapy.label = "Therapies (edited)"
    edge_db.delete(edge_db.scalar(select(TaxonomyTerm).where(TaxonomyTerm.code == "hmong")))
    edge_db.commit()
    before = snapshot(edge_db)
    report = import_package(edge_db, tmp_path)
    edge_db.commit()
    assert (report.schemes_created, report.terms_created) == (0, 1)
    assert sum(report.centers.values()) == 0 and len(report.skipped) == 2
    assert all("an HSDS export does not carry every field" in line for line in report.skipped)
    assert "(as 'quiet-harbor-tms')" in report.skipped[1]
    assert snapshot(edge_db) == before
    assert edge_db.get(Taxonomy, "therapy").label == "Therapies (edited)"
    hmong = edge_db.scalar(select(TaxonomyTerm).where(TaxonomyTerm.code == "hmong"))
    assert hmong.scheme == "language" and hmong.label == "Hmong"


# --- other publishers' packages --------------------------------------------------------------------


@needs_reference
def test_official_example_imports_with_its_taxonomy_and_reasons(runner, session):
    result = runner.invoke(args=["data", "import-hsds", str(EXAMPLE_DIR)])
    assert result.exit_code == 0, result.output
    assert "centers: 0 created, 0 updated, 0 unchanged, 1 skipped" in result.output
    assert "taxonomy: 1 schemes and 1 terms created" in result.output
    assert "services.csv row 2 (Community Counselling): no usable US address" in result.output
    assert "addresses.csv row 2, column state_province" in result.output
    assert "schedules.csv: 1 row(s) not imported" in result.output
    term = session.scalar(select(TaxonomyTerm).where(TaxonomyTerm.scheme == "taxonomy"))
    assert (term.code, term.label, term.parent_id) == ("code", "name", None)

    again = runner.invoke(args=["data", "import-hsds", str(EXAMPLE_DIR)])
    assert again.exit_code == 0, again.output
    assert "taxonomy: 0 schemes and 0 terms created" in again.output and "1 skipped" in again.output


@needs_reference
def test_other_publishers_service_with_a_us_address_becomes_a_listing(session, tmp_path):
    folder = tmp_path / "example"
    shutil.copytree(EXAMPLE_DIR, folder)
    edit_cell(folder / "addresses.csv", 2, "state_province", "Utah")
    edit_cell(folder / "addresses.csv", 2, "postal_code", "84101-1234")
    edit_cell(folder / "phones.csv", 2, "number", "+1 801 555 0134")
    service_id = read_rows(folder / "services.csv")[0]["id"]
    edit_cell(folder / "attributes.csv", 2, "link_id", service_id)

    report = import_package(session, folder)
    session.commit()
    assert report.centers["created"] == 1 and report.skipped == []
    assert any("coordinates out of range" in note for note in report.notes)
    center = session.scalar(select(Center))
    assert (center.slug, center.name, center.status) == (
        "community-counselling",
        "Community Counselling",
        ListingStatus.PUBLISHED,
    )
    assert (center.source, center.external_key) == ("hsds:human_services_data", service_id)
    assert center.website == "http://example.com/counselling" and center.email == "email@example.com"
    assert [(p.number, p.extension) for p in center.phones] == [("(801) 555-0134", "100")]
    location = center.locations[0]
    assert (location.city, location.state, location.postal_code, location.latitude) == (
        "MyCity",
        "UT",
        "84101",
        None,
    )
    assert center.term_codes() == {"taxonomy": ["code"]}

    again = import_package(session, folder)
    session.commit()
    assert again.centers["unchanged"] == 1 and again.centers["created"] == 0


# --- bad packages ----------------------------------------------------------------------------------


def _missing_file(folder: Path) -> None:
    (folder / "phones.csv").unlink()


def _missing_descriptor(folder: Path) -> None:
    (folder / "datapackage.json").unlink()


def _missing_column(folder: Path) -> None:
    drop_column(folder / "services.csv", "status")


def _not_a_number(folder: Path) -> None:
    edit_cell(folder / "locations.csv", 2, "latitude", "north")


def _not_a_status(folder: Path) -> None:
    edit_cell(folder / "services.csv", 3, "status", "open")


def _not_a_state(folder: Path) -> None:
    edit_cell(folder / "addresses.csv", 2, "state_province", "ZZ")


def _not_a_price(folder: Path) -> None:
    edit_cell(folder / "cost_options.csv", 2, "amount", "-5")


def _not_whole_dollars(folder: Path) -> None:
    edit_cell(folder / "cost_options.csv", 2, "amount", "399.5")


def _not_a_term(folder: Path) -> None:
    rows = read_rows(folder / "attributes.csv")
    number = next(number for number, row in enumerate(rows, start=2) if row["link_entity"] == "service")
    edit_cell(folder / "attributes.csv", number, "taxonomy_term_id", "5b4c1a2e-0000-4000-8000-000000000000")


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (_missing_file, "phones.csv: missing file (resource 'phone' in datapackage.json)."),
        (_missing_descriptor, "datapackage.json: missing file."),
        (_missing_column, "services.csv: missing column 'status'."),
        (_not_a_number, "locations.csv row 2, column latitude: 'north' is not a number."),
        (_not_a_status, "services.csv row 3, column status: 'open' is not one of: active, inactive"),
        (_not_a_state, "addresses.csv row 2, column state_province: Must be a two-letter US state code"),
        (_not_a_price, "Must be greater than or equal to 0"),
        (_not_whole_dollars, "cost_options.csv row 2, column amount: not a whole number of dollars."),
        (_not_a_term, "column taxonomy_term_id: no such taxonomy term in the package."),
    ],
)
def test_bad_package_is_refused_naming_file_row_and_column(
    edge_db, engine, layout, tmp_path, damage, problem
):
    export_package(edge_db, tmp_path, layout)
    damage(tmp_path)
    edge_db.close()
    _empty_tables(engine)
    with pytest.raises(HSDSError) as raised:
        import_package(edge_db, tmp_path)
    edge_db.rollback()
    assert any(problem in line for line in raised.value.problems), raised.value.problems
    assert "nothing was written" in raised.value.message
    assert counts(edge_db) == (0, 0, 0, 0)


def test_import_command_reports_problems_and_writes_nothing(runner, edge_db, engine, layout, tmp_path):
    export_package(edge_db, tmp_path, layout)
    drop_column(tmp_path / "addresses.csv", "city")
    edge_db.close()
    _empty_tables(engine)
    result = runner.invoke(args=["data", "import-hsds", str(tmp_path)])
    assert result.exit_code == 1
    assert "addresses.csv: missing column 'city'." in result.output
    assert "nothing was written" in result.output
    assert counts(edge_db) == (0, 0, 0, 0)


# --- commands --------------------------------------------------------------------------------------


def test_export_commands_write_the_package_and_json_lines(runner, edge_db, tmp_path):
    package, lines = tmp_path / "package", tmp_path / "services.jsonl"
    result = runner.invoke(args=["data", "export-hsds", str(package)])
    assert result.exit_code == 0, result.output
    assert "organizations.csv: 2 rows" in result.output and (package / "datapackage.json").is_file()
    result = runner.invoke(args=["data", "export-hsds", "--json", str(lines)])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["name"] for line in lines.read_text(encoding="utf-8").splitlines()] == [
        "Larkspur Ketamine Clinic",
        "Quiet Harbor TMS",
    ]


def test_export_without_the_specification_says_where_it_looked(runner, tmp_path):
    result = runner.invoke(args=["data", "export-hsds", str(tmp_path / "out"), "--reference", str(tmp_path)])
    assert result.exit_code == 1
    assert "Cannot read the HSDS 3.0 reference package" in result.output and "--reference" in result.output

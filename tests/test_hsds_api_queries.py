"""The HSDS 3.0 read API's query layer (``directory.hsds.api_queries``), on a small hand-built directory.

Four published listings (Alder, Birch, Cedar with two locations, Hazel) and four that must never be
served (pending, draft, suspended, closed), with known terms, places and ``updated_at``; the
expectations below are worked out by hand from them. Every answer is validated against the
official HSDS schemas and the page envelope of the HSDS ``openapi.json``, with ``$ref``s resolved
locally.
"""

from __future__ import annotations

import contextlib
import copy
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from jsonschema.validators import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from directory import create_app
from directory.database import get_session
from directory.hsds import export, ids, marks
from directory.hsds.api_filters import METERS_PER_MILE
from directory.hsds.api_queries import (
    api_root,
    get_organization,
    get_service,
    iter_services_ndjson,
    list_organizations,
    list_service_at_locations,
    list_services,
    list_taxonomies,
    list_taxonomy_terms,
)
from directory.hsds.errors import HsdsQueryError
from directory.hsds.publisher import Publisher
from directory.models import Center, ListingStatus, Location, VerificationStatus
from directory.operations.taxonomy import TermIndex, sync_vocabulary
from directory.search import CenterQuery, Viewer, get_search_service, search_centers
from search_index.geo import haversine_miles, zip_centroid
from tests.conftest import _empty_tables
from tests.test_hsds import HSDS_DIR, SCHEMA_BASE, needs_reference

PUBLISHER = Publisher("research@example.org", "https://directory.example.org")
UPSTREAM = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
PAGE_KEYS = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}

SLC = ("Salt Lake City", "UT", "84101", 40.7608, -111.8910)
SANDY = ("Sandy", "UT", "84070", 40.5649, -111.8389)
PROVO = ("Provo", "UT", "84601", 40.2338, -111.6585)
DOWNTOWN = ("Salt Lake City", "UT", "84101", 40.7500, -111.9000)
DENVER = ("Denver", "CO", "80202", 39.7392, -104.9903)

#: name → (status, terms, places, updated_at, description)
LISTINGS: dict[str, tuple[str, list[tuple[str, str]], list[tuple[str, tuple]], datetime, str]] = {
    "Alder Ketamine Clinic": (
        "published",
        [("therapy", "ketamine-assisted-therapy"), ("condition", "treatment-resistant-depression")],
        [("Main clinic", SLC)],
        datetime(2025, 1, 10, 12, tzinfo=UTC),
        "IV ketamine infusions in a lakeside building.",
    ),
    "Birch Esketamine Center": (
        "published",
        [("therapy", "esketamine"), ("condition", "depression")],
        [("Sandy office", SANDY)],
        datetime(2025, 6, 1, tzinfo=UTC),
        "Esketamine nasal spray with monitoring.",
    ),
    "Cedar TMS": (
        "published",
        [("therapy", "tms"), ("condition", "depression")],
        [("Provo office", PROVO), ("Downtown office", DOWNTOWN)],
        datetime(2025, 3, 1, tzinfo=UTC),
        "Magnetic stimulation sessions by the lakeside.",
    ),
    "Hazel Psilocybin Retreat": (
        "published",
        [("therapy", "psilocybin-assisted-therapy")],
        [("Retreat house", DENVER)],
        datetime(2025, 9, 1, tzinfo=UTC),
        "Psilocybin sessions with preparation and integration.",
    ),
    "Dogwood Ketamine": ("pending", [("therapy", "ketamine-assisted-therapy")], [("Dogwood", SLC)], None, ""),
    "Elm Ketamine": ("draft", [("therapy", "ketamine-assisted-therapy")], [("Elm", SLC)], None, ""),
    "Fir Ketamine": ("suspended", [("therapy", "ketamine-assisted-therapy")], [("Fir", SLC)], None, ""),
    "Gum Ketamine": ("closed", [("therapy", "ketamine-assisted-therapy")], [("Gum", SLC)], None, ""),
}
PUBLISHED = ["Alder Ketamine Clinic", "Birch Esketamine Center", "Cedar TMS", "Hazel Psilocybin Retreat"]
LATE = datetime(2025, 12, 1, tzinfo=UTC)


def _add_listings(session: Session) -> dict[str, Center]:
    terms = TermIndex.load(session).terms
    centers = {}
    for name, (status, codes, places, _updated, description) in LISTINGS.items():
        center = Center(
            slug=name.lower().replace(" ", "-"),
            name=name,
            description=description or "A lakeside ketamine clinic not yet listed.",
            status=ListingStatus(status),
            terms=[terms[code] for code in codes],
            locations=[
                Location(
                    position=position,
                    name=label,
                    address_1=f"{position + 1} Main St",
                    city=city,
                    state=state,
                    postal_code=zip_code,
                    latitude=latitude,
                    longitude=longitude,
                )
                for position, (label, (city, state, zip_code, latitude, longitude)) in enumerate(places)
            ],
        )
        if name.startswith("Alder"):
            center.verification_status = VerificationStatus.VERIFIED
            center.verified_at = datetime(2025, 1, 5, tzinfo=UTC)
            center.is_advertiser = True
        session.add(center)
        centers[name] = center
    session.flush()
    return centers


@pytest.fixture(scope="module")
def site(database_url, engine, tmp_path_factory, sample) -> Iterator[Any]:
    """An app holding the hand-built listings, indexed; emptied afterwards."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "tests",
            "SEARCH_INDEX_DIR": str(tmp_path_factory.mktemp("hsds-api-index")),
            "SEARCH_SYNC_INTERVAL": 0.0,
        }
    )
    try:
        with app.app_context():
            session = get_session()
            sync_vocabulary(session, sample.vocabulary)
            centers = _add_listings(session)
            session.commit()
            for name, center in centers.items():
                moment = LISTINGS[name][3] or LATE
                session.execute(update(Center).where(Center.id == center.id).values(updated_at=moment))
            session.commit()
            get_search_service(app).rebuild()
            app.config["LISTING_IDS"] = {name: center.id for name, center in centers.items()}
        yield app
    finally:
        app.extensions["database"].dispose()
        _empty_tables(engine)


@pytest.fixture
def db(site) -> Iterator[Session]:
    with site.app_context():
        yield get_session()


@pytest.fixture
def listing(site) -> dict[str, uuid.UUID]:
    return site.config["LISTING_IDS"]


def term(scheme: str, code: str) -> str:
    return str(ids.term_id(scheme, code))


def names(envelope: dict[str, Any]) -> list[str]:
    return [item["name"] for item in envelope["contents"]]


def places(envelope: dict[str, Any]) -> list[tuple[str, str]]:
    return [(item["service"]["name"], item["location"]["name"]) for item in envelope["contents"]]


# --- the schemas ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schemas() -> Registry:
    """Every HSDS schema (and compiled schema), and openapi.json's Page, under a local base URI."""
    resources = []
    folder = HSDS_DIR / "schema"
    for path in [*sorted(folder.glob("*.json")), *sorted((folder / "compiled").glob("*.json"))]:
        if path.name == "openapi.json":
            continue
        uri = SCHEMA_BASE + path.relative_to(folder).as_posix()
        contents = {**json.loads(path.read_text(encoding="utf-8")), "$id": uri}
        resources.append((uri, Resource.from_contents(contents, DRAFT202012)))
    page = {**openapi()["components"]["schemas"]["Page"], "$id": SCHEMA_BASE + "openapi/Page.json"}
    resources.append((page["$id"], Resource.from_contents(page, DRAFT202012)))
    return Registry().with_resources(resources)


def openapi() -> dict[str, Any]:
    return json.loads((HSDS_DIR / "schema" / "openapi.json").read_text(encoding="utf-8"))


def _local(node: Any) -> Any:
    """Point the openapi's ``$ref``s at the local copies.

    The openapi names compiled schemas that HSDS 3.0 does not publish (``compiled/service.json``,
    ``compiled/organization.json``, ``compiled/organization_list.json``); those are checked against
    the entity's own schema (``service.json``, ``organization.json``), which nests the same way.
    """
    if isinstance(node, dict):
        shaped = {key: _local(value) for key, value in node.items()}
        ref = shaped.get("$ref")
        if ref == "#/components/schemas/Page":
            shaped["$ref"] = SCHEMA_BASE + "openapi/Page.json"
        elif isinstance(ref, str) and ref.startswith(UPSTREAM):
            local = ref.removeprefix(UPSTREAM)
            if not (HSDS_DIR / "schema" / local).is_file():
                local = (
                    local.removeprefix("compiled/").removesuffix("_list.json").removesuffix(".json") + ".json"
                )
            shaped["$ref"] = SCHEMA_BASE + local
        return shaped
    if isinstance(node, list):
        return [_local(value) for value in node]
    return node


def check(schemas: Registry, path: str, document: dict[str, Any]) -> None:
    """Assert ``document`` is what openapi.json's ``GET path`` answers (and exactly a page if paged)."""
    response = openapi()["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    schema = _local(copy.deepcopy(response))
    validator = Draft202012Validator(
        schema, registry=schemas, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    assert [error.message for error in validator.iter_errors(document)] == []
    if "allOf" in response:
        assert set(document) == PAGE_KEYS


# --- the root ---------------------------------------------------------------------------------


@needs_reference
def test_api_root_names_the_version_profile_and_openapi_document(schemas):
    root = api_root(PUBLISHER)
    assert root["version"] == "3.0"
    assert root["openapi_url"] == "https://directory.example.org/api/openapi.json"
    assert root["profile"].startswith("https://")
    check(schemas, "/", root)


# --- services: each filter, alone and combined ------------------------------------------------


@needs_reference
def test_services_lists_only_published_listings_by_slug(db, schemas):
    envelope = list_services(db, PUBLISHER)
    assert names(envelope) == PUBLISHED
    assert {item["status"] for item in envelope["contents"]} == {"active"}
    assert envelope["contents"][0]["organization"]["name"] == "Alder Ketamine Clinic"
    assert envelope["contents"][0]["assured_date"] == "2025-01-05"
    check(schemas, "/services", envelope)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"taxonomy_term_id": term("therapy", "ketamine-assisted-therapy")}, ["Alder Ketamine Clinic"]),
        ({"taxonomy_term_id": term("therapy", "tms")}, ["Cedar TMS"]),
        ({"taxonomy_term_id": term("condition", "depression")}, ["Birch Esketamine Center", "Cedar TMS"]),
        ({"taxonomy_term_id": str(marks.BY_CODE[marks.ADVERTISER].term_id)}, ["Alder Ketamine Clinic"]),
        ({"taxonomy_term_id": str(marks.BY_CODE[marks.PHONE_E164].term_id)}, []),
        ({"taxonomy_id": str(ids.taxonomy_id("condition"))}, PUBLISHED[:3]),
        ({"taxonomy_id": str(ids.taxonomy_id("route"))}, []),
        ({"taxonomy_id": str(marks.TAXONOMY_ID)}, ["Alder Ketamine Clinic"]),
        (
            {"modified_after": "2025-03-01"},
            ["Birch Esketamine Center", "Cedar TMS", "Hazel Psilocybin Retreat"],
        ),
        ({"modified_after": "2025-03-01T00:00:01Z"}, ["Birch Esketamine Center", "Hazel Psilocybin Retreat"]),
        ({"modified_after": "2025-05-31T23:00:00-02:00"}, ["Hazel Psilocybin Retreat"]),
        ({"modified_after": datetime(2026, 1, 1, tzinfo=UTC)}, []),
        (
            {"taxonomy_id": str(ids.taxonomy_id("condition")), "modified_after": "2025-02-01"},
            ["Birch Esketamine Center", "Cedar TMS"],
        ),
        (
            {"taxonomy_term_id": term("condition", "depression"), "modified_after": "2025-04-01"},
            ["Birch Esketamine Center"],
        ),
        (
            {
                "search": "lakeside",
                "taxonomy_id": str(ids.taxonomy_id("condition")),
                "modified_after": "2025-02-01",
            },
            ["Cedar TMS"],
        ),
    ],
)
def test_each_service_filter_alone_and_combined(db, filters, expected):
    assert names(list_services(db, PUBLISHER, **filters)) == expected


def test_organization_filter_selects_one_published_listing(db, listing):
    assert names(list_services(db, PUBLISHER, organization_id=str(listing["Cedar TMS"]))) == ["Cedar TMS"]
    assert names(list_services(db, PUBLISHER, organization_id=str(listing["Dogwood Ketamine"]))) == []
    both = list_services(
        db,
        PUBLISHER,
        organization_id=str(listing["Alder Ketamine Clinic"]),
        taxonomy_term_id=term("therapy", "tms"),
    )
    assert names(both) == []


def test_search_is_the_directorys_full_text_search_in_its_order(db):
    found = names(list_services(db, PUBLISHER, search="lakeside"))
    public = search_centers(CenterQuery(text="lakeside", per_page=100), Viewer.PUBLIC)
    assert found == [hit["name"] for hit in public.hits]
    assert set(found) == {"Alder Ketamine Clinic", "Cedar TMS"}  # never the unpublished "lakeside" ones
    assert names(list_services(db, PUBLISHER, search="   ")) == PUBLISHED
    assert names(
        list_services(db, PUBLISHER, search="lakeside", taxonomy_term_id=term("therapy", "tms"))
    ) == ["Cedar TMS"]


@contextlib.contextmanager
def statements(session: Session) -> Iterator[list[str]]:
    """Collect the SQL statements the session's engine runs meanwhile."""
    seen: list[str] = []
    engine = session.get_bind()

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.mark.parametrize(
    "query",
    [
        lambda db, size: list_services(
            db, PUBLISHER, per_page=size, taxonomy_id=str(ids.taxonomy_id("therapy"))
        ),
        lambda db, size: list_organizations(db, PUBLISHER, per_page=size),
        lambda db, size: list_service_at_locations(
            db, PUBLISHER, per_page=size, postcode="84101", proximity=99999
        ),
    ],
)
def test_a_bigger_page_runs_no_more_statements(db, query):
    with statements(db) as small:
        query(db, 1)
    with statements(db) as big:
        query(db, 4)
    assert len(big) == len(small)


def test_ndjson_reads_in_batches_not_per_service(db, monkeypatch):
    monkeypatch.setattr(export, "BATCH", 100)
    with statements(db) as seen:
        assert len(list(iter_services_ndjson(db, PUBLISHER))) == len(PUBLISHED)
    # the vocabulary (2), the ids (1), then one batch: centers, their four relations, the audit trail (6)
    assert len(seen) <= 9


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"taxonomy_term_id": "ketamine"}, "taxonomy_term_id"),
        ({"taxonomy_term_id": str(uuid.uuid4())}, "taxonomy_term_id"),
        ({"taxonomy_id": str(uuid.uuid4())}, "taxonomy_id"),
        ({"organization_id": "42"}, "organization_id"),
        ({"modified_after": "last tuesday"}, "modified_after"),
        ({"page": 0}, "page"),
        ({"per_page": 101}, "per_page"),
        ({"per_page": 0}, "per_page"),
        ({"page": "2"}, "page"),
    ],
)
def test_bad_service_parameters_are_refused_by_name(db, arguments, field):
    with pytest.raises(HsdsQueryError) as refused:
        list_services(db, PUBLISHER, **arguments)
    assert refused.value.field == field
    assert refused.value.message


# --- the page envelope ------------------------------------------------------------------------


ENVELOPE_FIGURES = ("total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty")


def envelope_figures(envelope: dict[str, Any]) -> tuple:
    return tuple(envelope[key] for key in ENVELOPE_FIGURES)


def test_page_envelopes_first_last_out_of_range_and_empty(db):
    first = list_services(db, PUBLISHER, per_page=3)
    assert envelope_figures(first) == (4, 2, 1, 3, True, False, False)
    assert names(first) == PUBLISHED[:3]
    last = list_services(db, PUBLISHER, per_page=3, page=2)
    assert envelope_figures(last) == (4, 2, 2, 1, False, True, False)
    assert names(last) == PUBLISHED[3:]
    beyond = list_services(db, PUBLISHER, per_page=3, page=3)
    assert envelope_figures(beyond) == (4, 2, 3, 0, False, True, True)
    assert beyond["contents"] == []
    nothing = list_services(db, PUBLISHER, taxonomy_id=str(ids.taxonomy_id("route")))
    assert envelope_figures(nothing) == (0, 0, 1, 0, True, True, True)
    whole = list_services(db, PUBLISHER, per_page=4)
    assert envelope_figures(whole) == (4, 1, 1, 4, True, True, False)


# --- one service, and every service as ndjson -------------------------------------------------


@needs_reference
def test_one_service_is_fully_nested(db, listing, schemas):
    service_id = str(ids.service_id(listing["Alder Ketamine Clinic"]))
    service = get_service(db, PUBLISHER, service_id)
    check(schemas, "/services/{id}", service)
    assert service["id"] == service_id and service["organization"]["name"] == "Alder Ketamine Clinic"
    assert service["assurer_email"] == "research@example.org"
    assert service["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "84101"
    codes = {attribute["taxonomy_term"]["code"] for attribute in service["attributes"]}
    assert codes == {
        "therapy:ketamine-assisted-therapy",
        "condition:treatment-resistant-depression",
        "directory-marks:advertiser",
    }


def test_unknown_or_unpublished_service_is_none(db, listing):
    assert get_service(db, PUBLISHER, str(uuid.uuid4())) is None
    assert get_service(db, PUBLISHER, "not-an-id") is None
    assert (
        get_service(db, PUBLISHER, str(listing["Cedar TMS"])) is None
    )  # an organization id, not a service's
    for name in ("Dogwood Ketamine", "Elm Ketamine", "Fir Ketamine", "Gum Ketamine"):
        assert get_service(db, PUBLISHER, str(ids.service_id(listing[name]))) is None


@needs_reference
def test_ndjson_streams_every_published_service_exactly_once(db, listing, schemas, monkeypatch):
    monkeypatch.setattr(export, "BATCH", 3)  # several batches, even here
    stream = iter_services_ndjson(db, PUBLISHER)
    assert isinstance(stream, Iterator)
    lines = list(stream)
    assert all(line.endswith("\n") and line.count("\n") == 1 for line in lines)
    services = [json.loads(line) for line in lines]
    assert sorted(service["id"] for service in services) == sorted(
        str(ids.service_id(listing[name])) for name in PUBLISHED
    )
    for service in services:
        check(schemas, "/services/{id}", service)
    assert {service["status"] for service in services} == {"active"}


# --- organizations ----------------------------------------------------------------------------


@needs_reference
def test_organizations_list_and_one_with_its_locations_and_service(db, listing, schemas):
    envelope = list_organizations(db, PUBLISHER, per_page=2)
    check(schemas, "/organizations", envelope)
    assert names(envelope) == PUBLISHED[:2] and envelope["total_items"] == 4
    assert set(names(list_organizations(db, PUBLISHER, search="lakeside"))) == {
        "Alder Ketamine Clinic",
        "Cedar TMS",
    }
    organization = get_organization(db, PUBLISHER, str(listing["Cedar TMS"]))
    check(schemas, "/organizations/{id}", organization)
    assert [place["name"] for place in organization["locations"]] == ["Provo office", "Downtown office"]
    assert organization["services"] == [
        {
            key: value
            for key, value in list_services(db, PUBLISHER, organization_id=str(listing["Cedar TMS"]))[
                "contents"
            ][0].items()
            if key != "organization"
        }
    ]
    full = get_organization(db, PUBLISHER, str(listing["Cedar TMS"]), full_service=True)
    check(schemas, "/organizations/{id}", full)
    assert len(full["services"][0]["service_at_locations"]) == 2
    assert get_organization(db, PUBLISHER, str(listing["Gum Ketamine"])) is None
    assert get_organization(db, PUBLISHER, "nope") is None


# --- service at locations: postcode and proximity ---------------------------------------------


@needs_reference
def test_service_at_locations_list_each_location_of_published_listings(db, schemas):
    envelope = list_service_at_locations(db, PUBLISHER)
    check(schemas, "/service_at_locations", envelope)
    assert places(envelope) == [
        ("Alder Ketamine Clinic", "Main clinic"),
        ("Birch Esketamine Center", "Sandy office"),
        ("Cedar TMS", "Provo office"),
        ("Cedar TMS", "Downtown office"),
        ("Hazel Psilocybin Retreat", "Retreat house"),
    ]
    cedar = uuid.UUID(envelope["contents"][3]["service"]["organization"]["id"])
    assert envelope["contents"][3]["id"] == str(ids.part_id(cedar, "service_at_location", 1))
    assert envelope["contents"][3]["service"]["id"] == str(ids.service_id(cedar))


def test_postcode_alone_keeps_the_locations_with_that_zip(db):
    assert places(list_service_at_locations(db, PUBLISHER, postcode="84101")) == [
        ("Alder Ketamine Clinic", "Main clinic"),
        ("Cedar TMS", "Downtown office"),
    ]
    assert places(list_service_at_locations(db, PUBLISHER, postcode="84601-1234")) == [
        ("Cedar TMS", "Provo office")
    ]
    assert places(list_service_at_locations(db, PUBLISHER, postcode="99501")) == []


def test_proximity_in_meters_from_the_postcode_nearest_first(db):
    twenty_miles = 20 * METERS_PER_MILE
    found = places(list_service_at_locations(db, PUBLISHER, postcode="84101", proximity=str(twenty_miles)))
    # From the 84101 centroid: Main clinic and Downtown office under 2 miles, Sandy about 14, Provo about 38.
    assert set(found) == {
        ("Alder Ketamine Clinic", "Main clinic"),
        ("Cedar TMS", "Downtown office"),
        ("Birch Esketamine Center", "Sandy office"),
    }
    assert found[-1] == ("Birch Esketamine Center", "Sandy office")
    esketamine = list_service_at_locations(
        db,
        PUBLISHER,
        postcode="84101",
        proximity=twenty_miles,
        taxonomy_term_id=term("therapy", "esketamine"),
    )
    assert places(esketamine) == [("Birch Esketamine Center", "Sandy office")]


def test_proximity_in_meters_agrees_with_the_search_radius_in_miles(db, listing):
    centre = zip_centroid("84101")
    birch = haversine_miles(*centre, SANDY[3], SANDY[4])
    for miles, inside in ((birch + 0.001, True), (birch - 0.001, False)):
        hsds = list_service_at_locations(db, PUBLISHER, postcode="84101", proximity=miles * METERS_PER_MILE)
        hsds_has_birch = ("Birch Esketamine Center", "Sandy office") in places(hsds)
        search = search_centers(CenterQuery(near="84101", radius_miles=miles, per_page=100), Viewer.PUBLIC)
        search_has_birch = str(listing["Birch Esketamine Center"]) in {hit["id"] for hit in search.hits}
        assert hsds_has_birch is search_has_birch is inside


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"proximity": "1000"}, "proximity"),
        ({"postcode": "84101", "proximity": "far"}, "proximity"),
        ({"postcode": "84101", "proximity": "10"}, "proximity"),
        ({"postcode": "84101", "proximity": "nan"}, "proximity"),
        ({"postcode": "Salt Lake"}, "postcode"),
        ({"postcode": "00000", "proximity": "5000"}, "postcode"),
    ],
)
def test_bad_place_parameters_are_refused_by_name(db, arguments, field):
    with pytest.raises(HsdsQueryError) as refused:
        list_service_at_locations(db, PUBLISHER, **arguments)
    assert refused.value.field == field


# --- vocabulary -------------------------------------------------------------------------------


@needs_reference
def test_taxonomies_and_terms(db, sample, schemas):
    schemes = sample.vocabulary["schemes"]
    taxonomies = list_taxonomies(db, PUBLISHER, per_page=100)
    check(schemas, "/taxonomies", taxonomies)
    assert names(taxonomies) == [scheme["label"] for scheme in schemes] + ["Directory marks"]
    assert names(list_taxonomies(db, PUBLISHER, search="ROUTE")) == ["Route of administration"]
    condition = str(ids.taxonomy_id("condition"))
    terms = list_taxonomy_terms(db, PUBLISHER, taxonomy_id=condition, per_page=100)
    check(schemas, "/taxonomy_terms", terms)
    conditions = next(scheme for scheme in schemes if scheme["code"] == "condition")["terms"]
    assert [item["code"] for item in terms["contents"]] == [f"condition:{t['code']}" for t in conditions]
    assert terms["contents"][0]["taxonomy_detail"]["id"] == condition
    children = list_taxonomy_terms(db, PUBLISHER, parent_id=term("condition", "depression"))
    assert [item["code"] for item in children["contents"]] == [
        "condition:treatment-resistant-depression",
        "condition:postpartum-depression",
    ]
    top = list_taxonomy_terms(db, PUBLISHER, taxonomy_id=condition, top_only=True, per_page=100)
    assert top["total_items"] == len(conditions) - 2
    found = list_taxonomy_terms(db, PUBLISHER, search="NASAL spray", per_page=100)
    assert [item["code"] for item in found["contents"]] == ["therapy:esketamine", "route:nasal-spray"]
    with pytest.raises(HsdsQueryError):
        list_taxonomy_terms(db, PUBLISHER, taxonomy_id=str(uuid.uuid4()))
    with pytest.raises(HsdsQueryError):
        list_taxonomy_terms(db, PUBLISHER, parent_id="x")

"""``GET /api/v1/search``: each filter alone and together against expectations computed by hand
from the sample directory's rows, the page envelope, places, staff-only filters and facets.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine

from directory.models import Role
from search_index import resolve_place
from search_index.geo import haversine_miles
from tests.api_fixture import UNLIMITED, Row, all_slugs, directory_rows
from tests.conftest import sample_site
from tests.staff_accounts import add_staff, database, sign_in

STAFF = "api-staff@example.org"


@pytest.fixture(scope="module")
def site(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The sample directory, indexed, with one specialist."""
    with sample_site(database_url, engine, tmp_path_factory.mktemp("api-search-index")) as app:
        app.config.update(UNLIMITED)
        with database(app) as session:
            add_staff(session, STAFF, Role.SPECIALIST)
        yield app


@pytest.fixture(scope="module")
def rows(site: Flask) -> list[Row]:
    return directory_rows(site)


@pytest.fixture
def api(site: Flask) -> FlaskClient:
    return site.test_client()


def published(rows: list[Row], keep=lambda row: True) -> set[str]:
    """The published centers that ``keep`` admits (the hand-computed answer)."""
    return {row.slug for row in rows if row.status == "published" and keep(row)}


def has(scheme: str, *codes: str):
    return lambda row: any(code in row.terms.get(scheme, []) for code in codes)


def within(place: str, miles: float):
    where = resolve_place(place)
    return lambda row: (
        row.latitude is not None
        and haversine_miles(where.latitude, where.longitude, row.latitude, row.longitude) <= miles
    )


def test_every_published_center_is_found_without_filters(api, rows):
    assert set(all_slugs(api, "")) == published(rows)


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        ("therapy=esketamine", has("therapy", "esketamine")),
        ("therapy=esketamine&therapy=tms", has("therapy", "esketamine", "tms")),
        ("payment=medicaid", has("payment", "medicaid")),
        ("state=CO", lambda row: row.state == "CO"),
        ("state=co&state=TX", lambda row: row.state in ("CO", "TX")),
        ("verified=1", lambda row: row.verified),
        ("accepting=1", lambda row: row.accepting),
    ],
)
def test_each_filter_alone(api, rows, query, keep):
    expected = published(rows, keep)
    assert expected, f"the sample directory should have centers for {query}"
    assert set(all_slugs(api, query)) == expected


def test_city_filter_matches_city_and_state(api, rows):
    city_row = next(row for row in rows if row.status == "published" and row.city)
    expected = published(rows, lambda row: (row.city, row.state) == (city_row.city, city_row.state))
    query = urlencode({"city": f"{city_row.city}, {city_row.state}"})
    assert set(all_slugs(api, query)) == expected


def test_closed_centers_join_only_when_asked(api, rows):
    closed = {row.slug for row in rows if row.status == "closed"}
    assert closed, "the sample directory should have a closed center"
    assert set(all_slugs(api, "closed=1")) == published(rows) | closed
    assert not closed & set(all_slugs(api, ""))


def test_filters_combine_with_and_and_repeats_with_or(api, rows):
    query = "therapy=esketamine&therapy=tms&verified=1&accepting=1"
    expected = published(
        rows, lambda row: has("therapy", "esketamine", "tms")(row) and row.verified and row.accepting
    )
    assert expected
    assert set(all_slugs(api, query)) == expected


@pytest.mark.parametrize("place", ["80202", "Denver, CO", "39.7392,-104.9903"])
def test_near_a_zip_a_city_or_coordinates(api, rows, place):
    expected = published(rows, within(place, 100))
    assert expected, f"the sample directory should have centers within 100 miles of {place}"
    body = api.get("/api/v1/search?" + urlencode({"near": place, "radius": 100, "per_page": 100})).get_json()
    assert {hit["slug"] for hit in body["hits"]} == expected
    distances = [hit["distance_miles"] for hit in body["hits"]]
    assert distances == sorted(distances)  # nearest first when no sort is asked for
    assert body["location"]["radius_miles"] == 100


def test_near_with_a_filter(api, rows):
    keep = within("80202", 500)
    expected = published(rows, lambda row: keep(row) and has("therapy", "ketamine-assisted-therapy")(row))
    query = urlencode({"near": "80202", "radius": 500, "therapy": "ketamine-assisted-therapy"})
    assert set(all_slugs(api, query)) == expected


def test_page_envelope_first_last_empty_and_out_of_range(api, rows):
    total = len(published(rows))
    first = api.get("/api/v1/search?sort=name&per_page=7").get_json()
    assert (first["total"], first["page"], first["per_page"]) == (total, 1, 7)
    assert first["pages"] == -(-total // 7)
    assert len(first["hits"]) == 7
    assert first["links"]["prev"] is None
    assert first["links"]["next"] == "/api/v1/search?sort=name&per_page=7&page=2"
    last = api.get(f"/api/v1/search?sort=name&per_page=7&page={first['pages']}").get_json()
    assert len(last["hits"]) == total - 7 * (first["pages"] - 1)
    assert last["links"]["next"] is None
    beyond = api.get(f"/api/v1/search?sort=name&per_page=7&page={first['pages'] + 1}").get_json()
    assert (beyond["total"], beyond["hits"], beyond["links"]["next"]) == (total, [], None)
    assert beyond["links"]["prev"] == first["links"]["last"]
    empty = api.get("/api/v1/search?q=zzzzqqqxxyy").get_json()
    assert (empty["total"], empty["hits"], empty["pages"]) == (0, [], 1)


def test_hits_carry_the_cli_fields_with_phone_and_address(api):
    hit = api.get("/api/v1/search?per_page=1").get_json()["hits"][0]
    for name in ("id", "slug", "name", "phone", "address", "verification", "verification_on", "advertiser"):
        assert name in hit


def test_facets_count_each_value(api, rows):
    body = api.get("/api/v1/search?state=CO").get_json()
    therapy = {facet["code"]: facet["count"] for facet in body["facets"]["therapy"]}
    colorado = [row for row in rows if row.status == "published" and row.state == "CO"]
    assert therapy["esketamine"] == sum("esketamine" in row.terms.get("therapy", []) for row in colorado)


def test_did_you_mean(api):
    body = api.get("/api/v1/search?q=ketamne").get_json()
    assert body["suggestion"] == "ketamine"


def test_staff_filters_are_refused_anonymously(api):
    response = api.get("/api/v1/search?status=draft&advertiser=1")
    assert response.status_code == 403
    body = response.get_json()
    assert set(body["errors"]) == {"status", "advertiser"}


def test_staff_filters_work_for_staff_and_are_never_cached(site, rows):
    client = site.test_client()
    assert sign_in(client, STAFF).status_code == 303
    response = client.get("/api/v1/search?advertiser=1&status=published&per_page=100")
    assert response.status_code == 200
    assert {hit["slug"] for hit in response.get_json()["hits"]} == published(rows, lambda row: row.advertiser)
    assert response.headers["Cache-Control"] == "private, no-store"


def test_searches_are_conditional_but_never_stored(api):
    """Search terms stay out of every cache, as on the site; a client may still ask If-None-Match."""
    response = api.get("/api/v1/search?therapy=esketamine")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Last-Modified"]
    again = api.get("/api/v1/search?therapy=esketamine", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert again.get_data() == b""
    since = api.get(
        "/api/v1/search?therapy=esketamine", headers={"If-Modified-Since": response.headers["Last-Modified"]}
    )
    assert since.status_code == 304
    other = api.get("/api/v1/search?therapy=tms", headers={"If-None-Match": response.headers["ETag"]})
    assert other.status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/taxonomy", "/api/v1/articles", "/api/v1/search"])
def test_public_data_without_search_terms_is_cacheable_and_conditional(api, path):
    response = api.get(path)
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert api.get(path, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("radius=abc", 422, "radius"),
        ("per_page=101", 422, "per_page"),
        ("therapy=astrology", 422, "therapy"),
        ("sort=distance", 400, "sort"),
        ("near=Atlantis", 400, "near"),
        ("colour=blue", 400, "colour"),
        ("q=a&q=b", 400, "q"),
    ],
)
def test_bad_parameters_name_the_parameter(api, query, status, field):
    response = api.get(f"/api/v1/search?{query}")
    assert response.status_code == status
    body = response.get_json()
    assert body["code"] == status and body["message"]
    assert field in body["errors"], body


def test_hits_are_the_cli_json_hits(site, api):
    result = site.test_cli_runner().invoke(
        args=["search", "ketamine", "--therapy", "esketamine", "--sort", "name", "--json"]
    )
    assert result.exit_code == 0, result.output
    cli = json.loads(result.output)
    body = api.get("/api/v1/search?q=ketamine&therapy=esketamine&sort=name").get_json()
    assert body["hits"] == cli["hits"] and body["total"] == cli["total"]
    assert body["facets"] == cli["facets"] and body["suggestion"] == cli["suggestion"]

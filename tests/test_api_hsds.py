"""The HSDS 3.0 read API over HTTP (``/api/hsds/``), on the hand-built directory of the query tests.

Every answer, fetched through the Flask test client, is validated against the official HSDS schemas
(``$ref``s resolved locally, as in ``tests/test_hsds_api_queries.py``); the query layer's own
tests cover each filter in depth, so these check what the web layer adds: parameters reaching the
queries, the JSON error shape, 404s, the ndjson stream, conditional GETs and caching.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from flask.testing import FlaskClient

from directory.hsds import export, ids
from tests.api_fixture import UNLIMITED
from tests.test_hsds import needs_reference
from tests.test_hsds_api_queries import (  # noqa: F401 (module-scoped fixtures shared with the query tests)
    PUBLISHED,
    check,
    listing,
    schemas,
    site,
    term,
)

HSDS = "/api/hsds"


@pytest.fixture(scope="module")
def api(site) -> FlaskClient:  # noqa: F811
    site.config.update(UNLIMITED)
    return site.test_client()


def get_json(api: FlaskClient, url: str, status: int = 200) -> Any:
    response = api.get(url)
    assert response.status_code == status, (url, response.get_data(as_text=True)[:500])
    assert response.mimetype == "application/json"
    return response.get_json()


def names(envelope: dict[str, Any]) -> list[str]:
    return [item["name"] for item in envelope["contents"]]


# --- every answer is HSDS ------------------------------------------------------------------------


@needs_reference
def test_the_root_names_version_profile_and_openapi_document(api, schemas):  # noqa: F811
    root = get_json(api, f"{HSDS}/")
    check(schemas, "/", root)
    assert root["version"] == "3.0"
    assert root["openapi_url"].endswith("/api/openapi.json")


@needs_reference
@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/services", ""),
        ("/services", "?per_page=2&page=2"),
        ("/organizations", ""),
        ("/service_at_locations", ""),
        ("/service_at_locations", "?postcode=84101&proximity=40000"),
        ("/taxonomies", "?per_page=100"),
        ("/taxonomy_terms", "?per_page=100"),
    ],
)
def test_every_list_validates_against_the_hsds_schemas(api, schemas, path, query):  # noqa: F811
    envelope = get_json(api, f"{HSDS}{path}{query}")
    check(schemas, path, envelope)
    assert envelope["contents"]


@needs_reference
def test_one_service_and_one_organization_validate(api, listing, schemas):  # noqa: F811
    cedar = listing["Cedar TMS"]
    service = get_json(api, f"{HSDS}/services/{ids.service_id(cedar)}")
    check(schemas, "/services/{id}", service)
    assert service["organization"]["name"] == "Cedar TMS"
    assert len(service["service_at_locations"]) == 2
    organization = get_json(api, f"{HSDS}/organizations/{cedar}")
    check(schemas, "/organizations/{id}", organization)
    assert "service_at_locations" not in organization["services"][0]
    full = get_json(api, f"{HSDS}/organizations/{cedar}?full_service=true")
    check(schemas, "/organizations/{id}", full)
    assert len(full["services"][0]["service_at_locations"]) == 2


# --- parameters reach the queries ----------------------------------------------------------------


def test_service_filters_and_paging_reach_the_query(api, listing):  # noqa: F811
    assert names(get_json(api, f"{HSDS}/services")) == PUBLISHED
    second = get_json(api, f"{HSDS}/services?per_page=3&page=2")
    assert names(second) == PUBLISHED[3:] and second["total_pages"] == 2 and second["last_page"]
    depression = term("condition", "depression")
    assert names(get_json(api, f"{HSDS}/services?taxonomy_term_id={depression}")) == [
        "Birch Esketamine Center",
        "Cedar TMS",
    ]
    combined = f"{HSDS}/services?taxonomy_term_id={depression}&modified_after=2025-04-01"
    assert names(get_json(api, combined)) == ["Birch Esketamine Center"]
    cedar = listing["Cedar TMS"]
    assert names(get_json(api, f"{HSDS}/services?organization_id={cedar}")) == ["Cedar TMS"]
    assert set(names(get_json(api, f"{HSDS}/services?search=lakeside"))) == {
        "Alder Ketamine Clinic",
        "Cedar TMS",
    }
    one = get_json(api, f"{HSDS}/organizations?search=lakeside&per_page=1")
    assert one["total_items"] == 2 and names(one)[0] in {"Alder Ketamine Clinic", "Cedar TMS"}


def test_postcode_and_proximity_in_meters(api):
    places = get_json(api, f"{HSDS}/service_at_locations?postcode=84101")
    assert [item["location"]["name"] for item in places["contents"]] == ["Main clinic", "Downtown office"]
    near = get_json(api, f"{HSDS}/service_at_locations?postcode=84101&proximity=30000")
    found = [item["location"]["name"] for item in near["contents"]]  # 30 km: not Provo (about 61 km)
    assert sorted(found) == ["Downtown office", "Main clinic", "Sandy office"]
    assert found[-1] == "Sandy office"  # nearest first: Sandy is about 22 km away, the others under 3


def test_taxonomy_terms_by_taxonomy_and_parent(api):
    condition = ids.taxonomy_id("condition")
    terms = get_json(api, f"{HSDS}/taxonomy_terms?taxonomy_id={condition}&top_only=true&per_page=100")
    assert terms["contents"] and all(
        item["taxonomy_detail"]["id"] == str(condition) for item in terms["contents"]
    )
    children = get_json(api, f"{HSDS}/taxonomy_terms?parent_id={term('condition', 'depression')}")
    assert [item["code"] for item in children["contents"]] == [
        "condition:treatment-resistant-depression",
        "condition:postpartum-depression",
    ]
    assert names(get_json(api, f"{HSDS}/taxonomies?search=route")) == ["Route of administration"]


# --- errors ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        f"/services/{uuid.uuid4()}",
        "/services/not-an-id",
        f"/organizations/{uuid.uuid4()}",
        "/organizations/not-an-id",
    ],
)
def test_an_unknown_id_is_a_json_404(api, path):
    error = get_json(api, f"{HSDS}{path}", 404)
    assert error["code"] == 404 and error["message"] and error["errors"] == {}


def test_an_unpublished_listing_is_a_404(api, listing):  # noqa: F811
    for name in ("Dogwood Ketamine", "Gum Ketamine"):
        get_json(api, f"{HSDS}/services/{ids.service_id(listing[name])}", 404)
        get_json(api, f"{HSDS}/organizations/{listing[name]}", 404)


@pytest.mark.parametrize(
    ("query", "field", "status"),
    [
        (f"/services?taxonomy_id={uuid.uuid4()}", "taxonomy_id", 400),
        ("/services?taxonomy_term_id=tms", "taxonomy_term_id", 400),
        ("/services?modified_after=last+tuesday", "modified_after", 400),
        ("/services?per_page=101", "per_page", 422),
        ("/services?page=0", "page", 422),
        ("/services?format=xml", "format", 422),
        ("/service_at_locations?proximity=1000", "proximity", 400),
        ("/service_at_locations?postcode=00000&proximity=5000", "postcode", 400),
        ("/service_at_locations?postcode=Salt+Lake", "postcode", 422),
        ("/service_at_locations?postcode=84101&proximity=far", "proximity", 422),
        (f"/taxonomy_terms?parent_id={uuid.uuid4()}", "parent_id", 400),
        ("/taxonomy_terms?top_only=perhaps", "top_only", 422),
    ],
)
def test_a_bad_parameter_is_named_in_a_json_error(api, query, field, status):
    error = get_json(api, f"{HSDS}{query}", status)
    assert error["code"] == status
    assert list(error["errors"]) == [field] and error["errors"][field][0]


# --- ndjson ----------------------------------------------------------------------------------------


@needs_reference
def test_ndjson_streams_every_published_service_exactly_once(api, listing, schemas, monkeypatch):  # noqa: F811
    monkeypatch.setattr(export, "BATCH", 3)  # several batches, even here
    response = api.get(f"{HSDS}/services?format=ndjson&per_page=1&page=2")  # no paging: ignored
    assert response.status_code == 200
    assert response.mimetype == "application/x-ndjson"
    assert response.is_streamed
    assert "ETag" not in response.headers  # the body is never read in full to hash it
    assert response.headers["Last-Modified"]
    chunks = list(response.response)
    assert all(isinstance(chunk, bytes) for chunk in chunks)  # a WSGI server writes only bytes
    lines = b"".join(chunks).decode().splitlines(keepends=True)
    response.close()
    assert all(line.endswith("\n") for line in lines)
    services = [json.loads(line) for line in lines]
    assert sorted(service["id"] for service in services) == sorted(
        str(ids.service_id(listing[name])) for name in PUBLISHED
    )
    for service in services:
        check(schemas, "/services/{id}", service)


def test_an_abandoned_ndjson_stream_closes_every_session_it_opened(api, site, monkeypatch):  # noqa: F811
    database = site.extensions["database"]
    opened: list[Any] = []
    closed: list[Any] = []
    sessions = database.sessions

    def opening() -> Any:
        session = sessions()
        opened.append(session)
        close = session.close
        monkeypatch.setattr(session, "close", lambda: (closed.append(session), close()))
        return session

    monkeypatch.setattr(database, "sessions", opening)
    response = api.get(f"{HSDS}/services?format=ndjson")
    first = next(iter(response.response))
    assert json.loads(first)["status"] == "active"
    assert len(opened) == 2  # the request's (its Last-Modified) and the stream's own
    response.close()  # the client went away: the stream's finally closes its session
    assert {id(one) for one in closed} == {id(one) for one in opened}
    assert get_json(api, f"{HSDS}/services")["total_items"] == len(PUBLISHED)


@pytest.mark.parametrize("query", ["search=ketamine", f"taxonomy_id={ids.taxonomy_id('condition')}"])
def test_ndjson_refuses_filters_rather_than_ignoring_them(api, query):
    name = query.split("=")[0]
    error = get_json(api, f"{HSDS}/services?format=ndjson&{query}", 400)
    assert list(error["errors"]) == [name] and "format=json" in error["message"]


# --- caching ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/services", "/organizations", "/taxonomies", "/service_at_locations"])
def test_public_answers_are_cacheable_and_conditional(api, path):
    response = api.get(f"{HSDS}{path}")
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.headers["ETag"]
    again = api.get(f"{HSDS}{path}", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""


def test_one_service_is_conditional_on_its_etag_and_date(api, listing):  # noqa: F811
    url = f"{HSDS}/services/{ids.service_id(listing['Alder Ketamine Clinic'])}"
    response = api.get(url)
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.headers["Last-Modified"]
    assert api.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    since = api.get(url, headers={"If-Modified-Since": response.headers["Last-Modified"]})
    assert since.status_code == 304


def test_a_url_with_search_terms_is_private_but_still_conditional(api):
    response = api.get(f"{HSDS}/services?search=ketamine")
    assert response.headers["Cache-Control"] == "private, no-store"
    again = api.get(f"{HSDS}/services?search=ketamine", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert api.get(f"{HSDS}/services?search=x").headers["Cache-Control"] == "private, no-store"

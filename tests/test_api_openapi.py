"""The API's OpenAPI 3.1 document: complete (every parameter typed, bounded, described, with an
example; every response with a schema), and true (Schemathesis against a live local server).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine

from tests.api_fixture import UNLIMITED
from tests.browser.conftest import serving
from tests.conftest import sample_site
from tests.staff_accounts import add_staff, database, signed_in_client

STAFF = "api-schemathesis@example.org"

#: Every operation of the document (the test below fails if one is added without being listed).
OPERATIONS = [
    ("GET", "/api/v1/search"),
    ("GET", "/api/v1/centers/{id_or_slug}"),
    ("GET", "/api/v1/articles"),
    ("GET", "/api/v1/articles/{slug}"),
    ("GET", "/api/v1/taxonomy"),
    ("GET", "/api/hsds/"),
    ("GET", "/api/hsds/services"),
    ("GET", "/api/hsds/services/{id}"),
    ("GET", "/api/hsds/organizations"),
    ("GET", "/api/hsds/organizations/{id}"),
    ("GET", "/api/hsds/service_at_locations"),
    ("GET", "/api/hsds/taxonomies"),
    ("GET", "/api/hsds/taxonomy_terms"),
]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@pytest.fixture(scope="module")
def site(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with sample_site(database_url, engine, tmp_path_factory.mktemp("api-openapi-index")) as app:
        app.config.update(UNLIMITED)
        with database(app) as session:
            add_staff(session, STAFF)
        yield app


@pytest.fixture(scope="module")
def document(site: Flask) -> dict[str, Any]:
    response = site.test_client().get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()


@pytest.fixture(scope="module")
def live_api(site: Flask) -> Iterator[str]:
    with serving(site) as url:
        yield url


def test_the_document_is_openapi_3_1_and_lists_every_operation(document):
    assert document["openapi"] == "3.1.0"
    listed = sorted(
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method != "parameters"
    )
    assert listed == sorted(OPERATIONS)


def _parameters(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for parameter in item.get("parameters", []):
            yield path, parameter
        for operation in item.values():
            if isinstance(operation, dict):
                for parameter in operation.get("parameters", []):
                    yield path, parameter


def test_every_parameter_has_a_type_range_description_and_example(document):
    seen = 0
    for path, parameter in _parameters(document):
        where = f"{path} {parameter['name']}"
        schema = parameter["schema"]
        assert parameter.get("description"), where
        assert "example" in parameter or "example" in schema, where
        assert schema.get("type"), where
        value = schema["items"] if schema["type"] == "array" else schema
        if value["type"] in ("integer", "number"):
            assert "minimum" in value and "maximum" in value, where
        else:
            assert {"enum", "maxLength", "pattern"} & set(value), where
        seen += 1
    assert seen >= 29  # 15 search parameters, one per taxonomy scheme (12), and 2 path parameters


def test_every_response_has_a_schema(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or method == "parameters":
                continue
            assert {"200", "304", "429", "500"} <= set(operation["responses"]), (path, method)
            assert "default" not in operation["responses"]
            for status, response in operation["responses"].items():
                if status == "304":
                    continue  # no body
                if "$ref" in response:
                    name = response["$ref"].rsplit("/", 1)[1]
                    response = document["components"]["responses"][name]
                content = response.get("content", {}).get("application/json", {})
                assert content.get("schema"), (path, method, status)


def run_schemathesis(live_api: str, method: str, path: str, session: requests.Session) -> None:
    """Send generated requests (25, deterministic) to one operation; fail on any check's failure."""
    schema = schemathesis.openapi.from_url(f"{live_api}/api/openapi.json")
    operation = schema[path][method]

    @settings(
        max_examples=25,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case: Any) -> None:
        case.call_and_validate(base_url=live_api, checks=CHECKS, session=session)

    check()


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_schemathesis_finds_no_failure(live_api, method, path):
    run_schemathesis(live_api, method, path, requests.Session())


def test_schemathesis_finds_no_failure_in_a_staff_search(site, live_api):
    """As staff, staff-only filters are searched rather than refused: generated values reach the search."""
    client = signed_in_client(site, STAFF)
    session = requests.Session()
    name = site.config["SESSION_COOKIE_NAME"]
    session.cookies.set(name, client.get_cookie(name).value)
    assert session.get(f"{live_api}/api/v1/search?overdue=1").status_code == 200
    run_schemathesis(live_api, "GET", "/api/v1/search", session)

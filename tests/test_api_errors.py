"""Every API error is JSON in one shape (code, status, message, errors), whatever raised it;
rate limits answer 429 with Retry-After; CORS answers the public GETs.
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine

from directory import create_app
from tests.api_fixture import UNLIMITED
from tests.conftest import sample_site

ERROR_KEYS = {"code", "status", "message", "errors"}


@pytest.fixture(scope="module")
def site(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The sample directory with an extra API route that fails (for the 500)."""
    with sample_site(database_url, engine, tmp_path_factory.mktemp("api-errors-index")) as app:
        app.config.update(UNLIMITED, PROPAGATE_EXCEPTIONS=False)

        def boom() -> str:
            raise RuntimeError("a bug")

        # Named under an API blueprint, so the access table admits it like the other API views.
        app.add_url_rule("/api/v1/boom", endpoint="api_search.boom", view_func=boom)
        yield app


@pytest.fixture
def api(site: Flask) -> FlaskClient:
    return site.test_client()


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:200]
    body = response.get_json()
    assert set(body) == ERROR_KEYS
    assert body["code"] == status and body["status"] and body["message"]
    assert isinstance(body["errors"], dict)
    assert "no-store" in response.headers["Cache-Control"]
    return body


@pytest.mark.parametrize("path", ["/api/nothing-here", "/api/v1/nothing", "/api", "/api/v2/search"])
def test_unknown_api_paths_answer_json_404(api, path):
    assert_json_error(api.get(path), 404)


def test_unknown_center_and_article_answer_json_404(api):
    assert_json_error(api.get("/api/v1/centers/no-such-center"), 404)
    assert_json_error(api.get(f"/api/v1/centers/{uuid.uuid4()}"), 404)
    assert_json_error(api.get("/api/v1/articles/no-such-article"), 404)


def test_wrong_method_answers_json_405_with_allow(api):
    response = api.post("/api/v1/search")
    assert_json_error(response, 405)
    assert "GET" in response.headers["Allow"]
    assert_json_error(api.delete("/api/v1/taxonomy"), 405)


def test_invalid_parameters_answer_400_or_422_naming_them(api):
    assert assert_json_error(api.get("/api/v1/search?page=0"), 422)["errors"] == {
        "page": ["Must be greater than or equal to 1 and less than or equal to 1000."]
    }
    assert "near" in assert_json_error(api.get("/api/v1/search?near=nowhere%20at%20all"), 400)["errors"]


def test_staff_filters_answer_json_403(api):
    body = assert_json_error(api.get("/api/v1/search?overdue=1"), 403)
    assert body["errors"] == {"overdue": ["This filter is for staff only."]}


def test_unexpected_errors_answer_json_500(api):
    body = assert_json_error(api.get("/api/v1/boom"), 500)
    assert "a bug" not in body["message"]


def test_site_pages_keep_their_html_errors(api):
    response = api.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_api_answers_carry_rate_limit_headers(api):
    response = api.get("/api/v1/taxonomy")
    assert response.status_code == 200
    for name in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
        assert name in response.headers


@pytest.mark.parametrize("path", ["/api/v1/taxonomy", "/api/hsds/taxonomies"])
def test_cors_allows_public_gets_from_any_origin_without_credentials(api, path):
    response = api.get(path, headers={"Origin": "https://partner.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    preflight = api.options(
        "/api/v1/search",
        headers={"Origin": "https://partner.example", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" not in preflight.headers.get("Access-Control-Allow-Methods", "")
    site_page = api.get("/search", headers={"Origin": "https://partner.example"})
    assert "Access-Control-Allow-Origin" not in site_page.headers


def test_cors_origins_are_configurable(database_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "tests",
            "DATABASE_URL": database_url,
            "SEARCH_INDEX_DIR": str(tmp_path / "index"),
            "API_CORS_ORIGINS": "https://partner.example",
        }
    )
    client = app.test_client()
    allowed = client.get("/api/openapi.json", headers={"Origin": "https://partner.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://partner.example"
    other = client.get("/api/openapi.json", headers={"Origin": "https://elsewhere.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_too_many_requests_answer_json_429_with_retry_after(database_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "tests",
            "DATABASE_URL": database_url,
            "SEARCH_INDEX_DIR": str(tmp_path / "index"),
            # A limit no other test uses, so that no earlier count in this process is shared.
            "API_RATE_LIMIT": "3 per 7 hours",
        }
    )
    client = app.test_client()
    peer = {"REMOTE_ADDR": "192.0.2.77"}
    preflight = {"Origin": "https://partner.example", "Access-Control-Request-Method": "GET"}
    for _ in range(4):  # CORS preflights are not counted
        assert client.options("/api/v1/articles", headers=preflight, environ_base=peer).status_code == 200
    statuses = [client.get("/api/openapi.json").status_code]  # the document itself is not limited
    for _ in range(3):
        response = client.get("/api/v1/articles", environ_base=peer)
        statuses.append(response.status_code)
        assert response.headers["X-RateLimit-Limit"] == "3"
    refused = client.get("/api/v1/taxonomy", environ_base=peer)  # one counter for the whole API
    assert statuses == [200, 200, 200, 200]
    body = assert_json_error(refused, 429)
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert "Retry-After" in body["message"]
    other_client = client.get("/api/v1/articles", environ_base={"REMOTE_ADDR": "192.0.2.78"})
    assert other_client.status_code == 200


def test_refusals_before_any_view_are_json_too(api):
    too_large = api.get("/api/v1/taxonomy", data="x" * (1024 * 1024 + 1))
    assert assert_json_error(too_large, 413)["message"].startswith("Requests accept at most 1 MB")
    assert_json_error(api.get("/api/v1/taxonomy", headers={"Host": "elsewhere.example"}), 400)
    assert "_" in assert_json_error(api.get("/api/v1/search?q=a%00b"), 400)["errors"]


def test_the_api_limit_is_counted_in_redis_when_configured(database_url, tmp_path):
    pytest.importorskip("redis")
    from tests.test_rate_limits import REDIS_URL, redis_reachable

    if not redis_reachable():
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not answering at 127.0.0.1:6379; .ci/run starts it")
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "tests",
            "DATABASE_URL": database_url,
            "SEARCH_INDEX_DIR": str(tmp_path / "index"),
            "RATELIMIT_STORAGE_URI": REDIS_URL,
            "API_RATE_LIMIT": "2 per 9 hours",
        }
    )
    peer = {"REMOTE_ADDR": f"2001:db8::{secrets.token_hex(2)}"}  # this run's own counter
    client = app.test_client()
    statuses = [client.get("/api/v1/taxonomy", environ_base=peer).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    import redis

    keys = redis.Redis.from_url(REDIS_URL).keys(f"*api:{peer['REMOTE_ADDR']}*")
    assert keys, "the counter lives in Redis"

"""API tokens at work over HTTP: scope, expiry, revocation, malformed headers, one count per request,
a per-token rate limit apart from the anonymous one, and the bearer scheme in the OpenAPI document.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine

from directory import create_app
from directory.models import Role, utcnow
from directory.operations.api_tokens import issue_token, revoke_token, token_usage
from tests.api_fixture import UNLIMITED
from tests.conftest import sample_site
from tests.staff_accounts import add_staff, database, make_staff, signed_in_client

STAFF = "api-token-access@example.org"
ERROR_KEYS = {"code", "status", "message", "errors"}


@pytest.fixture(scope="module")
def site(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with sample_site(database_url, engine, tmp_path_factory.mktemp("api-token-index")) as app:
        app.config.update(UNLIMITED, API_TOKEN_RATE_LIMIT="100000 per minute")
        with database(app) as session:
            add_staff(session, STAFF)
        yield app


@pytest.fixture
def api(site: Flask) -> FlaskClient:
    return site.test_client()


def new_token(app: Flask, scope: str = "public", *, last_day: date | None = None) -> tuple[str, str]:
    """Issue a token (working through ``last_day``, default a month ahead); return its id and raw value."""
    today = utcnow().date()
    issued_on = min(today, last_day) if last_day else today
    with database(app) as session:
        actor = make_staff(session, Role.ADMIN)
        token, raw = issue_token(
            session, actor, "Referral partner", scope, last_day or today + timedelta(days=30), today=issued_on
        )
        session.commit()
        return str(token.id), raw


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def uses_today(app: Flask, token_id: str) -> int:
    import uuid

    with database(app) as session:
        return token_usage(session, uuid.UUID(token_id), 1)[-1].count


def assert_refused(response) -> dict:
    """Assert the API's JSON 401 with the bearer challenge; return its body."""
    assert response.status_code == 401, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == ERROR_KEYS and body["code"] == 401 and body["message"]
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith("Bearer ") and 'error="invalid_token"' in challenge
    assert "no-store" in response.headers["Cache-Control"]
    return body


# -- scope -----------------------------------------------------------------------------------------


def test_a_public_token_reads_public_data_and_is_refused_staff_filters(site, api):
    _id, raw = new_token(site, "public")
    ok = api.get("/api/v1/search?q=ketamine", headers=bearer(raw))
    assert ok.status_code == 200
    refused = api.get("/api/v1/search?overdue=1", headers=bearer(raw))
    assert refused.status_code == 403
    assert refused.get_json()["errors"] == {"overdue": ["This filter is for staff only."]}


def test_a_staff_token_may_use_staff_filters_and_its_answers_are_never_stored(site, api):
    _id, raw = new_token(site, "staff")
    response = api.get("/api/v1/search?overdue=1", headers=bearer(raw))
    assert response.status_code == 200, response.get_json()
    assert response.headers["Cache-Control"] == "private, no-store"
    taxonomy = api.get("/api/v1/taxonomy", headers=bearer(raw))
    assert taxonomy.status_code == 200 and taxonomy.headers["Cache-Control"] == "private, no-store"
    public = api.get("/api/v1/taxonomy", headers=bearer(new_token(site, "public")[1]))
    assert public.headers["Cache-Control"].startswith("public")
    assert "Authorization" in public.headers["Vary"]
    anonymous = api.get("/api/v1/taxonomy")
    assert "Authorization" not in anonymous.headers.get("Vary", "")


def test_the_token_decides_over_a_staff_session(site):
    client = signed_in_client(site, STAFF)
    assert client.get("/api/v1/search?overdue=1").status_code == 200
    _id, raw = new_token(site, "public")
    assert client.get("/api/v1/search?overdue=1", headers=bearer(raw)).status_code == 403
    assert_refused(client.get("/api/v1/search", headers=bearer(raw + "x")))


# -- refusals --------------------------------------------------------------------------------------


def test_a_token_works_through_its_last_day_and_is_refused_after(site, api):
    today = utcnow().date()
    _id, last_day_today = new_token(site, last_day=today)
    assert api.get("/api/v1/taxonomy", headers=bearer(last_day_today)).status_code == 200
    _id, expired = new_token(site, last_day=today - timedelta(days=1))
    body = assert_refused(api.get("/api/v1/taxonomy", headers=bearer(expired)))
    assert "expired" in body["message"]


def test_a_revoked_token_is_refused_right_after_revoking(site, api):
    import uuid

    token_id, raw = new_token(site, "staff")
    assert api.get("/api/v1/articles", headers=bearer(raw)).status_code == 200
    with database(site) as session:
        revoke_token(session, make_staff(session, Role.ADMIN), uuid.UUID(token_id))
        session.commit()
    assert_refused(api.get("/api/v1/articles", headers=bearer(raw)))


@pytest.mark.parametrize(
    "header", ["Bearer", "Bearer two words", "Basic dXNlcjpwYXNz", "dtk_no_scheme", "Bearer dtk_unknown"]
)
def test_malformed_or_unknown_authorization_headers_are_refused(api, header):
    body = assert_refused(api.get("/api/v1/search?q=ketamine", headers={"Authorization": header}))
    assert "Authorization: Bearer" in body["message"] or "unknown, expired or revoked" in body["message"]


def test_tokens_are_refused_on_every_api_operation(site, api):
    centers = api.get("/api/v1/search?per_page=1").get_json()["hits"]
    slug = centers[0]["slug"]
    for path in ("/api/v1/articles", "/api/v1/taxonomy", f"/api/v1/centers/{slug}", "/api/v1/search"):
        assert_refused(api.get(path, headers=bearer("dtk_nothing")))


def test_tokens_never_sign_anyone_into_the_html_site(site, api):
    token_id, raw = new_token(site, "staff")
    for path in ("/staff/", "/admin/api-tokens"):
        response = api.get(path, headers=bearer(raw))
        assert response.status_code == 302 and "/staff/login" in response.headers["Location"], path
    assert uses_today(site, token_id) == 0  # the site never even reads it
    assert api.get("/", headers=bearer("dtk_junk")).status_code == 200


# -- counting --------------------------------------------------------------------------------------


def test_each_request_counts_one_use(site, api):
    token_id, raw = new_token(site, "staff")
    assert uses_today(site, token_id) == 0
    for expected, path in enumerate(("/api/v1/search?overdue=1", "/api/v1/taxonomy", "/api/v1/articles"), 1):
        assert api.get(path, headers=bearer(raw)).status_code == 200
        assert uses_today(site, token_id) == expected
    assert api.get("/api/v1/search?radius=-3", headers=bearer(raw)).status_code in (400, 422)
    assert uses_today(site, token_id) == 4  # a refused search is still a use of the token
    api.get("/api/openapi.json", headers=bearer(raw))
    assert uses_today(site, token_id) == 4  # the document is not the API's data


# -- rate limits -----------------------------------------------------------------------------------


def limited_app(database_url: str, tmp_path, **config) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "tests",
            "DATABASE_URL": database_url,
            "SEARCH_INDEX_DIR": str(tmp_path / "index"),
            **config,
        }
    )


def test_each_token_has_its_own_higher_limit_apart_from_the_address(site, database_url, tmp_path):
    # Limits no other test uses, so that no earlier count in this process is shared.
    app = limited_app(
        database_url, tmp_path, API_RATE_LIMIT="2 per 11 hours", API_TOKEN_RATE_LIMIT="4 per 11 hours"
    )
    try:
        client = app.test_client()
        peer = {"REMOTE_ADDR": "192.0.2.131"}
        _id, raw = new_token(site, "public")
        _id, other = new_token(site, "staff")
        statuses = []
        for _ in range(4):
            response = client.get("/api/v1/taxonomy", headers=bearer(raw), environ_base=peer)
            statuses.append(response.status_code)
            assert response.headers["X-RateLimit-Limit"] == "4"
        assert statuses == [200] * 4
        refused = client.get("/api/v1/articles", headers=bearer(raw), environ_base=peer)
        assert refused.status_code == 429 and refused.mimetype == "application/json"
        assert set(refused.get_json()) == ERROR_KEYS
        assert int(refused.headers["Retry-After"]) > 0
        assert refused.headers["X-RateLimit-Remaining"] == "0"
        # Another token, and the same address without a token, keep their own counters.
        assert client.get("/api/v1/taxonomy", headers=bearer(other), environ_base=peer).status_code == 200
        anonymous = [client.get("/api/v1/taxonomy", environ_base=peer) for _ in range(3)]
        assert [r.status_code for r in anonymous] == [200, 200, 429]
        assert anonymous[0].headers["X-RateLimit-Limit"] == "2"
        # ... and the address's exhausted limit leaves the token's alone.
        assert client.get("/api/v1/taxonomy", headers=bearer(other), environ_base=peer).status_code == 200
    finally:
        app.extensions["database"].dispose()


def test_a_refused_token_counts_against_its_address(site, database_url, tmp_path):
    app = limited_app(database_url, tmp_path, API_RATE_LIMIT="2 per 13 hours")
    try:
        client = app.test_client()
        peer = {"REMOTE_ADDR": "192.0.2.132"}
        junk = bearer("dtk_" + secrets.token_urlsafe(8))
        statuses = [
            client.get("/api/v1/taxonomy", headers=junk, environ_base=peer).status_code for _ in range(3)
        ]
        assert statuses == [401, 401, 429]
    finally:
        app.extensions["database"].dispose()


def test_a_tokens_counter_is_kept_in_redis_when_configured(site, database_url, tmp_path):
    pytest.importorskip("redis")
    from tests.test_rate_limits import REDIS_URL, redis_reachable

    if not redis_reachable():
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not answering at 127.0.0.1:6379; .ci/run starts it")
        pytest.skip("Redis is not running at 127.0.0.1:6379, so the Redis storage cannot be tried")
    app = limited_app(
        database_url, tmp_path, RATELIMIT_STORAGE_URI=REDIS_URL, API_TOKEN_RATE_LIMIT="2 per 9 hours"
    )
    try:
        token_id, raw = new_token(site, "public")  # a new token: this run's own counter
        client = app.test_client()
        statuses = [client.get("/api/v1/taxonomy", headers=bearer(raw)).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        import redis

        assert redis.Redis.from_url(REDIS_URL).keys(f"*api-token:{token_id}*"), "the counter lives in Redis"
    finally:
        app.extensions["database"].dispose()


# -- OpenAPI ---------------------------------------------------------------------------------------


def test_the_document_declares_the_optional_bearer_scheme_and_401_everywhere(api):
    document = api.get("/api/openapi.json").get_json()
    schemes = document["components"]["securitySchemes"]
    assert [(s["type"], s["scheme"]) for s in schemes.values()] == [("http", "bearer")]
    name = next(iter(schemes))
    assert {} in document["security"] and {name: []} in document["security"]
    for item in document["paths"].values():
        for method, operation in item.items():
            if isinstance(operation, dict) and method != "parameters":
                assert "401" in operation["responses"]
                assert operation.get("security", document["security"]) == document["security"]


def test_schemathesis_finds_no_failure_in_a_search_with_a_staff_token(site):
    """With a staff token the staff-only filters are searched, and every answer keeps to the document."""
    import requests

    from tests.browser.conftest import serving
    from tests.test_api_openapi import run_schemathesis

    _id, raw = new_token(site, "staff")
    session = requests.Session()
    session.headers.update(bearer(raw))
    with serving(site) as url:
        assert session.get(f"{url}/api/v1/search?overdue=1").status_code == 200
        run_schemathesis(url, "GET", "/api/v1/search", session)
        refused = requests.get(f"{url}/api/v1/taxonomy", headers=bearer(raw + "x"), timeout=30)
        assert refused.status_code == 401 and refused.json()["code"] == 401
        assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]


def test_browsers_of_other_origins_may_send_a_token(api):
    preflight = api.options(
        "/api/v1/search",
        headers={
            "Origin": "https://partner.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert preflight.status_code == 200
    assert "authorization" in preflight.headers["Access-Control-Allow-Headers"].lower()
    assert "Access-Control-Allow-Credentials" not in preflight.headers  # never cookies

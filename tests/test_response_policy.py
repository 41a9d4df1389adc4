"""What every response says about caching and transport: health searches are never cached by others."""

from __future__ import annotations

from collections.abc import Iterator
from http.cookies import SimpleCookie

import pytest
from flask import Flask
from sqlalchemy import Engine

from directory import create_app
from directory.config import ConfigError
from tests.conftest import sample_site

PRIVATE = "private, no-store"
SITE = "https://directory.example.org"


@pytest.fixture(scope="module")
def site(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The sample directory, indexed, with rate limits no test reaches."""
    with sample_site(database_url, engine, tmp_path_factory.mktemp("response-policy-index")) as app:
        app.config.update(LIST_CENTER_RATE_LIMIT="1000 per minute", REPORT_RATE_LIMIT="1000 per minute")
        yield app


@pytest.mark.parametrize(
    "url",
    [
        "/search?q=ketamine",
        "/search?therapy=esketamine&near=84101",
        "/search?q=%00",
        "/therapies/esketamine?page=2",
        "/therapies/esketamine/ut?q=depression",
        "/?q=suicidal",
        "/articles?q=x",
        "/centers/no-such-center?q=x",
        "/healthz?q=x",
    ],
)
def test_a_url_carrying_search_terms_is_never_cached(site, url):
    response = site.test_client().get(url)
    assert response.headers["Cache-Control"] == PRIVATE, (url, response.status_code)


def test_every_route_with_a_query_string_is_private(site):
    client = site.test_client()
    checked = 0
    for rule in site.url_map.iter_rules():
        if rule.arguments or "GET" not in (rule.methods or set()):
            continue
        assert client.get(f"{rule.rule}?q=depression").headers.get("Cache-Control") == PRIVATE, rule.rule
        checked += 1
    assert checked >= 6


def test_posts_and_their_answers_are_never_cached(site):
    client = site.test_client()
    refused = client.post("/list-your-center", data={"name": "x"})  # no CSRF token: 400
    assert refused.status_code == 400
    assert refused.headers["Cache-Control"] == PRIVATE
    assert client.post("/promises").headers["Cache-Control"] == PRIVATE  # 405


def test_a_page_holding_a_form_is_private(site):
    response = site.test_client().get("/list-your-center")  # holds a CSRF token
    assert response.headers["Cache-Control"] == PRIVATE


def test_public_pages_without_search_terms_stay_cacheable(site):
    client = site.test_client()
    for url in ("/", "/promises", "/articles", "/therapies/esketamine", "/robots.txt", "/sitemap.xml"):
        assert "no-store" not in client.get(url).headers.get("Cache-Control", ""), url


def session_cookie(response) -> SimpleCookie:
    """Return the response's session cookie, parsed."""
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert len(headers) == 1, response.headers.getlist("Set-Cookie")
    cookie: SimpleCookie = SimpleCookie()
    cookie.load(headers[0])
    return cookie


def test_development_session_cookie_is_lax_and_http_only(site):
    response = site.test_client().get("/list-your-center")
    morsel = session_cookie(response)["session"]
    assert morsel["samesite"] == "Lax"
    assert morsel["httponly"] is True
    assert not morsel["secure"]
    assert "Strict-Transport-Security" not in response.headers


# -- production --------------------------------------------------------------------------------


@pytest.fixture
def production_environment(monkeypatch, database_url: str, tmp_path):
    """The environment of a production deployment on the test database."""
    for name in ("SESSION_COOKIE_SECURE", "TRUSTED_HOSTS", "SERVER_NAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DIRECTORY_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("PUBLIC_BASE_URL", SITE)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SEARCH_INDEX_DIR", str(tmp_path / "index"))
    return monkeypatch


def production_app() -> Iterator[Flask]:
    """Create the production app from the environment; dispose of its engine afterwards."""
    app = create_app()
    try:
        yield app
    finally:
        app.extensions["database"].dispose()


@pytest.fixture
def production(production_environment) -> Iterator[Flask]:
    """A production app."""
    yield from production_app()


def test_production_session_cookie_is_secure_lax_and_http_only(production):
    response = production.test_client().get("/list-your-center", base_url=SITE)
    assert response.status_code == 200
    morsel = session_cookie(response)["session"]
    assert morsel["secure"] is True
    assert morsel["samesite"] == "Lax"
    assert morsel["httponly"] is True


def test_production_sends_hsts_on_every_response(production):
    client = production.test_client()
    for url in ("/", "/promises", "/search?q=x", "/no-such-page"):
        assert client.get(url, base_url=SITE).headers["Strict-Transport-Security"] == "max-age=31536000"


def test_secure_cookie_can_be_turned_off_for_local_http(production_environment):
    production_environment.setenv("SESSION_COOKIE_SECURE", "0")
    for app in production_app():
        assert app.config["SESSION_COOKIE_SECURE"] is False
        response = app.test_client().get("/list-your-center", base_url=SITE)
        assert not session_cookie(response)["session"]["secure"]


def test_an_unreadable_secure_cookie_setting_is_refused(production_environment):
    production_environment.setenv("SESSION_COOKIE_SECURE", "maybe")
    with pytest.raises(ConfigError, match="SESSION_COOKIE_SECURE"):
        create_app()

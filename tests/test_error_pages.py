"""Every error page is a page of the site: the layout, the search form, the 988 line and a way back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from directory import create_app
from directory.access import ACCESS, Access
from directory.schemas.geography import US_STATES
from tests.public_pages import load_directory

#: A database nobody answers on: the 500 page must render without one.
UNREACHABLE_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:9/nowhere"


def assert_site_page(response: TestResponse, status: int, heading: str) -> str:
    """Check ``response`` is ``status`` in the site's layout (main, search form, 988, a way home)."""
    assert response.status_code == status
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert '<main id="main"' in html
    assert 'role="search"' in html and 'action="/search"' in html
    assert 'href="tel:988"' in html
    assert 'href="/">Go to the home page</a>' in html
    assert f"<h1>{heading}</h1>" in html
    assert 'name="robots" content="noindex"' in html
    return html


@pytest.fixture
def directory_data(app: Flask, session) -> None:
    """The sample directory, loaded and indexed."""
    load_directory(app, session)


def test_an_unknown_address_is_a_page_of_the_site(client: FlaskClient) -> None:
    assert_site_page(client.get("/no-such-page"), 404, "We could not find that page")


def test_an_unknown_article_is_a_page_of_the_site(client: FlaskClient, directory_data: None) -> None:
    assert_site_page(client.get("/articles/no-such-article"), 404, "We could not find that page")


def test_an_unknown_therapy_is_a_page_of_the_site(client: FlaskClient, directory_data: None) -> None:
    assert_site_page(client.get("/therapies/no-such-therapy"), 404, "We could not find that page")


def test_a_state_without_centers_is_a_page_of_the_site(client: FlaskClient, directory_data: None) -> None:
    listed = client.get("/therapies/esketamine").get_data(as_text=True)
    empty = next(
        code.lower() for code in sorted(US_STATES) if f'/therapies/esketamine/{code.lower()}"' not in listed
    )
    assert_site_page(client.get(f"/therapies/esketamine/{empty}"), 404, "We could not find that page")


def test_a_wrong_method_is_a_page_of_the_site_and_says_what_is_allowed(client: FlaskClient) -> None:
    response = client.post("/promises")
    assert_site_page(response, 405, "This page cannot be used that way")
    assert set(response.allow) >= {"GET", "HEAD"}
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_way_back_to_the_previous_page_of_this_site_only(client: FlaskClient) -> None:
    back = client.post("/promises", headers={"Referer": "http://localhost/articles"})
    assert 'href="http://localhost/articles">Go back to the previous page</a>' in back.get_data(as_text=True)
    elsewhere = client.post("/promises", headers={"Referer": "http://example.com/"})
    assert "Go back to the previous page" not in elsewhere.get_data(as_text=True)


def test_a_bad_request_is_a_page_of_the_site(client: FlaskClient) -> None:
    html = assert_site_page(client.get("/search?q=a%00b"), 400, "Something you sent cannot be read")
    assert 'href="/search">Start again</a>' in html


def test_an_expired_form_is_a_page_of_the_site(client: FlaskClient) -> None:
    response = client.post("/list-your-center", data={"name": "x"})  # no CSRF token
    html = assert_site_page(response, 400, "Your form expired, please try again")
    assert "Go back to the form</a>" in html


def test_a_body_too_large_is_a_page_of_the_site(client: FlaskClient) -> None:
    response = client.post("/list-your-center", data={"name": "x" * (1024 * 1024 + 1)})
    assert_site_page(response, 413, "What you sent is too large")


def test_too_many_attempts_is_a_page_of_the_site(database_url: str, tmp_path: Path) -> None:
    app = create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "LIST_CENTER_RATE_LIMIT": "1 per minute",
            "SECRET_KEY": "tests",
            "DATABASE_URL": database_url,
            "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
        }
    )
    try:
        client = app.test_client()
        client.post("/list-your-center", data={"name": "x", "state": "ZZ"})
        response = client.post("/list-your-center", data={"name": "x", "state": "ZZ"})
        assert_site_page(response, 429, "Too many attempts")
        assert "Retry-After" in response.headers
    finally:
        app.extensions["database"].dispose()


@pytest.fixture
def failing_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """An app whose database cannot be reached, with a route that fails as a bug would."""
    app = create_app(
        {
            "TESTING": True,
            "PROPAGATE_EXCEPTIONS": False,
            "SECRET_KEY": "tests",
            "DATABASE_URL": UNREACHABLE_DATABASE,
            "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
        }
    )

    def broken() -> str:
        raise RuntimeError("a bug")

    app.add_url_rule("/broken", "broken", broken)
    monkeypatch.setitem(ACCESS, "broken", Access.PUBLIC)
    yield app
    app.extensions["database"].dispose()


def test_a_server_error_is_a_page_of_the_site_without_the_database(failing_app: Flask) -> None:
    response = failing_app.test_client().get("/broken")
    assert_site_page(response, 500, "Something went wrong")
    assert response.headers["Cache-Control"] == "private, no-store"


def test_an_unknown_address_needs_no_database_either(failing_app: Flask) -> None:
    assert_site_page(failing_app.test_client().get("/nothing/here"), 404, "We could not find that page")

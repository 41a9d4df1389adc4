"""Request safety: text no database can store, and bodies over the size limit, are refused for every route."""

from __future__ import annotations

import html
import http.client
import io
import json
import threading
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select

from directory.cli.serve import make_private_server
from directory.database import get_session
from directory.models import Center, Correction, ListingStatus
from tests.conftest import sample_site

UNREADABLE_TITLE = "Something you sent cannot be read"
FORM_CONTENT = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def site(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The sample directory with CSRF off and rate limits no test reaches."""
    with sample_site(database_url, engine, tmp_path_factory.mktemp("request-safety-index")) as app:
        app.config.update(
            WTF_CSRF_ENABLED=False,
            LIST_CENTER_RATE_LIMIT="1000 per minute",
            REPORT_RATE_LIMIT="1000 per minute",
        )
        yield app


@pytest.fixture
def web(site: Flask) -> FlaskClient:
    """A client of the sample site."""
    return site.test_client()


@pytest.fixture(scope="module")
def published_slug(site: Flask) -> str:
    """The slug of one published sample listing."""
    with site.app_context():
        return (
            get_session()
            .scalars(
                select(Center.slug)
                .where(Center.status == ListingStatus.PUBLISHED)
                .order_by(Center.slug)
                .limit(1)
            )
            .one()
        )


def rows(site: Flask, model: type) -> int:
    """Count the committed rows of ``model``."""
    with site.extensions["database"].sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


# -- text a database cannot store: NUL and lone surrogates -------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/centers/a%00b",
        "/articles/a%00b",
        "/therapies/a%00b",
        "/therapies/a%00b/ut",
        "/therapies/esketamine/u%00t",
        "/centers/a%00b/report",
        "/centers/a%00b/report/thanks",
        "/%00",
    ],
)
def test_nul_in_a_path_is_not_found_never_a_server_error(web, path):
    response = web.get(path)
    assert response.status_code == 404
    assert "\x00" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "escaped",
    ["%00", "a%00b", "%ED%A0%80", "%FF%FE", "caf%C3", "%C0%80"],
    ids=["nul", "nul inside", "encoded surrogate", "invalid utf-8", "cut utf-8", "overlong nul"],
)
def test_unreadable_text_in_any_route_argument_is_not_found(site, web, escaped):
    """Every route with a path argument, including routes added later, answers 404, never 500."""
    checked = 0
    for rule in site.url_map.iter_rules():
        if not rule.arguments or rule.endpoint == "static":
            continue
        with site.test_request_context():
            url = url_for(rule.endpoint, **{name: "PLACEHOLDER" for name in rule.arguments})
        url = url.replace("PLACEHOLDER", escaped)
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            assert web.open(url, method=method).status_code == 404, (method, url)
            checked += 1
    assert checked >= 6


def test_nul_in_any_query_string_or_form_is_refused_with_400(site, web):
    """Every route, including routes added later, refuses a NUL in a query parameter or form field."""
    checked = 0
    for rule in site.url_map.iter_rules():
        if rule.arguments or rule.endpoint == "static":
            continue
        if "GET" in (rule.methods or set()):
            assert web.get(f"{rule.rule}?q=a%00b").status_code == 400, rule.rule
            checked += 1
        if "POST" in (rule.methods or set()):
            response = web.post(rule.rule, data=b"name=a%00b", content_type=FORM_CONTENT)
            assert response.status_code == 400, rule.rule
            checked += 1
    assert checked >= 6


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("q=%00", "the parameter 'q'"),
        ("near=84101%00", "'near'"),
        ("therapy=tms%00", "'therapy'"),
        ("x%00=1", "a parameter name"),
    ],
)
def test_nul_in_a_search_gets_a_page_that_says_what_to_do(web, query, named):
    response = web.get(f"/search?{query}")
    body = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert UNREADABLE_TITLE in body
    assert named in body
    assert "retype" in body.lower()
    assert "\x00" not in body


@pytest.mark.parametrize(
    "body",
    [
        b"name=Clinic%00&city=Provo",
        b"state=U%00T",
        b"therapies=esketamine%00",
        b"na%00me=Clinic",
    ],
    ids=["value", "short value", "checkbox", "field name"],
)
def test_nul_in_the_listing_form_is_refused_and_nothing_is_stored(site, web, body):
    before = rows(site, Center)
    response = web.post("/list-your-center", data=body, content_type=FORM_CONTENT)
    assert response.status_code == 400
    assert UNREADABLE_TITLE in response.get_data(as_text=True)
    assert "Nothing was searched or saved" in response.get_data(as_text=True)
    assert rows(site, Center) == before


def test_nul_in_the_report_form_is_refused_and_nothing_is_stored(site, web, published_slug):
    for data in ({"kind": "contact", "details": "Wrong\x00phone."}, {"kind": "contact\x00", "details": "x"}):
        response = web.post(f"/centers/{published_slug}/report", data=data)
        assert response.status_code == 400
        assert UNREADABLE_TITLE in response.get_data(as_text=True)
    assert rows(site, Correction) == 0


@pytest.mark.parametrize(
    "document",
    ['{"name": "Clinic \\u0000"}', '{"name": "Clinic \\ud800"}', '{"items": [{"n\\u0000": 1}]}'],
    ids=["nul", "lone surrogate", "nested key"],
)
def test_unstorable_text_in_a_json_body_is_refused_in_json(web, document):
    response = web.post("/list-your-center", data=document, content_type="application/json")
    assert response.status_code == 400
    assert response.is_json
    assert response.json["code"] == 400
    assert "cannot be stored" in response.json["message"]


def test_storable_text_passes_untouched(web, published_slug):
    assert web.get(f"/centers/{published_slug}").status_code == 200
    assert web.get("/search?q=caf%C3%A9+%E2%82%AC").status_code == 200
    assert web.get("/centers/a%ED%A0%80b").status_code == 404  # invalid UTF-8 decodes as U+FFFD


# -- request bodies over MAX_CONTENT_LENGTH, however they are framed ---------------------------


def chunked_listing(size: int) -> bytes:
    """Return a listing form body of ``size`` bytes."""
    return b"city=Provo&name=" + b"x" * (size - len(b"city=Provo&name="))


def test_chunked_body_over_the_limit_gets_413(site, web):
    before = rows(site, Center)
    response = web.post(
        "/list-your-center",
        input_stream=io.BytesIO(chunked_listing(2_500_000)),
        content_type=FORM_CONTENT,
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413
    assert "Forms accept at most 1 MB of text" in response.get_data(as_text=True)
    assert len(response.data) < 20_000
    assert rows(site, Center) == before


def test_chunked_body_under_the_limit_is_read_whole(web):
    response = web.post(
        "/list-your-center",
        input_stream=io.BytesIO(b"city=Provo&name=" + b"x" * 300),
        content_type=FORM_CONTENT,
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 400  # read in full: the name is too long, the city kept
    assert "Use at most 200 characters." in response.get_data(as_text=True)
    assert 'value="Provo"' in response.get_data(as_text=True)


def test_declared_body_over_the_limit_gets_413_even_where_nothing_reads_it(web):
    response = web.post("/", data=b"x" * 1_100_000, content_type=FORM_CONTENT)
    assert response.status_code == 413


@pytest.fixture
def served(site: Flask) -> Iterator[int]:
    """The site behind ``flask serve``'s server on a loopback port; yields the port."""
    server = make_private_server("127.0.0.1", 0, site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def post_chunked(port: int, path: str, body: bytes, chunk: int = 64 * 1024) -> tuple[int, bytes]:
    """POST ``body`` with Transfer-Encoding: chunked over a real socket; return status and body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest("POST", path)
        connection.putheader("Content-Type", FORM_CONTENT)
        connection.putheader("Transfer-Encoding", "chunked")
        connection.endheaders()
        try:
            for start in range(0, len(body), chunk):
                piece = body[start : start + chunk]
                connection.send(b"%x\r\n%s\r\n" % (len(piece), piece))
            connection.send(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before reading the whole body
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_chunked_body_over_the_limit_gets_413_from_the_real_server(site, served):
    before = rows(site, Center)
    status, body = post_chunked(served, "/list-your-center", chunked_listing(2_500_000))
    assert status == 413
    assert b"Forms accept at most 1 MB of text" in body
    assert rows(site, Center) == before


def test_chunked_body_under_the_limit_is_served_by_the_real_server(served):
    status, body = post_chunked(served, "/list-your-center", b"city=Provo&name=" + b"x" * 300, chunk=100)
    assert status == 400
    assert b"Use at most 200 characters." in body


def test_json_error_names_no_submitted_text(web):
    response = web.post(
        "/list-your-center", data=json.dumps({"secret": "pii\x00"}), content_type="application/json"
    )
    assert "pii" not in response.get_data(as_text=True)
    assert quote("pii") not in response.get_data(as_text=True)

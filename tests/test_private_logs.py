"""Nothing a person submits or searches reaches a log, even when the database fails under them.

Each test makes the database really fail (a read-only connection, a row the database refuses, a
database that cannot be reached), sends a real request, and reads every log the app writes to: the
root logger at DEBUG, the WSGI error stream of the request, and standard error.
"""

from __future__ import annotations

import io
import logging
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, text

from directory import create_app
from directory.cli.serve import make_private_server
from tests.conftest import load_directory

LIST_URL = "/list-your-center"

#: Values no log may contain: each is sent in the form and found nowhere else.
SUBMITTED = {
    "name": "Zebulon Quartzwood Clinic",
    "description": "Private words about treatment-resistant depression, Xylophrase.",
    "email": "intake@zebulon-quartzwood.example",
    "address_1": "4417 Marigold Hollow Rd",
    "contact_name": "Ottoline Brackenridge",
    "contact_email": "ottoline.brackenridge@zebulon-quartzwood.example",
}
SEARCH_TERM = "ketamine"


def submission() -> dict[str, Any]:
    """Return a valid "list your center" form holding the private :data:`SUBMITTED` values."""
    return {
        **SUBMITTED,
        "website": "https://zebulon-quartzwood.example",
        "phone": "801.555.0177",
        "city": "Salt Lake City",
        "state": "UT",
        "postal_code": "84101",
        "therapies": ["ketamine-assisted-therapy"],
        "levels_of_care": ["outpatient"],
        "accepting_new_clients": "yes",
        "license_number": "UT-0177",
        "license_state": "UT",
        "therapy_proof": "https://zebulon-quartzwood.example/ketamine",
        "represents_center": "y",
        "homepage": "",
    }


def read_only_url(database_url: str) -> str:
    """Return a URL on the same database over connections that refuse every write."""
    if database_url.startswith("sqlite:///"):
        return f"sqlite:///file:{database_url.removeprefix('sqlite:///')}?mode=ro&uri=true"
    separator = "&" if "?" in database_url else "?"
    return database_url + separator + "options=" + urllib.parse.quote("-c default_transaction_read_only=on")


def app_on(database_url: str, index_dir: Path, **config: Any) -> Flask:
    """Return an app as production runs it (errors handled, not raised) on ``database_url``."""
    return create_app(
        {
            "TESTING": True,
            "PROPAGATE_EXCEPTIONS": False,
            "WTF_CSRF_ENABLED": False,
            "LIST_CENTER_RATE_LIMIT": "1000 per minute",
            "SECRET_KEY": "tests",
            "DATABASE_URL": database_url,
            "SEARCH_INDEX_DIR": str(index_dir),
            **config,
        }
    )


@contextmanager
def every_log(caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> Iterator[list[str]]:
    """Capture the root logger at DEBUG and standard error; yield a list that receives all of it."""
    captured: list[str] = []
    capfd.readouterr()
    with caplog.at_level(logging.DEBUG):
        yield captured
    captured.append(caplog.text)
    captured.append("\n".join(str(record.__dict__) for record in caplog.records))
    captured.append(capfd.readouterr().err)


def assert_private(logs: list[str], values: list[str]) -> None:
    """Fail naming the first value some log holds."""
    text_of_logs = "\n".join(logs)
    for value in values:
        assert value not in text_of_logs, f"{value!r} reached a log"


def post_submission(app: Flask) -> tuple[int, str, str]:
    """Send :func:`submission` through the test client; return status, page and the WSGI error stream."""
    errors = io.StringIO()
    response = app.test_client().post(LIST_URL, data=submission(), errors_stream=errors)
    return response.status_code, response.get_data(as_text=True), errors.getvalue()


@pytest.fixture
def read_only_app(vocabulary, database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """An app whose database connections are read-only: every submission fails when it writes."""
    app = app_on(read_only_url(database_url), tmp_path / "read-only-index")
    yield app
    app.extensions["database"].dispose()


@contextmanager
def refusing_new_centers(engine: Engine) -> Iterator[None]:
    """Make the database refuse every new center, with an error message that quotes the row."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            # PostgreSQL's own message says "Failing row contains (...)" with every value.
            connection.execute(
                text("ALTER TABLE centers ADD CONSTRAINT refuse_new_centers CHECK (false) NOT VALID")
            )
        else:  # SQLite's messages never quote values; its error still carries the statement's
            connection.execute(
                text(
                    "CREATE TRIGGER refuse_new_centers BEFORE INSERT ON centers "
                    "BEGIN SELECT RAISE(ABORT, 'new centers are refused'); END"
                )
            )
    try:
        yield
    finally:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(text("ALTER TABLE centers DROP CONSTRAINT refuse_new_centers"))
            else:
                connection.execute(text("DROP TRIGGER refuse_new_centers"))


def test_submission_to_a_read_only_database_logs_no_submitted_value(read_only_app, caplog, capfd):
    with every_log(caplog, capfd) as logs:
        status, page, errors = post_submission(read_only_app)
        logs.append(errors)
    assert status == 503
    assert "try again" in page and "Nothing was saved" in page
    assert "Traceback" not in page and "sqlalchemy" not in page.lower()
    assert_private(logs, list(SUBMITTED.values()))
    # The operator still learns what failed and where.
    failures = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert failures and "/list-your-center" in failures[0].getMessage()


def test_row_the_database_refuses_is_not_quoted_in_any_log(app, vocabulary, engine, caplog, capfd):
    app.config.update(PROPAGATE_EXCEPTIONS=False, WTF_CSRF_ENABLED=False)
    with refusing_new_centers(engine), every_log(caplog, capfd) as logs:
        status, page, errors = post_submission(app)
        logs.append(errors)
    assert status == 500
    assert "try again" in page and "Traceback" not in page
    assert_private(logs, list(SUBMITTED.values()))
    assert any(record.levelno >= logging.ERROR for record in caplog.records)


def test_served_app_whose_error_escapes_logs_no_submitted_value(app, vocabulary, engine, caplog, capfd):
    # Errors propagate out of the app, as under a debugger: the server's own log reports them.
    app.config.update(PROPAGATE_EXCEPTIONS=True, WTF_CSRF_ENABLED=False)
    server = make_private_server("127.0.0.1", 0, app, threaded=False)
    body = urllib.parse.urlencode(submission(), doseq=True)
    with refusing_new_centers(engine), every_log(caplog, capfd) as logs:
        thread = threading.Thread(target=server.handle_request)
        thread.start()
        connection = HTTPConnection("127.0.0.1", server.server_port, timeout=30)
        connection.request("POST", LIST_URL, body, {"Content-Type": "application/x-www-form-urlencoded"})
        status = connection.getresponse().status
        connection.close()
        thread.join(30)
    server.server_close()
    assert status == 500
    assert_private(logs, list(SUBMITTED.values()))
    assert any("unhandled" in record.getMessage() for record in caplog.records)


def test_search_with_the_database_unreachable_logs_no_search_term(app, session, tmp_path, caplog, capfd):
    load_directory(app, session)
    index_dir = tmp_path / "search-index"
    unreachable = app_on(f"sqlite:///{tmp_path / 'missing' / 'directory.sqlite3'}", index_dir)
    try:
        with every_log(caplog, capfd) as logs:
            errors = io.StringIO()
            response = unreachable.test_client().get(
                "/search", query_string={"q": SEARCH_TERM}, errors_stream=errors
            )
            logs.append(errors.getvalue())
    finally:
        unreachable.extensions["database"].dispose()
    assert response.status_code == 503
    assert "try again" in response.get_data(as_text=True)
    assert_private(logs, [SEARCH_TERM])

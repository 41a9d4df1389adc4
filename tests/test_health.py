import json
import logging
import socket

from directory import create_app
from directory.search import get_search_service


def test_healthz_reports_database_and_counts(client, create_center, session):
    create_center(status="published")
    create_center(status="draft")
    session.commit()
    get_search_service(client.application).rebuild()
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["database"] == "ok"
    assert body["index"] == "ok"
    assert body["status"] == "ok"
    assert body["published_centers"] == 1
    assert body["published_articles"] == 0
    assert body["schema_revision"] == body["schema_head"] is not None


def closed_loopback_port() -> int:
    """Return a loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def health_of(database_url: str, tmp_path) -> tuple[int, str]:
    """Answer /healthz from an app on ``database_url``: status code and body text."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "DATABASE_URL": database_url,
            "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
        }
    )
    try:
        response = app.test_client().get("/healthz")
        return response.status_code, response.get_data(as_text=True)
    finally:
        app.extensions["database"].dispose()


def test_unreachable_postgresql_is_named_in_words_and_the_address_goes_to_the_log(tmp_path, caplog):
    port = closed_loopback_port()
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/nowhere?connect_timeout=2"
    with caplog.at_level(logging.DEBUG):
        status, text = health_of(url, tmp_path)
    assert status == 503
    body = json.loads(text)
    assert body["status"] == "unavailable"
    assert body["database"] == "error"
    assert body["reason"] == "database unreachable"
    assert "127.0.0.1" not in text and str(port) not in text and "nowhere" not in text
    assert str(port) in caplog.text  # the details are for the operator


def test_unopenable_sqlite_file_is_named_in_words_and_its_path_stays_private(tmp_path, caplog):
    path = tmp_path / "no-such-folder" / "directory.sqlite3"
    with caplog.at_level(logging.DEBUG):
        status, text = health_of(f"sqlite:///{path}", tmp_path)
    assert status == 503
    body = json.loads(text)
    assert body == {"status": "unavailable", "database": "error", "reason": "database unreachable"}
    assert "no-such-folder" not in text
    assert "unable to open database file" in caplog.text


def test_database_never_migrated_says_the_schema_is_missing(tmp_path):
    status, text = health_of(f"sqlite:///{tmp_path / 'empty.sqlite3'}", tmp_path)
    assert status == 503
    body = json.loads(text)
    assert body["reason"] == "database schema missing; run 'flask db upgrade'"
    assert "no such table" not in text


def test_home_page_renders(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"988" in response.data

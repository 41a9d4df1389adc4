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


def test_healthz_answers_503_with_a_reason_when_the_database_is_down(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=2",
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["database"] == "error"
    assert body["reason"]


def test_home_page_renders(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"988" in response.data

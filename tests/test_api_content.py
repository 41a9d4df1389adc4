"""The API's reads: a center by id or slug (what its page shows), the articles and the taxonomy."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, select

from directory.database import get_session
from directory.models import Article, Center, ListingStatus, VerificationStatus
from tests.api_fixture import UNLIMITED
from tests.conftest import sample_site


@pytest.fixture(scope="module")
def site(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with sample_site(database_url, engine, tmp_path_factory.mktemp("api-content-index")) as app:
        app.config.update(UNLIMITED)
        yield app


@pytest.fixture
def api(site: Flask) -> FlaskClient:
    return site.test_client()


def first_center(site: Flask, *conditions) -> tuple[str, str]:
    with site.app_context():
        center = get_session().scalars(select(Center).where(*conditions).order_by(Center.slug)).first()
        assert center is not None
        return str(center.id), center.slug


def test_a_center_by_slug_and_by_id_is_the_same_document(site, api):
    center_id, slug = first_center(site, Center.status == ListingStatus.PUBLISHED)
    by_slug = api.get(f"/api/v1/centers/{slug}")
    by_id = api.get(f"/api/v1/centers/{center_id}")
    assert by_slug.status_code == by_id.status_code == 200
    assert by_slug.get_json() == by_id.get_json()
    assert by_slug.headers["Cache-Control"] == "public, max-age=60"
    assert by_slug.headers["Last-Modified"]


def test_a_verified_center_carries_its_verification_date_and_checks(site, api):
    _id, slug = first_center(
        site,
        Center.status == ListingStatus.PUBLISHED,
        Center.verification_status == VerificationStatus.VERIFIED,
    )
    body = api.get(f"/api/v1/centers/{slug}").get_json()
    assert body["verification"] == "verified"
    assert body["verification_on"] and body["verified_at"]
    assert body["verification_text"] == "Verified by our research team"
    assert any(fact["label"] == "Next check due" for fact in body["checked"])
    page = api.get(f"/centers/{slug}").get_data(as_text=True)
    assert body["name"] in page
    for group in body["term_groups"]:
        assert group["label"] in page


def test_an_advertiser_carries_the_mark(site, api):
    _id, slug = first_center(site, Center.status == ListingStatus.PUBLISHED, Center.is_advertiser.is_(True))
    assert api.get(f"/api/v1/centers/{slug}").get_json()["advertiser"] is True


def test_a_closed_center_is_shown_closed(site, api):
    _id, slug = first_center(site, Center.status == ListingStatus.CLOSED)
    body = api.get(f"/api/v1/centers/{slug}").get_json()
    assert (body["closed"], body["status"]) == (True, "closed")


def test_unpublished_centers_are_not_found(site, api):
    hidden = [ListingStatus.DRAFT, ListingStatus.PENDING, ListingStatus.SUSPENDED]
    with site.app_context():
        center = get_session().scalars(select(Center).where(Center.status.in_(hidden))).first()
    if center is None:
        pytest.skip("the sample directory has no unpublished center")
    for key in (center.slug, str(center.id)):
        assert api.get(f"/api/v1/centers/{key}").status_code == 404


def test_a_center_is_conditional(site, api):
    _id, slug = first_center(site, Center.status == ListingStatus.PUBLISHED)
    first = api.get(f"/api/v1/centers/{slug}")
    assert (
        api.get(f"/api/v1/centers/{slug}", headers={"If-None-Match": first.headers["ETag"]}).status_code
        == 304
    )
    since = {"If-Modified-Since": first.headers["Last-Modified"]}
    assert api.get(f"/api/v1/centers/{slug}", headers=since).status_code == 304


def test_articles_list_the_published_ones_newest_first(site, api):
    body = api.get("/api/v1/articles").get_json()
    with site.app_context():
        published = get_session().scalars(select(Article.slug).where(Article.published_on.is_not(None))).all()
    assert sorted(article["slug"] for article in body["articles"]) == sorted(published)
    assert body["total"] == len(published)
    dates = [article["updated_on"] or article["published_on"] for article in body["articles"]]
    assert dates == sorted(dates, reverse=True)


def test_an_article_links_its_find_centers_searches_to_the_api(api):
    slug = "esketamine-spravato-explained"
    body = api.get(f"/api/v1/articles/{slug}").get_json()
    assert body["slug"] == slug and body["body"]
    assert body["find_centers"], "the article names a therapy"
    for group in body["find_centers"]:
        assert group["search_url"] == f"/api/v1/search?{group['scheme']}={group['code']}"
        assert group["label"].startswith("Find centers")
        assert api.get(group["search_url"]).get_json()["total"] == group["total"]


def test_the_taxonomy_lists_every_scheme_with_its_search(api):
    body = api.get("/api/v1/taxonomy").get_json()
    schemes = {scheme["code"]: scheme for scheme in body["schemes"]}
    assert "therapy" in schemes
    term = schemes["therapy"]["terms"][0]
    assert term["search_url"] == f"/api/v1/search?therapy={term['code']}"
    assert api.get(term["search_url"]).status_code == 200


def test_the_docs_page_serves_only_swagger_ui_files_and_says_when_they_are_missing(site, api, tmp_path):
    assert api.get("/api/docs/assets/package.json").status_code == 404
    assert api.get("/api/docs/assets/../../setup.cfg").status_code == 404
    site.config["API_DOCS_ASSETS"] = str(tmp_path)  # an empty folder: not installed
    try:
        missing = api.get("/api/docs")
        assert missing.status_code == 503
        assert "make api-docs" in missing.get_json()["message"]
    finally:
        site.config["API_DOCS_ASSETS"] = None

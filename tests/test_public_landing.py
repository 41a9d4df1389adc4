"""Therapy landing pages, the promises page, the sitemap and robots.txt."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from flask import url_for
from sqlalchemy import select

from directory.models import Article, Center, ListingStatus, TaxonomyTerm
from directory.schemas.geography import US_STATES
from tests.public_pages import (
    PageReader,
    all_result_ids,
    card_ids,
    external_sources,
    load_directory,
    published_ids_with_term,
)

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def directory_data(app, session):
    """The sample directory, loaded and indexed."""
    load_directory(app, session)
    return session


def therapy_terms(session) -> list[TaxonomyTerm]:
    return session.scalars(
        select(TaxonomyTerm).where(TaxonomyTerm.scheme == "therapy").order_by(TaxonomyTerm.position)
    ).all()


def state_counts(session, code: str) -> Counter[str]:
    """Brute force: published listings of a therapy (or a therapy below it) per primary state."""
    ids = published_ids_with_term(session, "therapy", code)
    centers = session.scalars(select(Center)).all()
    return Counter(c.primary_location.state for c in centers if str(c.id) in ids and c.primary_location)


# -- landing pages ---------------------------------------------------------------------------------


def test_every_therapy_has_a_landing_page(client, directory_data):
    for term in therapy_terms(directory_data):
        response = client.get(f"/therapies/{term.code}")
        assert response.status_code == 200, term.code
        html = response.get_data(as_text=True)
        page = PageReader(html)
        assert [h.text.strip() for h in page.find("h1")] == [term.label]
        assert term.description in html
        expected = published_ids_with_term(directory_data, "therapy", term.code)
        assert f"{len(expected)} {'center' if len(expected) == 1 else 'centers'}" in html
        assert set(card_ids(html)) <= expected
        assert len(card_ids(html)) == min(20, len(expected))


def test_unknown_therapy_is_not_found(client, directory_data):
    assert client.get("/therapies/no-such-therapy").status_code == 404
    assert client.get("/therapies/anxiety").status_code == 404  # a condition, not a therapy
    assert client.get("/therapies/no-such-therapy/ut").status_code == 404


def test_therapy_in_a_state_with_listings(app, client, directory_data):
    counts = state_counts(directory_data, "esketamine")
    state, count = counts.most_common(1)[0]
    response = client.get(f"/therapies/esketamine/{state.lower()}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = PageReader(html)
    assert page.find("h1")[0].text.strip() == f"Esketamine (Spravato) nasal spray in {US_STATES[state]}"
    expected = published_ids_with_term(directory_data, "therapy", "esketamine", states=[state])
    assert len(expected) == count
    assert f"{count} {'center' if count == 1 else 'centers'} in {US_STATES[state]}" in html
    assert set(card_ids(html)) == expected if count <= 20 else set(card_ids(html)) <= expected
    with app.test_request_context():
        search_url = url_for("public.search", therapy="esketamine", state=state)
    see_all = [a.text.strip() for a in page.find("a", href=search_url) if a.text.startswith("See all")]
    noun = "result" if count == 1 else "results"
    assert see_all and see_all[0] == f"See all {count} {noun} and filter them"
    assert all_result_ids(client, search_url, count) == expected


def test_the_see_all_link_gives_the_same_results(app, client, directory_data):
    html = client.get("/therapies/ketamine-assisted-therapy").get_data(as_text=True)
    expected = published_ids_with_term(directory_data, "therapy", "ketamine-assisted-therapy")
    with app.test_request_context():
        search_url = url_for("public.search", therapy="ketamine-assisted-therapy")
    assert f'href="{search_url}"' in html
    assert f"See all {len(expected)} results and filter them" in html
    assert all_result_ids(client, search_url, len(expected)) == expected
    first_page = card_ids(client.get(search_url).get_data(as_text=True))
    assert card_ids(html) == first_page[:20]


def test_state_pages_need_listings(client, directory_data):
    counts = state_counts(directory_data, "esketamine")
    empty = next(code for code in sorted(US_STATES) if counts[code] == 0)
    assert client.get(f"/therapies/esketamine/{empty.lower()}").status_code == 404
    assert client.get("/therapies/esketamine/zz").status_code == 404
    assert client.get("/therapies/esketamine/utah").status_code == 404


def test_state_codes_in_capitals_redirect_to_the_lowercase_address(client, directory_data):
    state = state_counts(directory_data, "esketamine").most_common(1)[0][0]
    response = client.get(f"/therapies/esketamine/{state}")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/therapies/esketamine/{state.lower()}")


def test_landing_page_links_every_state_with_its_count(client, directory_data):
    counts = state_counts(directory_data, "psychedelic-assisted-therapy")
    html = client.get("/therapies/psychedelic-assisted-therapy").get_data(as_text=True)
    page = PageReader(html)
    links = {
        a.attrs["href"].rsplit("/", 1)[1]: a.text
        for a in page.find("a")
        if a.attrs.get("href", "").startswith("/therapies/psychedelic-assisted-therapy/")
    }
    assert set(links) == {code.lower() for code in counts}
    for code, count in counts.items():
        assert f"({count})" in links[code.lower()]


def test_landing_page_lists_related_articles(client, directory_data):
    html = client.get("/therapies/mdma-assisted-therapy").get_data(as_text=True)
    assert 'href="/articles/psilocybin-assisted-therapy"' in html  # shares its parent
    assert 'href="/articles/tms-for-depression"' not in html
    html = client.get("/therapies/tms").get_data(as_text=True)
    assert 'href="/articles/tms-for-depression"' in html
    assert 'href="/articles/treatment-resistant-depression-options"' in html


def test_landing_pages_show_the_988_box(client, directory_data):
    html = client.get("/therapies/esketamine").get_data(as_text=True)
    assert 'class="crisis-box"' in html and 'href="tel:988"' in html


# -- promises, robots, sitemap ---------------------------------------------------------------------


def test_promises_page_has_every_section(client, directory_data):
    response = client.get("/promises")
    assert response.status_code == 200
    page = PageReader(response.get_data(as_text=True))
    for anchor in ("free-listing", "verification", "advertisers", "ranking", "privacy"):
        assert page.by_id(anchor).tag == "section"
        assert page.find("a", href=f"#{anchor}")
    text = page.by_id("verification").text
    for checked in ("state licensing board", "Joint Commission", "CARF", "LegitScript", "phone", "yearly"):
        assert checked in text
    assert "Advertiser status is never used" in page.by_id("ranking").text
    assert page.find("aside", class_="crisis-box")


def test_robots_txt_points_to_the_sitemap(client, directory_data):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert "User-agent: *" in lines and "Disallow: /search?" in lines
    assert "Sitemap: http://localhost/sitemap.xml" in lines


def test_sitemap_lists_every_public_page(client, directory_data):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    locs = [loc.text for loc in root.findall("s:url/s:loc", SITEMAP_NS)]
    assert len(locs) == len(set(locs))
    assert all(loc.startswith("http://localhost/") for loc in locs)
    paths = {loc.removeprefix("http://localhost") for loc in locs}
    assert {"/", "/search", "/promises", "/articles"} <= paths
    for article in directory_data.scalars(select(Article)).all():
        assert f"/articles/{article.slug}" in paths
    centers = directory_data.scalars(select(Center)).all()
    listed = {c.slug for c in centers if any(p.endswith(f"/{c.slug}") for p in paths)}
    assert listed == {c.slug for c in centers if c.status is ListingStatus.PUBLISHED}
    for term in therapy_terms(directory_data):
        assert f"/therapies/{term.code}" in paths
        states = {p.rsplit("/", 1)[1] for p in paths if p.startswith(f"/therapies/{term.code}/")}
        assert states == {code.lower() for code in state_counts(directory_data, term.code)}, term.code


def test_sitemap_pages_all_exist(client, directory_data):
    root = ET.fromstring(client.get("/sitemap.xml").data)
    paths = [loc.text.removeprefix("http://localhost") for loc in root.findall("s:url/s:loc", SITEMAP_NS)]
    landing = [p for p in paths if p.startswith("/therapies/")]
    step = max(1, math.floor(len(landing) / 40))
    for path in landing[::step]:
        assert client.get(path).status_code == 200, path


def test_sitemap_leaves_out_unpublished_articles(client, directory_data):
    article = directory_data.scalar(select(Article).where(Article.slug == "tms-for-depression"))
    article.published_on = None
    directory_data.commit()
    assert b"/articles/tms-for-depression<" not in client.get("/sitemap.xml").data


def test_landing_and_meta_pages_load_nothing_from_other_hosts(client, directory_data):
    for path in ["/therapies/esketamine", "/promises"]:
        response = client.get(path)
        assert response.status_code == 200
        assert external_sources(response.get_data(as_text=True)) == []

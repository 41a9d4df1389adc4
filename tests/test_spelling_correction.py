"""Automatic spelling correction on the public search page, on the sample directory (module scope).

When the text as typed finds nothing and its correction finds centers, the page shows the
corrected results with "Showing results for X. Search instead for Y". The page's whole state
(form, count, facets, sort and page links) is then the corrected search: its links carry the
corrected ``q``, so page 2 is an ordinary search. "Search instead" carries ``as_typed=1`` and is
never corrected again: it shows the plain "did you mean". The staff console does not correct.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine

from directory.public.search_args import SearchArgs
from directory.public.search_presenter import corrected_search, public_query, results_page
from directory.search import CenterQuery, Viewer, get_search_service, search_centers
from tests.conftest import sample_site
from tests.public_pages import PageReader
from tests.staff_accounts import add_staff, database, signed_in_client

CORRECTION = re.compile(
    r'<p class="correction">Showing results for <strong>([^<]+)</strong>\. '
    r'Search instead for <a href="([^"]+)">([^<]+)</a></p>'
)
DID_YOU_MEAN = re.compile(r'<p class="suggestion">Did you mean <a href="([^"]+)">([^<]+)</a>\?</p>')


@pytest.fixture(scope="module")
def site(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app with the sample directory loaded and indexed."""
    with sample_site(database_url, engine, tmp_path_factory.mktemp("correction-index")) as app:
        yield app


@pytest.fixture
def web(site: Flask) -> FlaskClient:
    """A client of the sample site."""
    return site.test_client()


def get(web: FlaskClient, url: str) -> str:
    response = web.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def query_of(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(html.unescape(url)).query)


def search(site: Flask, text: str, **filters: tuple[str, ...]) -> tuple[int, str | None]:
    """Return the total and suggestion of a public search, straight from directory.search."""
    with site.test_request_context():
        response = search_centers(CenterQuery(text=text, filters=filters), Viewer.PUBLIC)
    return response.total, response.suggestion


def links(body: str) -> list[str]:
    return [html.unescape(e.attrs["href"] or "") for e in PageReader(body).find("a") if e.attrs.get("href")]


@pytest.mark.parametrize("typed", ["spravado", "ketamne"])
def test_a_misspelling_that_finds_nothing_shows_the_corrected_results(site, web, typed):
    total, suggestion = search(site, typed)
    assert total == 0 and suggestion
    corrected_total, _ = search(site, suggestion)
    assert corrected_total > 0
    body = get(web, f"/search?q={typed}")
    match = CORRECTION.search(body)
    assert match, body[:2000]
    assert match[1] == suggestion and match[3] == typed
    assert query_of(match[2]) == [("q", typed), ("as_typed", "1")]
    assert not DID_YOU_MEAN.search(body)
    reader = PageReader(body)
    assert {e.attrs.get("value") for e in reader.find("input", name="q")} == {suggestion}
    heading = next(e for e in reader.find("h2") if e.attrs.get("id") == "results-heading")
    assert heading.text.split()[:2] == [f"{corrected_total:,}", "centers"]
    facet_counts = re.findall(r'class="facet-count">\((\d+)', body)
    assert facet_counts and max(map(int, facet_counts)) == corrected_total  # counts of the corrected search


def test_the_corrected_page_links_all_carry_the_corrected_text(site, web):
    _total, suggestion = search(site, "ketamne")
    body = get(web, "/search?q=ketamne&per_page=1")
    assert CORRECTION.search(body)
    searches = [url for url in links(body) if urlsplit(url).path == "/search"]
    with_text = [url for url in searches if dict(query_of(url)).get("q")]
    assert with_text, "the page links to other searches"
    for url in with_text:
        params = dict(query_of(url))
        if "as_typed" not in params:
            assert params["q"] == suggestion, url
    pages = [url for url in searches if dict(query_of(url)).get("page") == "2"]
    assert pages, "a page-2 link"
    page_two = get(web, pages[0])
    assert not CORRECTION.search(page_two) and not DID_YOU_MEAN.search(page_two)
    sorts = [url for url in searches if dict(query_of(url)).get("sort") == "name"]
    assert sorts and all(dict(query_of(url))["q"] == suggestion for url in sorts)


def test_search_instead_runs_the_text_as_typed_and_only_suggests(site, web):
    body = get(web, "/search?q=spravado")
    typed_url = html.unescape(CORRECTION.search(body)[2])
    again = get(web, typed_url)
    assert not CORRECTION.search(again), "no loop: the text as typed is not corrected again"
    match = DID_YOU_MEAN.search(again)
    assert match and query_of(match[1]) == [("q", match[2])]
    assert "No centers match this search" in again


def test_the_correction_keeps_every_filter_and_invents_none(site, web):
    _total, suggestion = search(site, "ketamne")
    body = get(web, "/search?q=ketamne&state=CA&verified=1&sort=name")
    match = CORRECTION.search(body)
    assert match and match[1] == suggestion
    typed = query_of(match[2])
    assert typed == [
        ("q", "ketamne"),
        ("as_typed", "1"),
        ("state", "CA"),
        ("verified", "1"),
        ("sort", "name"),
    ]
    sorted_links = [url for url in links(body) if dict(query_of(url)).get("sort") == "relevance"]
    assert sorted_links
    for url in sorted_links:
        assert query_of(url) == [("q", suggestion), ("state", "CA"), ("verified", "1"), ("sort", "relevance")]
    reader = PageReader(body)
    hidden = {(e.attrs.get("name"), e.attrs.get("value")) for e in reader.find("input", type="hidden")}
    assert ("state", "CA") in hidden and ("verified", "1") in hidden
    assert not any(name in ("therapy", "condition", "city") for name, _ in hidden)
    chips = [e.text.strip() for e in reader.find("a") if "Search text:" in e.text]
    assert [" ".join(chip.split()[:-1]) for chip in chips] == [f"Remove Search text: {suggestion}"]


def test_no_correction_when_the_text_as_typed_finds_centers(site, web):
    assert search(site, "ketamine")[0] > 0
    body = get(web, "/search?q=ketamine")
    assert not CORRECTION.search(body)


def test_no_correction_when_the_correction_finds_nothing_either(site):
    """The presenter runs the corrected search and keeps the original when it finds nothing too."""
    with site.test_request_context():
        typed = SearchArgs(text="ketamne")
        response = search_centers(public_query(typed), Viewer.PUBLIC)
        assert response.total == 0 and response.suggestion
        in_wyoming = SearchArgs(text="ketamne", filters={"state": ("WY",)})
        args, shown, correction = corrected_search(in_wyoming, response)
        assert (args, shown, correction) == (in_wyoming, response, None)
        args, shown, correction = corrected_search(typed, response)
        assert correction is not None and args.text == response.suggestion and shown.total > 0


def test_the_text_as_typed_is_kept_when_it_finds_a_few(site):
    """A search finding a few results keeps them and offers only "did you mean".

    The engine suggests below three results, but an unknown word matches nothing, so the sample
    directory has no real case: the rule is checked on a real response given a small total.
    """
    with site.test_request_context():
        typed = SearchArgs(text="ketamne")
        response = search_centers(public_query(typed), Viewer.PUBLIC)
        a_few = dataclasses.replace(response, total=2)
        assert corrected_search(typed, a_few) == (typed, a_few, None)
        page = results_page(typed, a_few, get_search_service().index.vocabulary)
        assert page.correction is None and page.suggestion is not None
        assert page.suggestion.label == response.suggestion


def test_no_correction_without_a_suggestion(web):
    body = get(web, "/search?q=zzqxvplugh")
    assert not CORRECTION.search(body)
    assert "No centers match this search" in body


def test_the_as_typed_choice_is_checked(web):
    response = web.get("/search?q=ketamne&as_typed=yes")
    assert response.status_code == 400
    assert "can only be 1 (yes) or 0 (no)" in response.get_data(as_text=True)


def test_the_staff_console_does_not_correct(site):
    """Staff look for exact listings; a typo there shows nothing rather than other centers."""
    with database(site) as session:
        email = add_staff(session, "speller@staff.example").email
    response = signed_in_client(site, email).get("/staff/search?q=spravado")
    assert response.status_code == 200
    assert "Showing results for" not in response.get_data(as_text=True)

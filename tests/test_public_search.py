"""The public search page and home page: the whitelist of parameters, bad input, state in the URL, privacy.

Every test here runs on one app with the whole sample directory loaded and indexed (module scope).
"""

from __future__ import annotations

import html
import logging
import re
import socket
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, select

from directory.cli.serve import PrivateRequestHandler, access_line, access_log, make_private_server
from directory.database import get_session
from directory.models import Center, ListingStatus
from directory.public.context import miles_away
from directory.public.pages_search import page_window
from directory.public.search_args import SearchArgs, SearchArgsError, parse_search_args
from directory.search import CenterQuery, SearchError, Viewer, get_search_service, search_centers
from tests.conftest import sample_site

# -- fixtures and helpers ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app with the sample directory loaded and indexed."""
    with sample_site(database_url, engine, tmp_path_factory.mktemp("public-search-index")) as app:
        yield app


@pytest.fixture
def web(site: Flask) -> FlaskClient:
    """A client of the sample site."""
    return site.test_client()


@pytest.fixture(scope="module")
def advertisers(site: Flask) -> set[str]:
    """The slugs of the advertisers."""
    with site.app_context():
        return set(get_session().scalars(select(Center.slug).where(Center.is_advertiser)))


class Tags(HTMLParser):
    """Collect every start tag and its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


class Anchors(HTMLParser):
    """Collect every link with its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[dict[str, str | None], str]] = []
        self._open: list[tuple[dict[str, str | None], list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._open.append((dict(attrs), []))

    def handle_data(self, data: str) -> None:
        for _attrs, text in self._open:
            text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open:
            attrs, text = self._open.pop()
            self.links.append((attrs, " ".join("".join(text).split())))


def link_to(body: str, words: str) -> str:
    """Return the href of the first link whose text contains ``words``."""
    parser = Anchors()
    parser.feed(body)
    return next(attrs["href"] or "" for attrs, text in parser.links if words in text)


def tags(body: str, name: str | None = None) -> list[dict[str, str | None]]:
    parser = Tags()
    parser.feed(body)
    return [attrs for tag, attrs in parser.tags if name is None or tag == name]


def page_text(body: str) -> str:
    """Return the visible text of a page, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def params(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def cards(body: str) -> list[tuple[str, bool]]:
    """Return each card's center slug and whether it carries the advertiser mark."""
    found = []
    for chunk in re.findall(r'<article class="card[^"]*".*?</article>', body, re.S):
        slug = re.search(r'href="/centers/([^"]+)"', chunk)[1]  # type: ignore[index]
        found.append((slug, "badge-advertiser" in chunk and ">Advertiser" in chunk))
    return found


def result_count(body: str) -> int:
    """Return the count the results heading announces."""
    match = re.search(r'<h2 id="results-heading"[^>]*>([\d,]+) centers?', body)
    assert match, "no results heading"
    return int(match[1].replace(",", ""))


def links_with_class(body: str, css_class: str) -> list[str]:
    return [
        attrs["href"] or "" for attrs in tags(body, "a") if css_class in (attrs.get("class") or "").split()
    ]


def get(client: FlaskClient, url: str) -> tuple[int, str]:
    response = client.get(url)
    assert response.status_code != 500
    return response.status_code, response.get_data(as_text=True)


# -- the page ---------------------------------------------------------------------------------


def test_search_shows_count_cards_form_and_promises_link(web):
    status, body = get(web, "/search?q=ketamine&near=84101")
    assert status == 200
    text = page_text(body)
    assert "within 25 miles of 84101" in text
    assert result_count(body) == len(cards(body)) > 0
    assert "miles away" in text
    assert link_to(body, "What do Verified and Advertiser mean?") == "/promises"
    for control in ("search-q", "search-near", "search-radius"):
        assert any(label.get("for") == control for label in tags(body, "label"))
    radius_options = [o["value"] for o in tags(body, "option")]
    assert radius_options == ["5", "10", "25", "50", "100", "250"]
    assert re.search(r'<option value="25" selected>', body)
    assert '<meta name="robots" content="noindex">' in body


def test_every_vocabulary_scheme_is_a_filter_parameter(web, site):
    vocabulary = get_search_service(site).index.vocabulary
    for scheme, terms in vocabulary.schemes.items():
        status, body = get(web, f"/search?{scheme}={terms[0].code}")
        assert status == 200, (scheme, page_text(body)[:300])
        assert f"{vocabulary.scheme_labels[scheme]}: {terms[0].label}" in page_text(body)


BAD_INPUT = [
    ("radius=-5&near=84101", "between 0.5 and 500"),
    ("radius=abc&near=84101", "between 0.5 and 500"),
    ("radius=abc", "between 0.5 and 500"),
    ("radius=501&near=84101", "between 0.5 and 500"),
    ("radius=nan&near=84101", "between 0.5 and 500"),
    ("radius=1e2&near=84101", "between 0.5 and 500"),
    ("page=99999", "Results stop at page 1,000"),
    ("page=1001", "Results stop at page 1,000"),
    ("page=x", "page number must be a whole number"),
    ("page=0", "page number must be a whole number"),
    ("page=-1", "page number must be a whole number"),
    ("per_page=500", "results per page must be a whole number from 1 to 100"),
    ("per_page=0", "results per page must be a whole number from 1 to 100"),
    ("q=" + "a" * 5000, "the limit is 200"),
    ("near=" + "9" * 5000, "the limit is 100"),
    ("near=00000", "We could not find the ZIP code '00000'"),
    ("near=Atlantis%2C+ZZ", "Atlantis, ZZ"),
    ("therapy=unicorn", "There is no therapy type 'unicorn'"),
    ("therapy=tms&therapy=unicorn&therapy=griffin", "'unicorn', 'griffin'"),
    ("state=ZZ", "There is no state 'ZZ'"),
    ("city=Denver", "Give a city as 'City, ST'"),
    # NUL never gets this far: tests/test_request_safety.py refuses it for every route.
    ("q=%07", "contains hidden or invalid characters"),
    ("near=84101%07", "contains hidden or invalid characters"),
    ("therapy=tms%1B", "contains hidden or invalid characters"),
    ("q=%ED%A0%80", "holds bytes that are not text we can read"),
    ("near=%FF%FE", "holds bytes that are not text we can read"),
    ("q=caf%C3", "holds bytes that are not text we can read"),
    ("%FF=1", "parameter name we could not read"),
    ("foo=1", "does not understand the parameter(s) 'foo'"),
    ("q=tms&utm_source=mail", "does not understand the parameter(s) 'utm_source'"),
    ("sort=distance", "Sorting by distance needs a place"),
    ("sort=shuffle", "There is no sort order 'shuffle'"),
    ("verified=yes", "'Verified only' choice can only be 1 (yes) or 0 (no)"),
    ("q=a&q=b", "Give the search text only once"),
    ("page=1&page=2", "Give the page number only once"),
]


@pytest.mark.parametrize(("query", "message"), BAD_INPUT, ids=[q[:40] for q, _ in BAD_INPUT])
def test_bad_input_answers_400_naming_the_problem(web, query, message):
    status, body = get(web, f"/search?{query}")
    assert status == 400
    assert message in page_text(body)
    assert 'class="error-summary" role="alert"' in body
    assert '<form class="search-form"' in body  # the form is still there
    assert "\x00" not in body


def test_bad_input_keeps_what_was_typed(web):
    status, body = get(web, "/search?q=ketamine&near=84101&radius=abc&therapy=tms&verified=1")
    assert status == 400
    inputs = {(a.get("name"), a.get("value")) for a in tags(body, "input")}
    assert ("q", "ketamine") in inputs
    assert ("near", "84101") in inputs
    assert ("therapy", "tms") in inputs
    assert ("verified", "1") in inputs


@pytest.mark.parametrize(("name", "limit"), [("q", 200), ("near", 100)])
def test_a_64000_character_value_is_refused_without_being_echoed(web, name, limit):
    status, body = get(web, f"/search?{name}=" + "k" * 64_000)
    assert status == 400
    assert "64,000 characters long" in page_text(body)
    assert "k" * (limit + 1) not in body
    kept = next(a["value"] for a in tags(body, "input") if a.get("name") == name)
    assert kept == "k" * limit  # the box keeps a prefix the person can shorten
    assert f"first {limit} characters" in page_text(body)
    assert len(body) < 20_000


def test_search_centers_refuses_an_unknown_sort_naming_the_sorts(site):
    with site.app_context(), pytest.raises(SearchError) as error:
        search_centers(CenterQuery(text="ketamine", sort="shuffle"), Viewer.STAFF)
    assert str(error.value) == (
        "There is no sort order 'shuffle'. Choose from: relevance, distance, name, verified."
    )


def test_several_problems_are_named_together(web):
    status, body = get(web, "/search?radius=abc&page=x&therapy=unicorn")
    text = page_text(body)
    assert status == 400
    assert "distance 'abc'" in text
    assert "page number must be a whole number" in text
    assert "therapy type 'unicorn'" in text


@pytest.mark.parametrize("name", ["q", "near"])
@pytest.mark.parametrize(
    "value",
    ["%00", "%ED%A0%80", quote("x" * 5000), quote("<script>alert(1)</script>"), quote('"><img src=x>')],
    ids=["nul", "surrogate", "5000", "script", "attribute"],
)
def test_hostile_text_is_refused_or_escaped(web, name, value):
    status, body = get(web, f"/search?{name}={value}")
    assert status in (200, 400)
    assert "<script>alert" not in body
    assert "<img src=x>" not in body
    assert "\x00" not in body
    assert "\ud800" not in body
    if "script" in value:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_page_beyond_the_end_links_to_the_last_page(web):
    status, body = get(web, "/search?therapy=tms&per_page=10")
    total = result_count(body)
    last = -(-total // 10)
    assert 1 < last < 50
    status, body = get(web, "/search?therapy=tms&per_page=10&page=50")
    assert status == 200
    assert "There are no results on this page" in page_text(body)
    assert cards(body) == []
    link = link_to(body, "Go to the last page")
    assert sorted(params(link)) == sorted([("therapy", "tms"), ("per_page", "10"), ("page", str(last))])
    status, body = get(web, link)
    assert status == 200 and cards(body)


def test_unknown_parameter_is_an_error_not_ignored(web):
    status, body = get(web, "/search?q=ketamine&debug=1")
    assert status == 400
    assert "'debug'" in page_text(body)
    assert cards(body) == []


# -- state kept in the URL ----------------------------------------------------------------------


def test_chips_each_remove_one_value_and_keep_the_rest(web):
    query = [
        ("q", "depression"),
        ("near", "Denver, CO"),
        ("radius", "250"),
        ("therapy", "ketamine-assisted-therapy"),
        ("therapy", "tms"),
        ("payment", "self-pay"),
        ("verified", "1"),
        ("sort", "name"),
    ]
    status, body = get(web, "/search?" + urlencode(query))
    assert status == 200
    chips = links_with_class(body, "chip")
    assert len(chips) == len(query) - 2  # text, place, three values, verified (radius and sort are not chips)
    removed = []
    for chip in chips:
        kept = params(chip)
        gone = [pair for pair in query if pair not in kept]
        assert all(pair in query for pair in kept if pair[0] != "page")
        assert "page" not in dict(kept)
        removed.append(gone)
    assert [("therapy", "tms")] in removed
    assert [("verified", "1")] in removed
    assert [("q", "depression")] in removed
    assert sorted([("near", "Denver, CO"), ("radius", "250")]) in [sorted(g) for g in removed]
    clear = links_with_class(body, "chip-clear")[0]
    assert sorted(params(clear)) == sorted(
        [("q", "depression"), ("near", "Denver, CO"), ("radius", "250"), ("sort", "name")]
    )


def test_filter_form_carries_the_search_and_checks_the_selection(web):
    _status, body = get(
        web, "/search?q=depression&near=84101&radius=100&therapy=tms&state=UT&sort=name&per_page=10"
    )
    form = body[body.index('<aside class="facets"') : body.index("</aside>")]
    hidden = {(a["name"], a["value"]) for a in tags(form, "input") if a.get("type") == "hidden"}
    assert hidden == {
        ("q", "depression"),
        ("near", "84101"),
        ("radius", "100"),
        ("sort", "name"),
        ("per_page", "10"),
    }
    checked = {
        (a["name"], a["value"]) for a in tags(form, "input") if a.get("type") == "checkbox" and "checked" in a
    }
    assert checked == {("therapy", "tms"), ("state", "UT")}
    assert "Apply filters" in form
    for box in (a for a in tags(form, "input") if a.get("type") == "checkbox"):
        assert any(label.get("for") == box["id"] for label in tags(form, "label"))
    assert re.search(r"<legend[^>]*>Therapy type</legend>", form)
    assert re.search(r'<details class="facet-group" id="facet-therapy" open>', form)
    assert re.search(r"\(\d+<span class=\"visually-hidden\"> centers?</span>\)", form)


def test_text_form_keeps_the_filters(web):
    _status, body = get(web, "/search?q=depression&therapy=tms&accepting=1&sort=name")
    form = body[body.index('<form class="search-form"') :]
    form = form[: form.index("</form>")]
    hidden = {(a["name"], a["value"]) for a in tags(form, "input") if a.get("type") == "hidden"}
    assert hidden == {("therapy", "tms"), ("accepting", "1")}


def test_sort_links_keep_the_search_and_offer_distance_only_with_a_place(web):
    _status, body = get(web, "/search?q=depression&therapy=tms")
    nav = body[
        body.index('<nav class="sort-links"') : body.index("</nav>", body.index('<nav class="sort-links"'))
    ]
    sorts = [dict(params(a["href"])) for a in tags(nav, "a")]
    assert [s["sort"] for s in sorts] == ["relevance", "name", "verified"]
    assert all(s["q"] == "depression" and s["therapy"] == "tms" for s in sorts)
    assert 'aria-current="true"' in nav
    _status, body = get(web, "/search?near=84101&radius=250")
    nav = body[
        body.index('<nav class="sort-links"') : body.index("</nav>", body.index('<nav class="sort-links"'))
    ]
    assert "sort=distance" in nav
    assert re.search(r'sort=distance" aria-current="true"', nav)  # a place and no text: nearest first


def test_pagination_keeps_the_state_and_marks_the_current_page(web):
    base = [("q", "depression"), ("verified", "1"), ("per_page", "5")]
    status, body = get(web, "/search?" + urlencode(base))
    assert status == 200
    nav = body[body.index('<nav class="pagination-nav"') :]
    nav = nav[: nav.index("</nav>")]
    links = tags(nav, "a")
    current = [a for a in links if a.get("aria-current") == "page"]
    assert len(current) == 1 and dict(params(current[0]["href"])).get("page", "1") == "1"
    next_link = next(a["href"] for a in links if a.get("rel") == "next")
    assert sorted(params(next_link)) == sorted([*base, ("page", "2")])
    assert not any(a.get("rel") == "prev" for a in links)
    for link in links:
        kept = [pair for pair in params(link["href"]) if pair[0] != "page"]
        assert sorted(kept) == sorted(base)
    first_page = cards(body)
    status, body = get(web, next_link)
    second_page = cards(body)
    assert len(second_page) == 5 and not set(first_page) & set(second_page)
    prev_link = next(a["href"] for a in tags(body, "a") if a.get("rel") == "prev")
    assert sorted(params(prev_link)) == sorted(base)


def test_page_window():
    assert page_window(1, 1) == [1]
    assert page_window(1, 4) == [1, 2, 3, 4]
    assert page_window(1, 10) == [1, 2, 3, None, 10]
    assert page_window(6, 12) == [1, None, 4, 5, 6, 7, 8, None, 12]
    assert page_window(4, 12) == [1, 2, 3, 4, 5, 6, None, 12]
    assert page_window(50, 3) == [1, 2, 3]


# -- empty results --------------------------------------------------------------------------------


def test_empty_results_offer_a_wider_area_and_the_narrowest_filter(web):
    query = [
        ("near", "84101"),
        ("radius", "5"),
        ("therapy", "ect"),
        ("language", "spanish"),
        ("payment", "medicaid"),
    ]
    status, body = get(web, "/search?" + urlencode(query))
    assert status == 200
    assert "No centers match this search" in page_text(body)
    assert "No centers within 10 miles either." in page_text(body)  # counted, so not a dead link
    narrowest = link_to(body, "Remove the filter")
    removed = [pair for pair in query if pair not in params(narrowest)]
    assert len(removed) == 1
    counts = _facet_counts(body)
    assert counts[removed[0]] == min(counts[pair] for pair in query if pair in counts)


def _facet_counts(body: str) -> dict[tuple[str, str], int]:
    found = re.findall(
        r'name="([a-z_]+)" value="([^"]+)"[^>]*>\s*<label[^>]*>[^<]*<span class="facet-count">\((\d+)', body
    )
    return {(name, value): int(count) for name, value, count in found}


def offer_count(body: str, label: str) -> int:
    """Return the count announced beside a "Show only" offer."""
    match = re.search(rf"Show only: {re.escape(label)}</a>\s*<span[^>]*>\(([\d,]+) centers?\)", body)
    assert match, f"no offer for {label}"
    return int(match[1].replace(",", ""))


def test_text_naming_a_term_offers_that_filter_as_a_plain_link(web):
    status, body = get(web, "/search?q=psychedelic")
    assert status == 200
    href = link_to(body, "Show only: Psychedelic-assisted therapy")
    assert params(href) == [("q", "psychedelic"), ("therapy", "psychedelic-assisted-therapy")]
    announced = offer_count(body, "Psychedelic-assisted therapy")
    assert 0 < announced < result_count(body)
    status, narrowed = get(web, href)
    assert status == 200
    assert result_count(narrowed) == announced
    assert "Show only: Psychedelic-assisted therapy" not in page_text(narrowed)  # already applied
    assert re.search(r'<nav class="term-offers" aria-label="[^"]+">', body)


def test_show_only_replaces_the_selection_of_its_own_scheme_and_keeps_the_rest(web):
    status, body = get(web, "/search?q=psychedelic&therapy=tms&verified=1")
    assert status == 200
    href = link_to(body, "Show only: Ketamine-assisted therapy")
    assert params(href) == [("q", "psychedelic"), ("therapy", "ketamine-assisted-therapy"), ("verified", "1")]
    assert result_count(get(web, href)[1]) == offer_count(body, "Ketamine-assisted therapy")


def test_a_named_term_no_result_carries_is_said_plainly(web):
    status, body = get(web, "/search?q=psychedelic&state=TX")
    assert status == 200 and result_count(body) > 0
    text = page_text(body)
    assert "None of these centers lists Psychedelic-assisted therapy." in text
    assert "Show only: Psychedelic-assisted therapy" not in text
    # Every result here is a ketamine listing: that offer would change nothing, so it is not made.
    assert "Show only: Ketamine-assisted therapy" not in text
    assert "None of these centers lists" not in page_text(get(web, "/search?q=psychedelic")[1])


def test_no_show_only_offer_that_would_change_nothing(web):
    status, body = get(web, "/search?q=ketamine&therapy=ketamine-assisted-therapy")
    assert status == 200
    assert "Show only: Ketamine-assisted therapy" not in page_text(body)  # already the only value
    status, body = get(web, "/search?q=psilocybin")
    assert status == 200
    assert "Show only: Psilocybin-assisted therapy" not in page_text(body)  # every result carries it


def test_no_show_only_offer_when_no_word_names_a_term(web):
    status, body = get(web, "/search?q=wellness")
    assert status == 200
    assert "Show only:" not in page_text(body)


def test_empty_results_suggest_a_spelling(web):
    """Searched as typed (no automatic correction: test_spelling_correction.py), a spelling is offered."""
    status, body = get(web, "/search?q=ketamne+spravvato&as_typed=1")
    assert status == 200
    match = re.search(r'Did you mean <a href="([^"]+)">([^<]+)</a>', body)
    assert match and params(html.unescape(match[1])) == [("q", match[2])]


def test_wider_area_stops_at_the_largest_distance(web):
    status, body = get(web, "/search?q=zzqxv&near=84101&radius=500")
    assert status == 200
    assert "No centers match this search" in page_text(body)
    assert " within 500 miles" not in page_text(body).replace("within 500 miles of", "")
    status, body = get(web, "/search?q=tms&near=59601&radius=500")
    assert 0 < result_count(body) < 5
    assert 'class="wider-offer"' not in body


# -- distance: default order, wording, the wider-radius offer ----------------------------------------


def distances(body: str) -> list[str]:
    """Return each card's distance as it reads."""
    return re.findall(r'<span class="distance">([^<]*)</span>', body)


def current_sort(body: str) -> str:
    """Return the sort link marked current."""
    nav = body[body.index('<nav class="sort-links"') :]
    nav = nav[: nav.index("</nav>")]
    current = [a for a in tags(nav, "a") if a.get("aria-current") == "true"]
    assert len(current) == 1
    return dict(params(current[0]["href"] or ""))["sort"]


def test_a_place_sorts_by_distance_by_default_even_with_text(web):
    for url in ("/search?near=10001&radius=250", "/search?q=depression&near=10001&radius=250"):
        _status, body = get(web, url)
        miles = [float(text.split()[0]) for text in distances(body) if text[0].isdigit()]
        assert len(miles) == len(cards(body)) > 5
        assert miles == sorted(miles)
        assert current_sort(body) == "distance"
    relevance = link_to(body, "Relevance")
    assert sorted(params(relevance)) == sorted(
        [("q", "depression"), ("near", "10001"), ("radius", "250"), ("sort", "relevance")]
    )


def test_an_explicit_sort_in_the_url_wins(web, site):
    _status, body = get(web, "/search?q=depression&near=10001&radius=250&sort=relevance")
    assert current_sort(body) == "relevance"
    with site.test_request_context():
        expected = search_centers(
            CenterQuery(text="depression", near="10001", radius_miles=250, sort="relevance", per_page=20),
            Viewer.PUBLIC,
        )
        nearest = search_centers(
            CenterQuery(text="depression", near="10001", radius_miles=250, sort="distance", per_page=20),
            Viewer.PUBLIC,
        )
    slugs = [slug for slug, _advertiser in cards(body)]
    assert slugs == [hit["slug"] for hit in expected.hits]
    assert slugs != [hit["slug"] for hit in nearest.hits]  # the two orders differ on this search
    _status, body = get(web, "/search?near=10001&radius=250&sort=name")
    assert current_sort(body) == "name"


@pytest.mark.parametrize(
    ("miles", "reads"),
    [
        (0.0, "less than 0.1 mile"),
        (0.04, "less than 0.1 mile"),
        (0.05, "0.1 miles"),
        (0.96, "1 mile"),
        (1.0, "1 mile"),
        (1.04, "1 mile"),
        (2.5, "2.5 miles"),
        (10.0, "10 miles"),
        (1234.5, "1,234.5 miles"),
    ],
)
def test_distance_wording(miles, reads):
    assert miles_away(miles) == reads


def test_cards_say_1_mile_not_1_0_miles(web):
    _status, body = get(web, "/search?near=10001&radius=5")
    shown = distances(body)
    assert "1 mile away" in shown and "2.1 miles away" in shown
    assert not [text for text in shown if re.match(r"1 miles|[\d,]+\.0 ", text)]


def test_fewer_than_five_results_offer_the_next_distance_with_its_count(web):
    query = [("q", "depression"), ("near", "59601"), ("radius", "250"), ("verified", "0"), ("sort", "name")]
    _status, body = get(web, "/search?" + urlencode(query))
    assert 0 < result_count(body) < 5
    offer = re.search(r'<p class="wider-offer">(.*?)</p>', body, re.S)
    assert offer
    wider = link_to(offer[1], "within 500 miles")
    kept = [("q", "depression"), ("near", "59601"), ("radius", "500"), ("sort", "name")]
    assert sorted(params(wider)) == sorted(kept)
    count = int(re.search(r"(\d+) centers within 500 miles", page_text(offer[1]))[1])  # type: ignore[index]
    _status, wider_body = get(web, wider)
    assert result_count(wider_body) == count > 5
    assert 'class="wider-offer"' not in wider_body  # 500 miles is the largest distance


def test_the_offer_says_when_the_next_distance_finds_no_more(web):
    _status, body = get(web, "/search?q=depression&near=59601&radius=100")
    total = result_count(body)
    assert 0 < total < 5
    _status, next_body = get(web, "/search?q=depression&near=59601&radius=250")
    assert result_count(next_body) == total
    assert f"{total} centers are within 100 miles. No more centers within 250 miles." in page_text(body)


def test_five_or_more_results_offer_no_wider_distance(web):
    _status, body = get(web, "/search?near=10001&radius=5")
    assert result_count(body) >= 5
    assert 'class="wider-offer"' not in body
    _status, body = get(web, "/search?near=10001")
    assert result_count(body) >= 5 and 'class="wider-offer"' not in body
    _status, body = get(web, "/search?q=depression")  # no place, no offer
    assert 'class="wider-offer"' not in body and "within" not in page_text(body).split("Apply filters")[1]


# -- advertisers, external hosts, headers, privacy -------------------------------------------------


def test_advertiser_mark_on_every_advertiser_card(web, advertisers):
    seen: set[str] = set()
    for page in range(1, 6):
        _status, body = get(web, f"/search?per_page=100&page={page}")
        for slug, marked in cards(body):
            assert marked == (slug in advertisers), slug
            seen.add(slug)
    assert advertisers & seen == {slug for slug in advertisers if slug in seen}
    assert len(advertisers & seen) >= 10
    _status, body = get(web, "/search?q=ketamine&verified=1&per_page=100")
    assert any(marked for _slug, marked in cards(body))
    assert all(marked == (slug in advertisers) for slug, marked in cards(body))


PAGES = [
    "/",
    "/search",
    "/search?q=ketamine&near=84101&therapy=ketamine-assisted-therapy",
    "/search?radius=abc",
    "/search?q=zzqxv&near=84101",
    "/centers/does-not-exist",
]


def assert_same_origin(body: str) -> None:
    """No resource, frame or form from another host; links out carry rel=noreferrer."""
    for tag, attribute in (
        ("script", "src"),
        ("link", "href"),
        ("img", "src"),
        ("iframe", "src"),
        ("source", "src"),
        ("form", "action"),
    ):
        for attrs in tags(body, tag):
            value = attrs.get(attribute)
            if value:
                parts = urlsplit(value)
                assert not parts.netloc and parts.scheme in ("", "data"), (tag, value)
    for attrs in tags(body, "a"):
        parts = urlsplit(attrs.get("href") or "")
        if parts.netloc and parts.netloc != "localhost":
            assert "noreferrer" in (attrs.get("rel") or "").split(), attrs


@pytest.mark.parametrize("url", PAGES)
def test_no_page_loads_anything_from_another_host(web, url):
    response = web.get(url)
    assert response.status_code in (200, 400, 404)
    assert_same_origin(response.get_data(as_text=True))
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_nothing_logs_the_query_string(web, caplog):
    with caplog.at_level(logging.DEBUG):
        web.get("/search?q=secretsearchword&near=84101")
        web.get("/search?q=secretsearchword&radius=abc")
    assert "secretsearchword" not in caplog.text


# -- the home page ---------------------------------------------------------------------------------


def test_home_page(web, site):
    status, body = get(web, "/")
    assert status == 200
    text = page_text(body)
    assert '<form class="search-form" method="get" action="/search"' in body
    assert {a.get("name") for a in tags(body, "input")} >= {"q", "near"}
    assert any(s.get("name") == "radius" for s in tags(body, "select"))
    vocabulary = get_search_service(site).index.vocabulary
    landing = [a["href"] for a in tags(body, "a") if (a["href"] or "").startswith("/therapies/")]
    codes = [
        "ketamine-assisted-therapy",
        "esketamine",
        "psychedelic-assisted-therapy",
        "depression-rehab",
        "tms",
    ]
    # The main therapies first; every other therapy with listings follows (tests/test_home_page.py).
    assert landing[: len(codes)] == [f"/therapies/{code}" for code in codes]
    assert "/therapies/ect" in landing
    for code in codes:
        assert vocabulary.term("therapy", code).label in text  # type: ignore[union-attr]
    articles = [a["href"] for a in tags(body, "a") if (a["href"] or "").startswith("/articles/")]
    assert 3 <= len(articles) <= 5
    assert "Updated" in text
    box = re.search(r'class="crisis-box".*?</aside>', body, re.S)
    assert box and 'href="tel:988"' in box[0]
    for anchor in ("free-listing", "verification", "advertisers", "ranking", "privacy"):
        assert f'href="/promises#{anchor}"' in body
    assert cards(body) == []  # the home page shows no listings, so no advertiser can go unmarked there


def test_home_page_articles_are_the_latest(web, site):
    from directory.models import Article

    with site.app_context():
        rows = get_session().execute(
            select(Article.slug, Article.updated_on, Article.published_on).where(
                Article.published_on.is_not(None)
            )
        )
        newest = sorted(rows, key=lambda row: row.updated_on or row.published_on, reverse=True)
    _status, body = get(web, "/")
    shown = [
        a["href"].rsplit("/", 1)[1] for a in tags(body, "a") if (a["href"] or "").startswith("/articles/")
    ]
    assert shown == [row.slug for row in newest[: len(shown)]]


# -- parsing without a request ---------------------------------------------------------------------


def test_parse_gives_a_center_query(site):
    from werkzeug.datastructures import MultiDict

    vocabulary = get_search_service(site).index.vocabulary
    args = parse_search_args(
        MultiDict([("q", " tms "), ("near", "84101"), ("radius", "50"), ("therapy", "tms"), ("state", "ut")]),
        vocabulary,
    )
    query = args.to_query()
    assert (query.text, query.near, query.radius_miles) == ("tms", "84101", 50.0)
    assert query.filters == {"therapy": ("tms",), "state": ("UT",)}
    assert args.replace(page=3).without("therapy", "tms").page == 1
    no_place = parse_search_args(MultiDict([("near", ""), ("radius", "25")]), vocabulary)
    assert no_place.to_query().radius_miles is None  # the form always sends a distance
    with pytest.raises(SearchArgsError) as caught:
        parse_search_args(MultiDict([("q", "ok")]), vocabulary, b"q=%ED%A0%80")
    assert caught.value.form == SearchArgs()


# -- flask serve: the private access log --------------------------------------------------------------


def test_access_line_has_no_query_string_and_no_address():
    assert (
        access_line("GET", "/search?q=ketamine+near+me&near=84101", 200, 12.345) == "GET /search 200 12.3ms"
    )
    assert access_line("GET", "http://example.org/search?q=x", 404, 1.0) == "GET /search 404 1.0ms"
    assert access_line(None, None, 400, None) == "- - 400 -"
    assert access_line("GET", "/a\x1b[31m\nb", 200, 0.0) == "GET /a\\x1b[31m\\x0ab 200 0.0ms"


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def access_records() -> Iterator[_Records]:
    records = _Records()
    access_log.addHandler(records)
    level = access_log.level
    access_log.setLevel(logging.DEBUG)
    yield records
    access_log.removeHandler(records)
    access_log.setLevel(level)


def test_handler_logs_method_path_status_and_duration_only(access_records):
    handler = PrivateRequestHandler.__new__(PrivateRequestHandler)
    handler.client_address = ("203.0.113.9", 54321)
    handler.command, handler.path, handler.request_version = "GET", "/search?q=secret&near=84101", "HTTP/1.1"
    handler.requestline = "GET /search?q=secret&near=84101 HTTP/1.1"
    handler._started = 0.0
    handler.log_request(200, 1234)
    handler.log_error("code %d, message %s", 400, "Bad request syntax ('GET /search?q=secret')")
    handler.log_message('"%s" %s %s', handler.requestline, 200, 1234)
    handler.log("info", "%s", handler.requestline)
    handler.write_access_line()
    assert access_records.lines[0] == "request error 400"
    assert re.fullmatch(r"GET /search 200 \d+\.\dms", access_records.lines[1])
    assert len(access_records.lines) == 2
    assert handler.address_string() == "-"


def test_serve_logs_no_address_and_no_query_on_a_real_socket(site, access_records):
    server = make_private_server("127.0.0.1", 0, site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for request in (
            b"GET /search?q=secretword&near=84101 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            b"GET /centers/none?q=secretword HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            b"BROKEN /search?q=secretword\r\n\r\n",
        ):
            with socket.create_connection(("127.0.0.1", server.server_port), timeout=10) as connection:
                connection.sendall(request)
                while connection.recv(65536):
                    pass
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
    joined = "\n".join(access_records.lines)
    assert "secretword" not in joined and "127.0.0.1" not in joined and "?" not in joined
    assert any(re.fullmatch(r"GET /search 200 \d+\.\dms", line) for line in access_records.lines)
    assert any(re.fullmatch(r"GET /centers/none 404 \d+\.\dms", line) for line in access_records.lines)


def test_serve_command_is_registered(site):
    result = site.test_cli_runner().invoke(args=["serve", "--help"])
    assert result.exit_code == 0
    assert "no client addresses and no query strings" in result.output


def test_make_run_uses_the_private_server():
    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text(encoding="utf-8")
    run_target = makefile.split("\nrun: ", 1)[1].split("\n\n", 1)[0]
    assert "$(FLASK) serve --host $(HOST) --port $(PORT)" in run_target
    assert "$(FLASK) run " not in run_target


def test_listing_statuses_in_search_are_public_only(web, site):
    with site.app_context():
        hidden = set(
            get_session().scalars(select(Center.slug).where(Center.status != ListingStatus.PUBLISHED))
        )
    for page in range(1, 6):
        _status, body = get(web, f"/search?per_page=100&page={page}")
        assert not {slug for slug, _ in cards(body)} & hidden


def test_closed_centers_only_when_asked(web, site):
    with site.app_context():
        closed = set(get_session().scalars(select(Center.slug).where(Center.status == ListingStatus.CLOSED)))
    status, body = get(web, "/search?closed=1&per_page=100&sort=name&q=clinic")
    assert status == 200
    shown = [slug for slug, _ in cards(body)]
    assert set(shown) & closed
    for chunk in re.findall(r'<article class="card[^"]*".*?</article>', body, re.S):
        slug = re.search(r'href="/centers/([^"]+)"', chunk)[1]  # type: ignore[index]
        assert ("badge-closed" in chunk) == (slug in closed)
    _status, body = get(web, "/search?per_page=100&sort=name&q=clinic")
    assert not {slug for slug, _ in cards(body)} & closed

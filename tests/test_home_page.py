"""The home page: one sentence says what the directory is, who checks it and that listing is free;
every therapy landing page with public listings is linked (ECT included)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from directory.database import get_session
from directory.models import TaxonomyTerm
from directory.public.pages_home import QUICK_THERAPIES, quick_links
from directory.search import CenterQuery, Viewer, count_facets, search_centers
from search_index import Vocabulary
from tests.conftest import sample_site
from tests.public_pages import PageReader, published_ids_with_term


@pytest.fixture(scope="module")
def site(database_url: str, engine: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The sample directory, indexed once for the module."""
    with sample_site(database_url, engine, tmp_path_factory.mktemp("home-index")) as app:
        yield app


@pytest.fixture(scope="module")
def home(site: Flask) -> PageReader:
    """The home page, read."""
    response = site.test_client().get("/")
    assert response.status_code == 200
    return PageReader(response.get_data(as_text=True))


def landing_links(page: PageReader) -> list[str]:
    """Return the therapy codes the page links to, in order."""
    return [
        match.group(1)
        for a in page.find("a")
        if (match := re.fullmatch(r"/therapies/([a-z0-9-]+)", a.attrs.get("href") or ""))
    ]


def test_home_links_every_therapy_with_listings(site, home):
    with site.app_context():
        session = get_session()
        codes = session.scalars(select(TaxonomyTerm.code).where(TaxonomyTerm.scheme == "therapy")).all()
        listed = {code for code in codes if published_ids_with_term(session, "therapy", code)}
    assert "ect" in listed
    linked = landing_links(home)
    assert set(linked) == listed
    assert len(linked) == len(set(linked))
    assert linked[: len(QUICK_THERAPIES)] == [code for code in QUICK_THERAPIES if code in listed]


def test_every_home_link_to_a_landing_page_works(site, home):
    client = site.test_client()
    for code in landing_links(home):
        assert client.get(f"/therapies/{code}").status_code == 200, code


def test_home_says_what_the_directory_is_in_one_sentence(home):
    summaries = [p for p in home.find("p") if "site-summary" in (p.attrs.get("class") or "").split()]
    assert len(summaries) == 1
    sentence = " ".join(summaries[0].text.split())
    assert sentence.count(".") == 1 and sentence.endswith(".")
    assert "independent directory" in sentence
    assert "depression treatment centers" in sentence
    assert "checked by our own research team" in sentence
    assert "listing a center is always free" in sentence


def test_quick_links_leave_out_therapies_without_listings():
    vocabulary = Vocabulary.from_json(
        {
            "schemes": [
                {
                    "code": "therapy",
                    "label": "Therapy type",
                    "terms": [
                        {"code": "cbt", "label": "CBT"},
                        {"code": "ect", "label": "Electroconvulsive therapy (ECT)"},
                        {"code": "esketamine", "label": "Esketamine"},
                    ],
                }
            ]
        }
    )
    links = quick_links(vocabulary, {"cbt": 0, "ect": 3, "esketamine": 5})
    assert [link.code for link in links] == ["esketamine", "ect"]


@pytest.mark.parametrize("filters", [{}, {"state": ("CA",)}, {"therapy": ("esketamine",)}])
def test_facet_counts_alone_equal_those_of_the_full_search(site, filters):
    with site.test_request_context():
        query = CenterQuery(filters=filters)
        assert count_facets(query, Viewer.PUBLIC) == search_centers(query, Viewer.PUBLIC).facets

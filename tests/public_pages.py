"""Helpers for the public page tests: the sample directory loaded and indexed, and an HTML reader."""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser
from urllib.parse import urlsplit

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from directory.models import Center, ListingStatus, TaxonomyTerm, center_terms
from tests.conftest import load_directory

CARD_ID = re.compile(r'id="card-([0-9a-f-]{36})"')


class Element:
    """One start tag: its name, its attributes, and the text inside it (for some tags)."""

    def __init__(self, tag: str, attrs: dict[str, str | None]) -> None:
        self.tag = tag
        self.attrs = attrs
        self.text = ""


class PageReader(HTMLParser):
    """Collect every element with its attributes, and the text of scripts and other elements."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.elements.append(element)
        if tag not in {"br", "hr", "img", "input", "link", "meta", "source", "wbr"}:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data

    def find(self, tag: str, **attrs: str) -> list[Element]:
        """Return the elements with this tag whose attributes include these values."""
        return [
            e
            for e in self.elements
            if e.tag == tag and all(e.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def by_id(self, element_id: str) -> Element:
        """Return the element with this id."""
        found = [e for e in self.elements if e.attrs.get("id") == element_id]
        assert len(found) == 1, f"expected one element with id {element_id!r}, found {len(found)}"
        return found[0]


def external_sources(html: str, host: str = "localhost") -> list[str]:
    """Return every src and stylesheet address that points to another host."""
    page = PageReader(html)
    addresses = [e.attrs.get("src") for e in page.elements if e.attrs.get("src")]
    addresses += [
        e.attrs.get("href")
        for e in page.find("link")
        if "stylesheet" in (e.attrs.get("rel") or "").split() or e.attrs.get("rel") == "preload"
    ]
    return [a for a in addresses if a and urlsplit(a).netloc not in ("", host)]


def card_ids(html: str) -> list[str]:
    """Return the center ids of the listing cards on a page, in order."""
    return CARD_ID.findall(html)


def all_result_ids(client: FlaskClient, url: str, expected: int) -> set[str]:
    """Follow a search link through every page of results; return every listing id it shows."""
    found: set[str] = set()
    separator = "&" if "?" in url else "?"
    for page in range(1, expected + 2):
        response = client.get(url if page == 1 else f"{url}{separator}page={page}")
        if response.status_code != 200:
            break
        ids = set(card_ids(response.get_data(as_text=True)))
        if not ids - found:
            break
        found |= ids
    return found


def term_codes_with_descendants(session: Session, scheme: str, code: str) -> set[str]:
    """Return the code and every code below it in the scheme, walking the database's parent links."""
    codes = {code}
    while True:
        parent = aliased(TaxonomyTerm)
        children = set(
            session.scalars(
                select(TaxonomyTerm.code)
                .join(parent, TaxonomyTerm.parent_id == parent.id)
                .where(TaxonomyTerm.scheme == scheme, parent.code.in_(codes))
            )
        )
        if children <= codes:
            return codes
        codes |= children


def published_ids_with_term(session: Session, scheme: str, code: str, states: Iterable[str] = ()) -> set[str]:
    """Brute force: ids of published centers with the term or a term below it (in these states)."""
    codes = term_codes_with_descendants(session, scheme, code)
    query = (
        select(Center)
        .join(center_terms, center_terms.c.center_id == Center.id)
        .join(TaxonomyTerm, TaxonomyTerm.id == center_terms.c.term_id)
        .where(
            Center.status == ListingStatus.PUBLISHED,
            TaxonomyTerm.scheme == scheme,
            TaxonomyTerm.code.in_(codes),
        )
    )
    wanted = set(states)
    centers = session.scalars(query).unique().all()
    return {
        str(center.id)
        for center in centers
        if not wanted or (center.primary_location and center.primary_location.state in wanted)
    }


__all__ = [
    "PageReader",
    "all_result_ids",
    "card_ids",
    "external_sources",
    "load_directory",
    "published_ids_with_term",
    "term_codes_with_descendants",
]

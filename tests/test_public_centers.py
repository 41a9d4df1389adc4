"""A center's public page: everything known, closed and hidden listings, JSON-LD, nearby and related.

One app for the module: the sample directory plus a few hand-made listings, indexed once.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, selectinload

from directory.database import get_session
from directory.models import Article, Center, ListingStatus, Location, Phone, PhoneType, VerificationStatus
from directory.operations.taxonomy import TermIndex
from directory.schemas.geography import US_STATES
from directory.search import get_search_service
from search_index.geo import distances_miles
from tests.conftest import sample_site

BREAKER_NAME = 'Breaker </script><script>alert("x")</script> Clinic'
BREAKER_DESCRIPTION = "Ends early </SCRIPT> or <!-- hides the rest & keeps \u2028 going."


def _add_center(
    session: Session, terms: TermIndex, slug: str, *, where: dict[str, Any], **fields: Any
) -> Center:
    codes = fields.pop("terms", {"therapy": ["tms"]})
    center = Center(slug=slug, name=fields.pop("name", slug.replace("-", " ").title()), **fields)
    center.locations = [Location(position=0, **where)]
    center.terms = terms.resolve(codes)
    session.add(center)
    return center


NOME = {
    "address_1": "1 Front St",
    "city": "Nome",
    "state": "AK",
    "postal_code": "99762",
    "latitude": 64.5,
    "longitude": -165.4,
}


def _add_test_listings(session: Session) -> None:
    """Listings the sample lacks: markup in names and addresses, an advertiser, a javascript: website."""
    terms = TermIndex.load(session)
    breaker = _add_center(
        session,
        terms,
        "breaker-clinic",
        name=BREAKER_NAME,
        description=BREAKER_DESCRIPTION,
        status=ListingStatus.PUBLISHED,
        website="https://breaker.example/welcome",
        where={**NOME, "address_1": "2 Front St </script>"},
    )
    breaker.phones = [
        Phone(
            position=0,
            number="(907) 555-0142",
            extension="12",
            type=PhoneType.VOICE,
            description="Intake",
        )
    ]
    _add_center(
        session,
        terms,
        "nome-advertiser",
        status=ListingStatus.PUBLISHED,
        verification_status=VerificationStatus.VERIFIED,
        verified_at=datetime(2026, 3, 1, tzinfo=UTC),
        is_advertiser=True,
        where=NOME,
    )
    _add_center(
        session,
        terms,
        "nowhere-clinic",
        status=ListingStatus.PUBLISHED,
        website="javascript:alert(1)",
        where={"address_1": "3 Main St", "city": "Nowhere", "state": "KS", "postal_code": "67501"},
    )


@pytest.fixture(scope="module")
def site(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The sample directory and hand-made listings, indexed."""
    index_dir = tmp_path_factory.mktemp("public-centers-index")
    with sample_site(database_url, engine, index_dir, extra=_add_test_listings) as app:
        yield app


@pytest.fixture
def web(site: Flask) -> FlaskClient:
    """A client of the site."""
    return site.test_client()


def load(site: Flask, *conditions: Any) -> list[Center]:
    """Return centers matching ``conditions``, with what their pages show."""
    with site.app_context():
        query = (
            select(Center)
            .where(*conditions)
            .options(
                selectinload(Center.locations),
                selectinload(Center.phones),
                selectinload(Center.service_areas),
                selectinload(Center.terms),
            )
            .order_by(Center.slug)
        )
        return list(get_session().scalars(query))


class Tags(HTMLParser):
    """Collect every start tag and its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(body: str, name: str) -> list[dict[str, str | None]]:
    parser = Tags()
    parser.feed(body)
    return [attrs for tag, attrs in parser.tags if tag == name]


def page_text(body: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def section(body: str, heading_id: str) -> str:
    """Return the HTML of the <section> labelled by ``heading_id`` ('' if there is none)."""
    match = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', body, re.S)
    return match[1] if match else ""


def cards(body: str) -> list[tuple[str, bool]]:
    found = []
    for chunk in re.findall(r'<article class="card[^"]*".*?</article>', body, re.S):
        slug = re.search(r'href="/centers/([^"]+)"', chunk)[1]  # type: ignore[index]
        found.append((slug, "badge-advertiser" in chunk and ">Advertiser" in chunk))
    return found


def json_ld(body: str) -> list[Any]:
    return [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    ]


def get(client: FlaskClient, url: str) -> tuple[int, str]:
    response = client.get(url)
    assert response.status_code != 500
    return response.status_code, response.get_data(as_text=True)


@pytest.fixture(scope="module")
def rich(site: Flask) -> Center:
    """A verified sample center with a license, notes, phones, a website, prices and telehealth states."""
    candidates = load(
        site,
        Center.status == ListingStatus.PUBLISHED,
        Center.verification_status == VerificationStatus.VERIFIED,
        Center.license_number.is_not(None),
        Center.verification_notes.is_not(None),
        Center.website.is_not(None),
        Center.cash_price_min.is_not(None),
        Center.spravato_rems_certified.is_not(None),
    )
    for center in candidates:
        schemes = {term.scheme for term in center.terms}
        if center.phones and center.service_areas and {"therapy", "route", "condition"} <= schemes:
            return center
    pytest.fail("the sample has no rich verified center")


# -- the page ------------------------------------------------------------------------------------


def test_center_page_shows_everything_known(web, site, rich):
    status, body = get(web, f"/centers/{rich.slug}")
    assert status == 200
    text = page_text(body)
    vocabulary = get_search_service(site).index.vocabulary
    assert re.search(rf"<h1[^>]*>{re.escape(html.escape(rich.name))}</h1>", body)
    assert " ".join(rich.description.split())[:120] in text
    for term in rich.terms:
        assert term.label in text, term
        assert vocabulary.scheme_labels[term.scheme] in text
    assert f"Spravato REMS-certified {'Yes' if rich.spravato_rems_certified else 'No'}" in text
    for area in rich.service_areas:
        assert US_STATES[area.state] in text
    assert f"${rich.cash_price_min:,}" in text
    for phone in rich.phones:
        digits = re.sub(r"\D", "", phone.number)
        assert f'href="tel:+1{digits}' in body
        assert phone.number in text
    website = [a for a in tags(body, "a") if a.get("href") == rich.website]
    assert len(website) == 1
    assert set((website[0]["rel"] or "").split()) == {"nofollow", "noopener", "noreferrer"}
    location = rich.primary_location
    assert f"{location.city}, {location.state} {location.postal_code}" in text
    assert location.address_1 in text
    if rich.accepting_new_clients is not None:
        assert (
            "Accepting new clients" if rich.accepting_new_clients else "Not accepting new clients"
        ) in text
    verified_on = f"{rich.verified_at:%B} {rich.verified_at.day}, {rich.verified_at.year}"
    assert f"Verified by our research team on {verified_on}" in text
    assert rich.license_number in text
    assert " ".join(rich.verification_notes.split()) in text
    updated = f"{rich.updated_at:%B} {rich.updated_at.day}, {rich.updated_at.year}"
    assert f"Last updated {updated}" in text
    report = [a for a in tags(body, "a") if a.get("href") == f"/centers/{rich.slug}/report"]
    assert report and "Report incorrect information" in text
    assert "badge-verified" in body


def test_related_articles_share_a_term_newest_first(web, site, rich):
    with site.app_context():
        session = get_session()
        center_terms = {term.id for term in load(site, Center.slug == rich.slug)[0].terms}
        articles = session.scalars(
            select(Article).where(Article.published_on.is_not(None)).options(selectinload(Article.topics))
        ).all()
        expected = sorted(
            (a for a in articles if {t.id for t in a.topics} & center_terms),
            key=lambda a: (a.updated_on or a.published_on, a.title),
            reverse=True,
        )
        expected.sort(key=lambda a: a.updated_on or a.published_on, reverse=True)
    _status, body = get(web, f"/centers/{rich.slug}")
    shown = re.findall(r'href="/articles/([^"]+)"', section(body, "articles-heading"))
    assert 1 <= len(shown) <= 3
    assert shown == [a.slug for a in expected[:3]]


def test_nearby_centers_share_a_therapy_within_50_miles(web, site, rich):
    _status, body = get(web, f"/centers/{rich.slug}")
    nearby = cards(section(body, "nearby-heading"))
    assert 1 <= len(nearby) <= 4
    own = {term.code for term in rich.terms if term.scheme == "therapy"}
    here = rich.primary_location
    for center in load(site, Center.slug.in_([slug for slug, _ in nearby])):
        assert center.slug != rich.slug
        assert center.status is ListingStatus.PUBLISHED
        assert own & {term.code for term in center.terms if term.scheme == "therapy"}
        there = center.primary_location
        miles = distances_miles(here.latitude, here.longitude, [there.latitude], [there.longitude])[0]
        assert miles <= 50.0
    more = [a["href"] for a in tags(section(body, "nearby-heading"), "a") if "/search?" in (a["href"] or "")]
    assert more and f"near={here.postal_code}" in more[0] and "radius=50" in more[0]


def test_closed_listing_says_so(web, site):
    closed = load(site, Center.status == ListingStatus.CLOSED)
    assert closed
    for center in closed[:3]:
        status, body = get(web, f"/centers/{center.slug}")
        assert status == 200
        assert "This center is closed" in page_text(body)
        assert "badge-closed" in body


@pytest.mark.parametrize("status", [ListingStatus.DRAFT, ListingStatus.PENDING, ListingStatus.SUSPENDED])
def test_listing_that_is_not_public_is_not_found(web, site, status):
    hidden = load(site, Center.status == status)
    assert hidden
    for center in hidden[:3]:
        code, body = get(web, f"/centers/{center.slug}")
        assert code == 404
        assert center.name not in body


def test_unknown_center_is_not_found_with_a_search_form(web):
    status, body = get(web, "/centers/no-such-center")
    assert status == 404
    assert '<form class="search-form" method="get" action="/search"' in body


# -- JSON-LD ----------------------------------------------------------------------------------------


def test_json_ld_describes_the_clinic(web, rich):
    _status, body = get(web, f"/centers/{rich.slug}")
    [data] = json_ld(body)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] in ("MedicalClinic", "MedicalOrganization")
    assert data["name"] == rich.name
    assert data["url"].endswith(f"/centers/{rich.slug}")
    assert data["telephone"] == rich.phones[0].number
    address = data["address"]
    location = rich.primary_location
    assert address["@type"] == "PostalAddress"
    assert (address["addressLocality"], address["addressRegion"], address["postalCode"]) == (
        location.city,
        location.state,
        location.postal_code,
    )
    assert data["geo"] == {
        "@type": "GeoCoordinates",
        "latitude": location.latitude,
        "longitude": location.longitude,
    }
    assert data["medicalSpecialty"]


def test_json_ld_cannot_end_its_script_element(web):
    status, body = get(web, "/centers/breaker-clinic")
    assert status == 200
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)[1]  # type: ignore[index]
    assert "<" not in block and ">" not in block
    [data] = json_ld(body)
    assert data["name"] == BREAKER_NAME
    assert data["description"] == BREAKER_DESCRIPTION
    assert data["address"]["streetAddress"] == "2 Front St </script>"
    assert "<script>alert" not in body
    assert len(re.findall(r"<script\b", body)) == 1
    assert 'href="tel:+19075550142;ext=12"' in body


def test_center_without_coordinates_has_no_geo_and_no_nearby(web):
    status, body = get(web, "/centers/nowhere-clinic")
    assert status == 200
    [data] = json_ld(body)
    assert "geo" not in data
    assert section(body, "nearby-heading") == ""
    assert "javascript:" not in body


# -- advertisers ------------------------------------------------------------------------------------


def test_advertiser_page_discloses_and_nearby_cards_are_marked(web):
    _status, body = get(web, "/centers/nome-advertiser")
    assert "pays to advertise on this directory" in page_text(body)
    assert "badge-advertiser" in body
    _status, body = get(web, "/centers/breaker-clinic")
    assert ("nome-advertiser", True) in cards(section(body, "nearby-heading"))
    assert "pays to advertise" not in page_text(body)


def test_nearby_cards_mark_every_advertiser(web, site):
    advertisers = load(site, Center.is_advertiser, Center.status == ListingStatus.PUBLISHED)
    advertiser_slugs = {center.slug for center in advertisers}
    with site.app_context():
        neighbours = list(
            get_session().scalars(
                select(Center.slug)
                .join(Location)
                .where(
                    Center.status == ListingStatus.PUBLISHED,
                    Location.state.in_({center.primary_location.state for center in advertisers}),
                )
                .order_by(func.lower(Center.slug))
                .limit(60)
            )
        )
    marked = 0
    for slug in neighbours:
        _status, body = get(web, f"/centers/{slug}")
        for card_slug, is_marked in cards(section(body, "nearby-heading")):
            assert is_marked == (card_slug in advertiser_slugs), (slug, card_slug)
            marked += is_marked
    assert marked


# -- privacy and origin ------------------------------------------------------------------------------


def test_center_page_loads_nothing_from_another_host(web, rich):
    for slug in (rich.slug, "breaker-clinic", "nome-advertiser"):
        response = web.get(f"/centers/{slug}")
        body = response.get_data(as_text=True)
        assert response.headers["Referrer-Policy"] == "same-origin"
        for tag, attribute in (
            ("script", "src"),
            ("link", "href"),
            ("img", "src"),
            ("iframe", "src"),
            ("form", "action"),
        ):
            for attrs in tags(body, tag):
                value = attrs.get(attribute)
                assert not value or not urlsplit(value).netloc, (tag, value)
        for attrs in tags(body, "a"):
            netloc = urlsplit(attrs.get("href") or "").netloc
            if netloc and netloc != "localhost":
                assert "noreferrer" in (attrs.get("rel") or "").split()

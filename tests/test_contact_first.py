"""Contact first: every card shows the phone (a tel: link) and street address; the center page opens
with its contact block and a Directions link to OpenStreetMap carrying the center's address only."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select
from sqlalchemy.orm import selectinload

from directory.contact import card_phone, tel_uri
from directory.database import get_database, get_session
from directory.models import Center, ListingStatus, Location, Phone, PhoneType
from directory.search import CenterQuery, Viewer, search_centers
from tests.conftest import sample_site
from tests.public_pages import PageReader

NO_PHONE_SLUG = "quietbrook-no-phone-clinic"
CARD = re.compile(r'<article class="card[^"]*" aria-labelledby="card-([0-9a-f-]{36})">(.*?)</article>', re.S)
TEL = re.compile(r'href="(tel:[^"]*)"')


def _add_center_without_phone(session: Any) -> None:
    """A published listing with an address and no phone at all."""
    center = Center(
        slug=NO_PHONE_SLUG,
        name="Quietbrook Clinic",
        description="Quietbrook offers talk therapy for depression.",
        status=ListingStatus.PUBLISHED,
    )
    center.locations = [
        Location(position=0, address_1="9 Quietbrook Lane", city="Boise", state="ID", postal_code="83702")
    ]
    session.add(center)


@pytest.fixture(scope="module")
def site(database_url: str, engine: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The sample directory plus one listing without a phone, indexed once for the module."""
    with sample_site(
        database_url, engine, tmp_path_factory.mktemp("contact-index"), _add_center_without_phone
    ) as app:
        yield app


@pytest.fixture
def client(site: Flask) -> FlaskClient:
    """A client of the module's site."""
    return site.test_client()


@pytest.fixture(scope="module")
def centers(site: Flask) -> dict[str, Center]:
    """Every center by id, with its locations and phones."""
    with site.app_context():
        query = select(Center).options(selectinload(Center.locations), selectinload(Center.phones))
        return {str(center.id): center for center in get_session().scalars(query)}


def cards(html: str) -> list[tuple[str, str]]:
    """Return each card on the page as (center id, card HTML)."""
    return CARD.findall(html)


def assert_contact_on_cards(html: str, centers: dict[str, Center]) -> int:
    """Check every card's tel: link (digits only) and street address; return how many cards."""
    found = cards(html)
    for center_id, card in found:
        center = centers[center_id]
        location = center.primary_location
        assert location is not None
        assert location.address_1 in card, center.slug
        assert f"{location.city}, {location.state} {location.postal_code}" in card, center.slug
        links = TEL.findall(card)
        if center.phones:
            assert len(links) == 1, center.slug
            assert re.fullmatch(r"tel:\+?\d{3,15}", links[0]), links[0]
            digits = re.sub(r"\D", "", center.phones[0].number)
            assert links[0].endswith(digits), center.slug
        else:
            assert links == [], center.slug
    return len(found)


# -- cards -------------------------------------------------------------------------------------------


def test_search_cards_show_the_phone_and_street_address(client, centers):
    html = client.get("/search?q=ketamine&per_page=50").get_data(as_text=True)
    assert assert_contact_on_cards(html, centers) == 50


def test_landing_cards_show_the_phone_and_street_address(client, centers):
    html = client.get("/therapies/esketamine").get_data(as_text=True)
    assert assert_contact_on_cards(html, centers) > 0


def test_article_cards_show_the_phone_and_street_address(client, centers):
    html = client.get("/articles/ketamine-for-depression").get_data(as_text=True)
    assert assert_contact_on_cards(html, centers) > 0


def test_nearby_cards_show_the_phone_and_street_address(client, centers):
    html = client.get("/centers/eskerlane-mood-clinic").get_data(as_text=True)
    nearby = html[html.index('id="nearby-heading"') :]
    assert assert_contact_on_cards(nearby, centers) > 0


def test_a_center_without_a_phone_shows_no_empty_link(client, centers):
    html = client.get("/search?q=Quietbrook").get_data(as_text=True)
    found = cards(html)
    assert [center_id for center_id, _ in found] == [
        next(i for i, c in centers.items() if c.slug == NO_PHONE_SLUG)
    ]
    card = found[0][1]
    assert "tel:" not in card
    assert "card-phone" not in card
    assert "9 Quietbrook Lane" in card
    page = client.get(f"/centers/{NO_PHONE_SLUG}").get_data(as_text=True)
    start = page.index('class="center-contact"')
    contact = page[start : page.index("</section>", start)]
    assert "tel:" not in contact
    assert 'href=""' not in contact


def test_the_hit_carries_phone_and_address(site):
    with site.app_context():
        hit = search_centers(CenterQuery(text="Eskerlane"), Viewer.PUBLIC).hits[0]
    assert hit["phone"] == {"text": "(213) 555-0153", "tel": "tel:+12135550153"}
    assert hit["address"]["lines"] == ["2770 Linden Place"]
    assert hit["address"]["text"] == "2770 Linden Place, Los Angeles, CA 90017"


def test_hydrating_more_hits_runs_no_more_queries(site):
    def statements(per_page: int) -> int:
        with site.app_context():
            engine = get_database().engine
            seen: list[str] = []

            def count(*_args: Any) -> None:
                seen.append("x")

            event.listen(engine, "before_cursor_execute", count)
            try:
                hits = search_centers(CenterQuery(text="depression", per_page=per_page), Viewer.PUBLIC).hits
                assert len(hits) == per_page
            finally:
                event.remove(engine, "before_cursor_execute", count)
            return len(seen)

    statements(2)  # warm: the first search may load the vocabulary
    assert statements(2) == statements(40)


# -- the center page ---------------------------------------------------------------------------------


def test_contact_block_comes_before_the_services(client):
    html = client.get("/centers/eskerlane-mood-clinic").get_data(as_text=True)
    contact = html.index('id="contact-heading"')
    assert contact < html.index('id="services-heading"')
    assert contact < html.index('id="about-heading"')
    block = html[contact : html.index("</section>", contact)]
    assert 'href="tel:+12135550153"' in block
    assert "2770 Linden Place" in block
    assert 'href="https://eskerlane-mood-clinic.example"' in block


def test_directions_link_carries_the_address_and_never_the_search(client):
    html = client.get("/centers/eskerlane-mood-clinic?q=my+private+search").get_data(as_text=True)
    links = [a for a in PageReader(html).find("a") if "directions" in (a.attrs.get("class") or "")]
    assert len(links) == 1
    link = links[0].attrs
    url = urlsplit(link["href"] or "")
    assert (url.scheme, url.netloc, url.path) == ("https", "www.openstreetmap.org", "/search")
    assert parse_qs(url.query) == {"query": ["2770 Linden Place, Los Angeles, CA 90017"]}
    assert link["target"] == "_blank"
    assert set((link["rel"] or "").split()) == {"noopener", "noreferrer"}
    assert "private" not in (link["href"] or "")
    assert "opens in a new tab" in links[0].text


# -- the pieces --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "uri"),
    [
        ("(213) 555-0153", "tel:+12135550153"),
        ("1-800-555-0199", "tel:+18005550199"),
        ("+1 213 555 0153", "tel:+12135550153"),
        ("988", "tel:988"),
        ("ext", None),
        ("", None),
    ],
)
def test_tel_uri_keeps_digits_only(number, uri):
    assert tel_uri(number) == uri


def test_a_card_never_offers_a_fax_and_prefers_the_voice_line():
    fax = Phone(number="(213) 555-0100", type=PhoneType.FAX)
    hotline = Phone(number="(213) 555-0101", type=PhoneType.HOTLINE)
    voice = Phone(number="(213) 555-0102", extension="7", type=PhoneType.VOICE)
    assert card_phone([fax]) is None
    assert card_phone([fax, hotline]) == {"text": "(213) 555-0101", "tel": "tel:+12135550101"}
    assert card_phone([fax, hotline, voice]) == {"text": "(213) 555-0102 ext. 7", "tel": "tel:+12135550102"}


def test_tel_uri_dials_the_extension_apart_from_the_number():
    assert tel_uri("(907) 555-0142", "12") == "tel:+19075550142;ext=12"
    assert tel_uri("801.555.0136 x7") == "tel:+18015550136"  # an extension typed into the number
    assert tel_uri("988", "ext. 4") == "tel:988;ext=4"

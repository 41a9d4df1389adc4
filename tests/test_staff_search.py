"""Staff search: the public search's parameters, run as staff, shown as a compact table, phone first."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from html import unescape

import pytest
from conftest import sample_site
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, select
from staff_accounts import add_staff, database, sign_in
from werkzeug.datastructures import MultiDict

from directory.models import Center, Phone, PhoneType, VerificationStatus
from directory.public.context import date_text
from directory.public.search_args import parse_search_args
from directory.search import Viewer, get_search_service, search_centers
from directory.staff.rows import CALLABLE, first_phones

ROW = re.compile(r'<tr data-center-id="([^"]+)">(.*?)</tr>', re.S)
CELL = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.S)
TAG = re.compile(r"<[^>]+>")


@pytest.fixture(scope="module")
def site(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The sample directory, indexed, with one specialist."""
    with sample_site(database_url, engine, tmp_path_factory.mktemp("staff-search-index")) as app:
        with database(app) as session:
            add_staff(session, "specialist@example.org")
        yield app


@pytest.fixture(scope="module")
def specialist(site: Flask) -> FlaskClient:
    """A signed-in specialist's client."""
    client = site.test_client()
    assert sign_in(client, "specialist@example.org").status_code == 303
    return client


def table(page: str) -> list[tuple[str, list[str]]]:
    """Return the results table as (center id, cell texts) per row."""
    return [
        (center_id, [html_text(cell) for cell in CELL.findall(row)]) for center_id, row in ROW.findall(page)
    ]


def html_text(cell: str) -> str:
    """Return a cell's text without tags or entities."""
    return unescape(TAG.sub("", cell)).strip()


def expected_ids(site: Flask, query: dict[str, str | list[str]]) -> list[str]:
    """Return the ids the staff search gives for ``query``, in order."""
    with site.test_request_context():
        vocabulary = get_search_service().index.vocabulary
        args = parse_search_args(MultiDict(query), vocabulary)
        return [hit["id"] for hit in search_centers(args.to_query(), Viewer.STAFF).hits]


def test_results_are_the_staff_search_in_order_with_the_phone_first(site, specialist):
    response = specialist.get("/staff/search?q=ketamine")
    assert response.status_code == 200
    rows = table(response.get_data(as_text=True))
    assert [center_id for center_id, _ in rows] == expected_ids(site, {"q": "ketamine"})
    with database(site) as session:
        for center_id, cells in rows:
            center = session.get(Center, uuid.UUID(center_id))
            phones = [phone for phone in center.phones if phone.type in CALLABLE]
            assert cells[0] == center.name or cells[0].startswith(center.name + " ")
            assert cells[1] == (phones[0].number if phones else "none listed")


def test_staff_see_listings_the_public_never_sees(site, specialist):
    with database(site) as session:
        pending = session.scalars(select(Center).where(Center.status == "pending").order_by(Center.slug))
        pending = pending.first()
    query = f"/search?q={pending.name.replace(' ', '+')}"
    public_page = site.test_client().get(query).get_data(as_text=True)
    staff_page = specialist.get("/staff" + query).get_data(as_text=True)
    assert pending.slug not in public_page
    row = dict(table(staff_page))[str(pending.id)]
    assert "pending" in row[0]


def test_near_and_radius_give_distances_within_the_radius(site, specialist):
    query = {"therapy": "ketamine-assisted-therapy", "near": "43215", "radius": "50"}
    page = specialist.get("/staff/search", query_string=query).get_data(as_text=True)
    rows = table(page)
    assert rows, "the sample directory has ketamine listings near Columbus, OH"
    assert [center_id for center_id, _ in rows] == expected_ids(site, query)
    for _, cells in rows:
        assert cells[3].endswith(" mi") and float(cells[3][:-3]) <= 50
    assert "within 50 miles of 43215" in page


def test_verification_date_and_advertiser_mark_are_shown(site, specialist):
    rows = table(specialist.get("/staff/search?per_page=100&sort=name").get_data(as_text=True))
    with database(site) as session:
        for center_id, cells in rows:
            center = session.get(Center, uuid.UUID(center_id))
            if center.verification_status == VerificationStatus.VERIFIED:
                assert cells[4] == f"Verified {date_text(center.verified_at)}"
            elif center.verified_at:
                assert cells[4] == f"Not verified (last verified {date_text(center.verified_at)})"
            else:
                assert cells[4] == "Not verified"
            assert (cells[5] == "Advertiser") is bool(center.is_advertiser)
    assert any(cells[5] == "Advertiser" for _, cells in rows)
    assert any(cells[4].startswith("Not verified (last verified") for _, cells in rows)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("radius=9999&near=84101", "distance"),
        ("colour=blue", "does not understand the parameter"),
        ("near=Atlantis%2C+ZZ", "Atlantis"),
    ],
)
def test_bad_input_answers_400_naming_the_problem(specialist, query, message):
    response = specialist.get(f"/staff/search?{query}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This search could not be run" in page and message in page


def test_the_phone_shown_is_the_first_callable_one(site):
    with database(site) as session:
        center = session.scalars(select(Center).order_by(Center.slug)).first()
        session.add(Phone(center=center, position=-1, number="555-0100", type=PhoneType.FAX))
        session.flush()
        assert first_phones(session, [str(center.id)])[str(center.id)] != "555-0100"
        session.rollback()

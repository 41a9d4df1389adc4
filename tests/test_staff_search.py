"""Staff search: the public search's parameters, run as staff, shown as a compact table, phone first."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from html import unescape
from urllib.parse import parse_qsl

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, select
from werkzeug.datastructures import MultiDict

from directory.models import Center, Phone, PhoneType, VerificationStatus
from directory.public.context import date_text
from directory.public.search_args import parse_search_args
from directory.search import Viewer, get_search_service, search_centers
from directory.staff.rows import CALLABLE, first_phones
from tests.conftest import sample_site
from tests.staff_accounts import add_staff, database, sign_in

#: The table's column headings, in order: the phone comes straight after the name.
HEADINGS = [
    "Name",
    "Phone",
    "City, state",
    "Distance",
    "Therapies",
    "Payment",
    "New clients",
    "Verification",
    "Advertiser",
    "Actions",
]
NAME, PHONE, PLACE, DISTANCE, THERAPIES, PAYMENT, ACCEPTING, VERIFICATION, ADVERTISER, ACTIONS = range(10)
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
            assert cells[NAME] == center.name or cells[NAME].startswith(center.name + " ")
            assert cells[PHONE] == (phones[0].number if phones else "none listed")


def test_staff_see_listings_the_public_never_sees(site, specialist):
    with database(site) as session:
        pending = session.scalars(select(Center).where(Center.status == "pending").order_by(Center.slug))
        pending = pending.first()
    query = f"/search?q={pending.name.replace(' ', '+')}"
    public_page = site.test_client().get(query).get_data(as_text=True)
    staff_page = specialist.get("/staff" + query).get_data(as_text=True)
    assert pending.slug not in public_page
    row = dict(table(staff_page))[str(pending.id)]
    assert "pending" in row[NAME]


def test_near_and_radius_give_distances_within_the_radius(site, specialist):
    query = {"therapy": "ketamine-assisted-therapy", "near": "43215", "radius": "50"}
    page = specialist.get("/staff/search", query_string=query).get_data(as_text=True)
    rows = table(page)
    assert rows, "the sample directory has ketamine listings near Columbus, OH"
    assert [center_id for center_id, _ in rows] == expected_ids(site, query)
    for _, cells in rows:
        assert cells[DISTANCE].endswith(" mi") and float(cells[DISTANCE][:-3]) <= 50
    assert "within 50 miles of 43215" in page


def test_verification_date_and_advertiser_mark_are_shown(site, specialist):
    rows = table(specialist.get("/staff/search?per_page=100&sort=name").get_data(as_text=True))
    with database(site) as session:
        for center_id, cells in rows:
            center = session.get(Center, uuid.UUID(center_id))
            if center.verification_status == VerificationStatus.VERIFIED:
                expected = f"Verified {date_text(center.verified_at)}"
            elif center.verified_at:
                expected = f"Not verified (last verified {date_text(center.verified_at)})"
            else:
                expected = "Not verified"
            if center.reverify_due_on and center.reverify_due_on < date.today():
                expected += f" re-verification overdue since {date_text(center.reverify_due_on)}"
            assert cells[VERIFICATION] == expected
            assert (cells[ADVERTISER] == "Advertiser") is bool(center.is_advertiser)
    assert any(cells[ADVERTISER] == "Advertiser" for _, cells in rows)
    assert any(cells[VERIFICATION].startswith("Not verified (last verified") for _, cells in rows)


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


def total(page: str) -> int:
    """Return the number of results the page announces."""
    return int(re.search(r'<p role="status" id="result-count">([0-9]+) listing', page).group(1))


def row_ids(page: str) -> list[str]:
    """Return the result rows' center ids, in order."""
    return [center_id for center_id, _ in table(page)]


def test_the_table_has_its_columns_in_order(specialist):
    page = specialist.get("/staff/search?q=ketamine").get_data(as_text=True)
    head = re.search(r"<thead>(.*?)</thead>", page, re.S).group(1)
    assert [html_text(cell) for cell in CELL.findall(head)] == HEADINGS
    assert all(len(cells) == len(HEADINGS) for _, cells in table(page))


@pytest.mark.parametrize(
    "query",
    [
        "q=ketamine&near=84101&radius=100",
        "therapy=esketamine&payment=medicare&verified=1",
        "level_of_care=residential&state=CA&accepting=1",
        "q=depression&sort=name&per_page=5&page=2",
        "therapy=ketamine-assisted-therapy&near=Denver%2C+CO&radius=250&sort=distance",
        "city=Salt+Lake+City%2C+UT&closed=1",
    ],
)
def test_a_public_search_url_opens_in_the_console_by_changing_its_path(site, specialist, query):
    public = site.test_client().get(f"/search?{query}")
    console = specialist.get(f"/staff/search?{query}")
    assert public.status_code == 200 and console.status_code == 200
    args = MultiDict(parse_qsl(query))
    assert row_ids(console.get_data(as_text=True)) == expected_ids(site, args)


def test_staff_results_hold_every_public_result_for_the_same_url(site, specialist):
    query = "q=ketamine&per_page=100"
    public_page = site.test_client().get(f"/search?{query}").get_data(as_text=True)
    public_ids = set(re.findall(r'id="card-([0-9a-f-]{36})"', public_page))
    console_ids = set(row_ids(specialist.get(f"/staff/search?{query}").get_data(as_text=True)))
    assert public_ids and public_ids < console_ids  # staff also see pending, closed and other listings


def test_therapies_payment_and_new_clients_come_from_the_listing(site, specialist):
    rows = table(specialist.get("/staff/search?per_page=100&sort=name").get_data(as_text=True))
    assert rows
    with site.app_context():
        vocabulary = get_search_service().index.vocabulary
    with database(site) as session:
        for center_id, cells in rows:
            center = session.get(Center, uuid.UUID(center_id))
            codes = center.term_codes()
            labels = [vocabulary.term("therapy", code).label for code in codes.get("therapy", [])]
            payments = [vocabulary.term("payment", code).label for code in codes.get("payment", [])]
            assert cells[THERAPIES] == ", ".join(labels)
            assert cells[PAYMENT] == ", ".join(payments)
            expected = {True: "Yes", False: "No", None: "unknown"}[center.accepting_new_clients]
            assert cells[ACCEPTING] == expected


@pytest.mark.parametrize(
    ("query", "check"),
    [
        ("status=pending", lambda c: c.status.value == "pending"),
        ("status=closed&status=suspended", lambda c: c.status.value in ("closed", "suspended")),
        ("verification=expired", lambda c: c.verification_status.value == "expired"),
        ("advertiser=1", lambda c: c.is_advertiser),
        ("advertiser=0", lambda c: not c.is_advertiser),
    ],
)
def test_staff_only_filters_keep_exactly_the_matching_listings(site, specialist, query, check):
    page = specialist.get(f"/staff/search?{query}&per_page=100").get_data(as_text=True)
    shown = set(row_ids(page))
    with database(site) as session:
        expected = {str(center.id) for center in session.scalars(select(Center)) if check(center)}
    assert shown, f"the sample directory has listings for {query}"
    assert shown <= expected
    assert total(page) == len(expected) and len(shown) == min(len(expected), 100)


def test_the_public_search_refuses_the_staff_only_filters(site):
    for query in ("status=pending", "verification=expired", "advertiser=1", "overdue=1"):
        response = site.test_client().get(f"/search?{query}")
        assert response.status_code == 400, query
        assert "does not understand the parameter" in response.text


def test_overdue_finds_listings_whose_re_verification_date_has_passed(site, specialist):
    today = date.today()
    with database(site) as session:
        centers = session.scalars(select(Center).order_by(Center.slug)).all()
        saved = {center.id: center.reverify_due_on for center in centers}
        late, due_today, later = centers[0], centers[1], centers[2]
        for center in centers:
            center.reverify_due_on = None
        late.reverify_due_on = today - timedelta(days=1)
        due_today.reverify_due_on = today
        later.reverify_due_on = today + timedelta(days=30)
        session.commit()
    try:
        page = specialist.get("/staff/search?overdue=1&per_page=100").get_data(as_text=True)
        assert row_ids(page) == [str(late.id)]
        assert "re-verification overdue since" in dict(table(page))[str(late.id)][VERIFICATION]
        both = specialist.get(f"/staff/search?overdue=1&status={late.status.value}&status=draft")
        assert row_ids(both.get_data(as_text=True)) == [str(late.id)]
        assert specialist.get("/staff/search?overdue=0&per_page=100").status_code == 200
    finally:
        with database(site) as session:
            for center in session.scalars(select(Center)).all():
                center.reverify_due_on = saved[center.id]
            session.commit()


def test_sorting_by_name_and_by_distance(site, specialist):
    rows = table(specialist.get("/staff/search?q=therapy&sort=name&per_page=100").get_data(as_text=True))
    with database(site) as session:
        by_id = {str(c.id): c.name for c in session.scalars(select(Center))}
    names = [by_id[center_id] for center_id, _ in rows]
    assert len(names) > 2 and names == sorted(names, key=str.casefold)
    page = specialist.get("/staff/search?near=84101&radius=500&sort=distance&per_page=100")
    distances = [float(cells[DISTANCE][:-3]) for _, cells in table(page.get_data(as_text=True))]
    assert len(distances) > 2 and distances == sorted(distances)
    assert 'aria-current="true">Distance<' in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("status=lost", "There is no listing status 'lost'"),
        ("verification=maybe", "There is no verification status 'maybe'"),
        ("advertiser=maybe", "The advertiser choice can only be 1"),
        ("advertiser=1&advertiser=0", "Give the advertiser choice only once"),
        ("overdue=2", "'Re-verification overdue' choice can only be 1"),
        ("sort=distance", "Sorting by distance needs a place"),
        ("status=lost&radius=9999&near=84101", "distance"),
    ],
)
def test_bad_staff_filters_answer_400_naming_the_problem(specialist, query, message):
    response = specialist.get(f"/staff/search?{query}")
    assert response.status_code == 400
    assert message in unescape(response.get_data(as_text=True))


def test_facet_counts_are_those_of_the_staff_search(site, specialist):
    page = specialist.get("/staff/search?q=ketamine").get_data(as_text=True)
    with site.test_request_context():
        response = search_centers(
            parse_search_args(MultiDict({"q": "ketamine"}), get_search_service().index.vocabulary).to_query(),
            Viewer.STAFF,
        )
    counted = [item for item in response.facets["payment"] if item["count"]]
    assert counted
    for item in counted:
        label = re.search(rf'<label for="f-payment-{re.escape(item["code"])}">(.*?)</label>', page, re.S)
        assert label and f"({item['count']}" in label.group(1)


def test_the_slash_shortcut_is_a_script_from_this_site_and_the_page_works_without_it(site, specialist):
    page = specialist.get("/staff/search").get_data(as_text=True)
    assert '<script src="/static/js/console.js" defer></script>' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "the CSP forbids inline scripts"
    assert 'id="staff-q" name="q"' in page and 'data-shortcut="/"' in page
    script = site.test_client().get("/static/js/console.js")
    assert script.status_code == 200 and "javascript" in script.content_type
    assert '"/"' in script.get_data(as_text=True) and "focus()" in script.get_data(as_text=True)
    script.close()


def test_every_row_carries_its_actions(specialist):
    page = specialist.get("/staff/search?q=ketamine").get_data(as_text=True)
    rows = table(page)
    assert rows and all("shortlist" in cells[ACTIONS].lower() for _, cells in rows)


def test_the_folded_filter_panel_names_every_chosen_filter(specialist):
    query = "therapy=esketamine&state=UT&accepting=1&status=pending&advertiser=0&overdue=1"
    page = unescape(specialist.get(f"/staff/search?{query}").get_data(as_text=True))
    chosen = re.search(r'<span class="chosen-filters">(.*?)</span>', page).group(1)
    assert chosen.split(", ") == [
        "Esketamine (Spravato) nasal spray",
        "Utah",
        "Accepting new clients",
        "Status: pending",
        "Not advertisers",
        "Re-verification overdue",
    ]

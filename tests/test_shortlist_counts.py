"""Advertising influence counted in aggregate: what a shortlist addition adds to its week's counters."""

from __future__ import annotations

import dataclasses
import random
import re
import string
import threading
import uuid
from collections.abc import Iterator
from datetime import date
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, delete, func, inspect, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from directory.models import AuditEvent, Center, Role, ShortlistWeek, User
from directory.operations.errors import PermissionDenied
from directory.operations.shortlist_counts import ResultCounts, count_shortlist_addition, week_start
from directory.search import Viewer, get_search_service, search_centers
from directory.staff.search_args import parse_staff_search_args
from directory.staff.shortlist import MAX_CENTERS, MAX_NOTE_LENGTH, SESSION_KEY
from directory.staff.shortlist_influence import COUNTED_KEY, MAX_REMEMBERED
from tests.conftest import sample_site
from tests.staff_accounts import CSRF_INPUT, add_staff, database, make_staff, signed_in_client

SPECIALIST = "counting-specialist@example.org"
#: A search only this module makes, so that nothing else could have written its words anywhere.
SEARCH = {"q": "ketamine", "near": "10016", "radius": "250", "therapy": "ketamine-assisted-therapy"}
ADD_FORM = re.compile(r'<form method="post" action="/staff/shortlist/add".*?</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


@pytest.fixture(scope="module")
def site(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The sample directory, indexed, with one specialist."""
    with sample_site(database_url, engine, tmp_path_factory.mktemp("counting-index")) as app:
        with database(app) as session:
            add_staff(session, SPECIALIST)
        yield app


@pytest.fixture(scope="module")
def signed_in(site: Flask) -> FlaskClient:
    """The specialist's client (signed in once for the module)."""
    return signed_in_client(site, SPECIALIST)


@pytest.fixture
def specialist(site: Flask, signed_in: FlaskClient) -> FlaskClient:
    """The specialist at the start of a new call, with no counters yet."""
    post(signed_in, "/staff/shortlist/new-call")
    with database(site) as session:
        session.execute(delete(ShortlistWeek))
        session.commit()
    return signed_in


def post(client: FlaskClient, path: str, **data: str):
    """Post a form with a CSRF token taken from the shortlist page."""
    match = CSRF_INPUT.search(client.get("/staff/shortlist").get_data(as_text=True))
    assert match
    return client.post(path, data={**data, "csrf_token": match.group(1)})


def add_forms(client: FlaskClient, query: dict[str, str]) -> list[dict[str, str]]:
    """Return the hidden fields of every "Add to shortlist" form on a console search page."""
    page = client.get("/staff/search", query_string=query).get_data(as_text=True)
    return [{k: unescape(v) for k, v in HIDDEN.findall(form)} for form in ADD_FORM.findall(page)]


def add_from(client: FlaskClient, fields: dict[str, str]):
    """Press one row's button (its form's own fields, a fresh token)."""
    response = client.post("/staff/shortlist/add", data=fields)
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    return response


def expected(site: Flask, query: dict[str, str]) -> ResultCounts:
    """Count the search's results and advertisers independently of the code under test."""
    with site.test_request_context():
        vocabulary = get_search_service().index.vocabulary
        args = parse_staff_search_args(MultiDict(query), vocabulary).to_query()
        response = search_centers(dataclasses.replace(args, per_page=100), Viewer.STAFF)
    total, hits = response.total, response.hits
    assert total <= 100
    return ResultCounts(total, sum(hit["advertiser"] for hit in hits))


def weeks(site: Flask) -> list[ShortlistWeek]:
    """Return every counter row."""
    with database(site) as session:
        rows = session.scalars(select(ShortlistWeek)).all()
        session.expunge_all()
        return list(rows)


def advertisers_in(site: Flask, ids: list[str]) -> int:
    """Return how many of these centers are advertisers."""
    with database(site) as session:
        return sum(session.get(Center, uuid.UUID(i)).is_advertiser for i in ids)


def test_centers_added_from_one_search_count_that_search_once(site, specialist):
    first_page = add_forms(specialist, SEARCH)
    second_page = add_forms(specialist, {**SEARCH, "per_page": "5", "page": "2", "sort": "name"})
    assert first_page and second_page, "the search has two pages of results"
    chosen = [first_page[0], first_page[1], second_page[0]]
    assert chosen[2]["center"] not in (chosen[0]["center"], chosen[1]["center"])
    for fields in chosen:
        add_from(specialist, fields)
    counts = expected(site, SEARCH)
    assert counts.advertisers > 0, "the sample search returns advertisers"
    [week] = weeks(site)
    assert week.week_start == week_start(date.today())
    assert week.centers_added == 3
    assert week.advertisers_added == advertisers_in(site, [f["center"] for f in chosen])
    assert (week.searches, week.search_results, week.search_result_advertisers) == (
        1,
        counts.results,
        counts.advertisers,
    )


def test_another_search_counts_again_and_a_center_page_adds_no_search(site, specialist):
    add_from(specialist, add_forms(specialist, SEARCH)[0])
    other = {"advertiser": "1"}
    second = add_forms(specialist, other)[0]
    add_from(specialist, second)
    with database(site) as session:
        center = session.scalars(select(Center).where(Center.is_advertiser.is_(False))).first()
        slug, center_id = center.slug, str(center.id)
    post(specialist, "/staff/shortlist/add", center=center_id, next=f"/staff/centers/{slug}")
    [week] = weeks(site)
    searched = expected(site, SEARCH)
    advertisers_only = expected(site, other)
    assert advertisers_only.results == advertisers_only.advertisers > 0
    assert week.centers_added == 3
    assert week.searches == 2
    assert week.search_results == searched.results + advertisers_only.results
    assert week.search_result_advertisers == searched.advertisers + advertisers_only.results


def test_adding_a_listed_center_again_or_a_refused_add_counts_nothing(site, specialist):
    fields = add_forms(specialist, SEARCH)[0]
    add_from(specialist, fields)
    add_from(specialist, fields)  # "already on the shortlist"
    missing = "00000000-0000-4000-8000-000000000000"
    assert post(specialist, "/staff/shortlist/add", center=missing, next="/staff/search").status_code == 404
    without_token = {k: v for k, v in fields.items() if k != "csrf_token"}
    assert specialist.post("/staff/shortlist/add", data=without_token).status_code == 400
    [week] = weeks(site)
    assert (week.centers_added, week.searches) == (1, 1)


def test_a_new_call_counts_the_same_search_again(site, specialist):
    fields = add_forms(specialist, SEARCH)[0]
    add_from(specialist, fields)
    post(specialist, "/staff/shortlist/new-call")
    add_from(specialist, fields)
    [week] = weeks(site)
    assert (week.centers_added, week.searches) == (2, 2)


def test_nothing_about_the_caller_the_specialist_or_the_search_is_stored(site, specialist, engine):
    events_before = count_events(site)
    add_from(specialist, {**add_forms(specialist, SEARCH)[0], "caller_name": "Jane Roe"})
    assert count_events(site) == events_before, "counting writes no audit event"
    columns = {c["name"]: str(c["type"]) for c in inspect(engine).get_columns("shortlist_weekly_counts")}
    assert set(columns) == {
        "week_start",
        "centers_added",
        "advertisers_added",
        "searches",
        "search_results",
        "search_result_advertisers",
    }
    assert all(kind.upper().startswith(("INTEGER", "DATE")) for kind in columns.values()), columns
    with engine.connect() as connection:
        rows = connection.execute(select(ShortlistWeek.__table__)).all()
    assert len(rows) == 1
    values = rows[0]._asdict()
    assert isinstance(values.pop("week_start"), date)
    assert all(isinstance(value, int) for value in values.values())
    # The session keeps only a random salt and keyed digests: no word of the search or the caller.
    cookie = specialist.get_cookie("session").value
    stored = site.session_interface.get_signing_serializer(site).loads(cookie)
    remembered = repr(stored["counted_searches"])
    for word in ("ketamine", "10016", "Jane", SPECIALIST):
        assert word not in remembered


def count_events(site: Flask) -> int:
    """Return the number of audit events."""
    with database(site) as session:
        return session.scalar(select(func.count()).select_from(AuditEvent))


def test_counting_refuses_a_deactivated_account_and_upserts_by_week(site):
    with database(site) as session:
        session.execute(delete(ShortlistWeek))
        advertiser = session.scalars(select(Center.id).where(Center.is_advertiser.is_(True))).first()
        other = session.scalars(select(Center.id).where(Center.is_advertiser.is_(False))).first()
        actor = make_staff(session)
        monday, sunday, next_monday = date(2026, 11, 23), date(2026, 11, 29), date(2026, 11, 30)
        assert count_shortlist_addition(session, advertiser, actor=actor, day=monday)
        assert not count_shortlist_addition(
            session, str(other), actor=actor, search=ResultCounts(40, 6), day=sunday
        )
        count_shortlist_addition(session, other, actor=actor, search=ResultCounts(10, 0), day=next_monday)
        actor.active = False
        with pytest.raises(PermissionDenied):
            count_shortlist_addition(session, other, actor=actor, day=monday)
        session.commit()
        rows = {
            row.week_start: (
                row.centers_added,
                row.advertisers_added,
                row.searches,
                row.search_results,
                row.search_result_advertisers,
            )
            for row in session.scalars(select(ShortlistWeek))
        }
        session.execute(delete(ShortlistWeek))
        session.commit()
    assert rows == {monday: (2, 1, 1, 40, 6), next_monday: (1, 0, 1, 10, 0)}


def test_result_counts_are_consistent():
    with pytest.raises(ValueError):
        ResultCounts(3, 4)
    assert week_start(date(2026, 1, 1)) == date(2025, 12, 29)  # ISO week 1 of 2026 starts in 2025


def test_a_call_remembers_its_latest_searches_and_the_cookie_stays_small(site, specialist):
    for radius in range(10, 10 + MAX_REMEMBERED + 2):
        fields = add_forms(specialist, {**SEARCH, "radius": str(radius)})[0]
        add_from(specialist, fields)
        post(specialist, "/staff/shortlist/remove", center=fields["center"])
    cookie = specialist.get_cookie("session").value
    stored = site.session_interface.get_signing_serializer(site).loads(cookie)
    assert len(stored[COUNTED_KEY]["d"]) == MAX_REMEMBERED
    [week] = weeks(site)
    assert week.searches == MAX_REMEMBERED + 2
    # The fullest shortlist (notes of random letters compress poorly) beside a full memory of searches.
    letters = random.Random(9)
    chosen = add_forms(specialist, {**SEARCH, "per_page": "50"})[:MAX_CENTERS]
    for fields in chosen:
        add_from(specialist, fields)
    refused = 0
    for fields in chosen:
        note = "".join(letters.choices(string.ascii_letters, k=MAX_NOTE_LENGTH))
        refused += (
            post(specialist, "/staff/shortlist/note", center=fields["center"], note=note).status_code == 400
        )
        print(len(specialist.get_cookie("session").value))
        assert len(specialist.get_cookie("session").value) < 3900
    assert refused, "the notes reached the shortlist's limit"
    assert len(stored_shortlist(site, specialist)["c"]) == MAX_CENTERS


def stored_shortlist(site: Flask, client: FlaskClient) -> dict:
    """Return the shortlist as the session cookie holds it."""
    cookie = client.get_cookie("session").value
    return site.session_interface.get_signing_serializer(site).loads(cookie)[SESSION_KEY]


def test_concurrent_additions_to_a_new_week_all_count(site, engine):
    """Two writers racing to create the same week's row: the upsert loses none of their additions."""
    with database(site) as session:
        session.execute(delete(ShortlistWeek))
        session.commit()
        center_id = session.scalars(select(Center.id)).first()
    actor = User(email="racer@staff.example", role=Role.SPECIALIST, active=True)  # checked, never stored
    week = date(2030, 1, 7)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            with Session(engine) as session:
                barrier.wait()
                for _ in range(15):
                    count_shortlist_addition(
                        session, center_id, actor=actor, search=ResultCounts(3, 1), day=week
                    )
                    session.commit()
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Session(engine) as session:
        row = session.get(ShortlistWeek, week)
        assert (row.centers_added, row.searches, row.search_results, row.search_result_advertisers) == (
            30,
            30,
            90,
            30,
        )
        session.delete(row)
        session.commit()


@pytest.mark.parametrize(
    "next_url",
    [
        "/staff/search?near=Atlantis%2C+ZZ",
        "/staff/search?therapy=no-such-therapy",
        "/staff/search?q=%00%ff%ed%a0%80",
        "/staff/search?status=gone&page=-1",
        "/staff/search?" + "q=x&" * 400,
        "/staff/centers/no-such-center",
    ],
)
def test_an_add_from_a_page_that_is_not_a_valid_search_counts_the_center_only(site, specialist, next_url):
    with database(site) as session:
        center_id = str(session.scalars(select(Center.id).order_by(Center.slug)).first())
    response = post(specialist, "/staff/shortlist/add", center=center_id, next=next_url)
    assert response.status_code == 303
    [week] = weeks(site)
    assert (week.centers_added, week.searches, week.search_results) == (1, 0, 0)

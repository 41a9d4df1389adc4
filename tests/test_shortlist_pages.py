"""The shortlist for the current call, through the staff pages: add, remove, reorder, note, export, clear."""

from __future__ import annotations

import csv
import io
import random
import re
import string
import uuid
from collections.abc import Iterator
from html import escape, unescape

import pytest
from flask import Flask, render_template_string
from flask.testing import FlaskClient
from sqlalchemy import Engine, select
from werkzeug.datastructures import MultiDict

from directory.models import Center, ListingStatus
from directory.public.search_args import parse_search_args
from directory.search import SearchResponse, Viewer, get_search_service, search_centers
from directory.staff.rows import first_phones
from directory.staff.shortlist import MAX_CENTERS, MAX_NOTE_LENGTH, SESSION_KEY
from tests.conftest import sample_site
from tests.staff_accounts import CSRF_INPUT, add_staff, database, sign_in, signed_in_client

SPECIALIST = "shortlist-specialist@example.org"
KETAMINE_NEAR_NYC = {"therapy": "ketamine-assisted-therapy", "near": "10016", "radius": "100"}
ADD_FORM = re.compile(r'<form method="post" action="/staff/shortlist/add".*?</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
FIELD_NAME = re.compile(r'<(?:input|textarea|select)[^>]*name="([^"]+)"')


@pytest.fixture(scope="module")
def site(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The sample directory, indexed, with one specialist."""
    with sample_site(database_url, engine, tmp_path_factory.mktemp("shortlist-index")) as app:
        with database(app) as session:
            add_staff(session, SPECIALIST)
        yield app


@pytest.fixture(scope="module")
def signed_in(site: Flask) -> FlaskClient:
    """One signed-in specialist's client for the module (signing in hashes a password)."""
    return signed_in_client(site, SPECIALIST)


@pytest.fixture
def specialist(signed_in: FlaskClient) -> FlaskClient:
    """The specialist's client at the start of a new call (an empty shortlist)."""
    assert post(signed_in, "/staff/shortlist/new-call").status_code == 303
    return signed_in


@pytest.fixture(scope="module")
def search(site: Flask) -> SearchResponse:
    """The staff search for ketamine within 100 miles of 10016 (New York), nearest first."""
    with site.test_request_context():
        vocabulary = get_search_service().index.vocabulary
        args = parse_search_args(MultiDict({**KETAMINE_NEAR_NYC, "sort": "distance"}), vocabulary)
        return search_centers(args.to_query(), Viewer.STAFF)


@pytest.fixture(scope="module")
def nearby(search: SearchResponse) -> list[dict]:
    """The search's hits: more than a shortlist holds."""
    assert len(search.hits) > MAX_CENTERS, "the sample directory has enough ketamine listings near New York"
    return search.hits


@pytest.fixture(scope="module")
def phones(site: Flask, nearby: list[dict]) -> dict[str, str]:
    """Each nearby center's first callable phone, by id."""
    with database(site) as session:
        return first_phones(session, [hit["id"] for hit in nearby])


def token(client: FlaskClient) -> str:
    """Return a CSRF token from the shortlist page."""
    match = CSRF_INPUT.search(client.get("/staff/shortlist").get_data(as_text=True))
    assert match
    return match.group(1)


def post(client: FlaskClient, path: str, **data: str):
    """Post a shortlist form with a CSRF token."""
    return client.post(path, data={**data, "csrf_token": token(client)})


def add(client: FlaskClient, center_id: str, near: str = "", next_url: str = "/staff/search"):
    """Add a center as the results row's button does."""
    return post(client, "/staff/shortlist/add", center=center_id, near=near, next=next_url)


def text_export(client: FlaskClient) -> str:
    """Return the plain-text export."""
    response = client.get("/staff/shortlist/text")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def csv_rows(client: FlaskClient) -> list[list[str]]:
    """Return the CSV export's rows, header first."""
    response = client.get("/staff/shortlist/csv")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def names_in_text(text: str) -> list[str]:
    """Return the centers' names in the text export, in order."""
    return re.findall(r"^\d+\. (.+?)(?: \(listing \w+\))?$", text, re.M)


def page_problem(response) -> str:
    """Return the error summary's text on the shortlist page."""
    page = response.get_data(as_text=True)
    match = re.search(r'<div class="error-summary".*?<ul>(.*?)</ul>', page, re.S)
    assert match, "the page names the problem"
    return unescape(re.sub(r"<[^>]+>", "", match.group(1)))


def stored(site: Flask, client: FlaskClient) -> dict:
    """Decode the client's signed session cookie."""
    cookie = client.get_cookie("session")
    serializer = site.session_interface.get_signing_serializer(site)
    return serializer.loads(cookie.value)


def test_add_from_the_results_goes_back_and_marks_the_row(specialist, nearby):
    page = specialist.get("/staff/search", query_string=KETAMINE_NEAR_NYC).get_data(as_text=True)
    forms = ADD_FORM.findall(page)
    assert len(forms) == len(re.findall(r"<tr data-center-id=", page)), "every row has the button"
    fields = {name: unescape(value) for name, value in HIDDEN.findall(forms[0])}
    assert fields["center"] == nearby_ids_in_page(page)[0]
    assert fields["near"] == "10016"
    assert "Add" in forms[0] and "to shortlist</span></button>" in forms[0]
    response = specialist.post("/staff/shortlist/add", data=fields)
    assert response.status_code == 303
    assert response.location == fields["next"]
    again = specialist.get(response.location).get_data(as_text=True)
    assert len(ADD_FORM.findall(again)) == len(forms) - 1
    assert "On shortlist" in again and "Shortlist (1)" in again
    assert "Added " in again and "to the shortlist." in again


def nearby_ids_in_page(page: str) -> list[str]:
    """Return the results table's center ids in order."""
    return re.findall(r'<tr data-center-id="([^"]+)">', page)


def test_exports_list_name_phone_address_website_distance_and_note(site, specialist, search, nearby, phones):
    hit = nearby[0]
    assert add(specialist, hit["id"], near="10016").status_code == 303
    assert (
        post(
            specialist, "/staff/shortlist/note", center=hit["id"], note="ask about the wait list"
        ).status_code
        == 303
    )
    with database(site) as session:
        center = session.get(Center, uuid.UUID(hit["id"]))
        location = center.primary_location
        address = f"{location.address_1}, {location.city}, {location.state} {location.postal_code}"
        website = center.website
    expected = [
        f"1. {hit['name']}",
        f"Phone: {phones[hit['id']]}",
        f"Address: {address}",
        f"Website: {website}",
        # the search engine's own distance, from the place as the search names it
        f"Distance: {hit['distance_miles']:.1f} miles from {search.location['label']}",
        "Note: ask about the wait list",
    ]
    assert text_export(specialist) == "\n".join(expected) + "\n"
    header, row = csv_rows(specialist)
    assert header == [
        "Position",
        "Name",
        "Phone",
        "Address",
        "Website",
        "Distance (miles)",
        "Distance from",
        "Note",
    ]
    assert row == [
        "1",
        hit["name"],
        phones[hit["id"]],
        address,
        website,
        f"{hit['distance_miles']:.1f}",
        search.location["label"],
        "ask about the wait list",
    ]
    printed = specialist.get("/staff/shortlist/print").get_data(as_text=True)
    for line in (hit["name"], phones[hit["id"]], address, "ask about the wait list", "miles from 10016"):
        assert line in unescape(printed)


def test_exports_keep_the_shortlist_order_after_reordering(specialist, nearby, phones):
    ids = [hit["id"] for hit in nearby[:3]]
    for center_id in ids:
        assert add(specialist, center_id).status_code == 303
    names = {hit["id"]: hit["name"] for hit in nearby}
    assert names_in_text(text_export(specialist)) == [names[i] for i in ids]

    assert post(specialist, "/staff/shortlist/move", center=ids[2], direction="up").status_code == 303
    assert post(specialist, "/staff/shortlist/move", center=ids[0], direction="down").status_code == 303
    order = [ids[2], ids[0], ids[1]]  # a b c → (c up) a c b → (a down) c a b
    text = text_export(specialist)
    assert names_in_text(text) == [names[i] for i in order]
    assert [line[len("Phone: ") :] for line in text.splitlines() if line.startswith("Phone: ")] == [
        phones[i] for i in order
    ]
    assert [row[1] for row in csv_rows(specialist)[1:]] == [names[i] for i in order]
    assert [row[0] for row in csv_rows(specialist)[1:]] == ["1", "2", "3"]
    printed = unescape(specialist.get("/staff/shortlist/print").get_data(as_text=True))
    assert [printed.index(names[i]) for i in order] == sorted(printed.index(names[i]) for i in order)
    page = unescape(specialist.get("/staff/shortlist").get_data(as_text=True))
    assert [page.index(f'id="entry-{i}"') for i in order] == sorted(
        page.index(f'id="entry-{i}"') for i in order
    )


def test_moving_past_either_end_changes_nothing_and_the_end_buttons_are_left_out(specialist, nearby):
    ids = [hit["id"] for hit in nearby[:2]]
    for center_id in ids:
        add(specialist, center_id)
    before = text_export(specialist)
    assert post(specialist, "/staff/shortlist/move", center=ids[0], direction="up").status_code == 303
    assert post(specialist, "/staff/shortlist/move", center=ids[1], direction="down").status_code == 303
    assert text_export(specialist) == before
    page = specialist.get("/staff/shortlist").get_data(as_text=True)
    assert page.count("Move up<span") == 1 and page.count("Move down<span") == 1


def test_remove_takes_the_center_off_and_keeps_the_others_in_order(specialist, nearby):
    ids = [hit["id"] for hit in nearby[:3]]
    for center_id in ids:
        add(specialist, center_id)
    assert post(specialist, "/staff/shortlist/remove", center=ids[1]).status_code == 303
    assert names_in_text(text_export(specialist)) == [nearby[0]["name"], nearby[2]["name"]]
    response = post(specialist, "/staff/shortlist/remove", center=ids[1])
    assert response.status_code == 404
    assert "not on the shortlist" in page_problem(response)


def test_adding_twice_keeps_one_entry(specialist, nearby):
    add(specialist, nearby[0]["id"])
    response = add(specialist, nearby[0]["id"])
    assert response.status_code == 303
    assert names_in_text(text_export(specialist)) == [nearby[0]["name"]]
    assert "already on the shortlist" in specialist.get(response.location).get_data(as_text=True)


def test_the_shortlist_holds_at_most_ten_centers(specialist, nearby):
    for hit in nearby[:MAX_CENTERS]:
        assert add(specialist, hit["id"]).status_code == 303
    response = add(specialist, nearby[MAX_CENTERS]["id"], next_url="/staff/search?q=ketamine")
    assert response.status_code == 409
    assert (
        page_problem(response)
        == f"The shortlist holds at most {MAX_CENTERS} centers. Remove one to add another."
    )
    assert 'href="/staff/search?q=ketamine">Back to the page you were on' in response.get_data(as_text=True)
    assert len(names_in_text(text_export(specialist))) == MAX_CENTERS


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("x" * (MAX_NOTE_LENGTH + 1), f"A note is at most {MAX_NOTE_LENGTH} characters; this one has 281."),
        ("caller is Jane, call back on (801) 555-0199", "cannot hold a phone number or an e-mail address"),
        ("send details to jane@example.com", "cannot hold a phone number or an e-mail address"),
        ("ask about\u200b the wait list", "hidden or invalid characters"),
    ],
)
def test_a_note_is_refused_with_the_reason(specialist, nearby, note, message):
    add(specialist, nearby[0]["id"])
    response = post(specialist, "/staff/shortlist/note", center=nearby[0]["id"], note=note)
    assert response.status_code == 400
    assert message in page_problem(response)
    assert "Note:" not in text_export(specialist)


def test_a_note_is_kept_on_one_line_and_an_empty_note_removes_it(specialist, nearby):
    add(specialist, nearby[0]["id"])
    post(specialist, "/staff/shortlist/note", center=nearby[0]["id"], note="  ask about\r\n the   wait list ")
    assert "Note: ask about the wait list\n" in text_export(specialist)
    post(specialist, "/staff/shortlist/note", center=nearby[0]["id"], note=" ")
    assert "Note:" not in text_export(specialist)


def test_long_notes_together_are_refused_before_the_cookie_would_outgrow_a_browser(site, specialist, nearby):
    for hit in nearby[:MAX_CENTERS]:
        add(specialist, hit["id"], near="Salt Lake City, UT")
    letters = random.Random(9)
    refused = None
    for hit in nearby[:MAX_CENTERS]:  # random letters compress poorly; "é" escapes to six bytes in JSON
        for note in ("".join(letters.choices(string.ascii_letters, k=MAX_NOTE_LENGTH)), "é" * 200):
            response = post(specialist, "/staff/shortlist/note", center=hit["id"], note=note)
            if response.status_code != 303:
                refused = response
                break
        # the largest session there can be: the fullest shortlist and a message waiting to be shown
        assert len(specialist.get_cookie("session").value) < 3800
    assert refused is not None and refused.status_code == 400
    assert "too long together" in page_problem(refused)
    assert len(stored(site, specialist)[SESSION_KEY]["c"]) == MAX_CENTERS


def test_new_call_empties_the_shortlist_notes_and_place(site, specialist, nearby):
    add(specialist, nearby[0]["id"], near="10016")
    post(specialist, "/staff/shortlist/note", center=nearby[0]["id"], note="ask about the wait list")
    response = post(specialist, "/staff/shortlist/new-call")
    assert response.status_code == 303 and response.location == "/staff/shortlist"
    assert SESSION_KEY not in stored(site, specialist)
    page = specialist.get("/staff/shortlist").get_data(as_text=True)
    assert "No centers yet" in page and "New call: the shortlist is empty." in page
    assert text_export(specialist) == "The shortlist is empty.\n"


def test_every_change_needs_the_csrf_token(site, specialist, nearby):
    add(specialist, nearby[0]["id"])
    before = stored(site, specialist)[SESSION_KEY]
    center = nearby[0]["id"]
    for path, data in (
        ("/staff/shortlist/add", {"center": nearby[1]["id"]}),
        ("/staff/shortlist/remove", {"center": center}),
        ("/staff/shortlist/move", {"center": center, "direction": "down"}),
        ("/staff/shortlist/note", {"center": center, "note": "ask about the wait list"}),
        ("/staff/shortlist/place", {"near": "10016"}),
        ("/staff/shortlist/new-call", {}),
    ):
        assert specialist.post(path, data=data).status_code == 400, path
    assert stored(site, specialist)[SESSION_KEY] == before


def test_there_is_no_field_for_the_caller_and_extra_fields_are_not_kept(site, specialist, nearby):
    add(specialist, nearby[0]["id"])
    add(specialist, nearby[1]["id"])
    page = specialist.get("/staff/shortlist").get_data(as_text=True)
    # The shortlist's own fields, and each entry's dead-end report (reason, note, next): all about centers.
    assert set(FIELD_NAME.findall(page)) == {
        "csrf_token",
        "center",
        "note",
        "direction",
        "near",
        "reason",
        "next",
    }
    assert "Nothing about the caller goes on the shortlist" in page
    data = {
        "center": nearby[1]["id"],
        "near": "10016",
        "caller_name": "Jane Roe",
        "caller_phone": "8015550199",
    }
    assert post(specialist, "/staff/shortlist/add", **data).status_code == 303
    kept = repr(stored(site, specialist))
    assert "Jane" not in kept and "8015550199" not in kept
    assert set(stored(site, specialist)[SESSION_KEY]) == {"c", "near"}


def test_the_place_can_be_changed_cleared_and_a_bad_one_is_named(specialist, nearby):
    add(specialist, nearby[0]["id"], near="10016")
    assert "miles from 10016" in text_export(specialist)
    assert post(specialist, "/staff/shortlist/place", near="Atlantis, ZZ").status_code == 400
    assert "miles from 10016" in text_export(specialist)
    response = post(specialist, "/staff/shortlist/place", near="Atlantis, ZZ")
    assert "Atlantis" in page_problem(response)
    assert post(specialist, "/staff/shortlist/place", near="").status_code == 303
    assert "Distance:" not in text_export(specialist)
    assert post(specialist, "/staff/shortlist/place", near="Newark, NJ").status_code == 303
    assert "miles from Newark, NJ" in text_export(specialist)


@pytest.mark.parametrize(
    ("path", "data", "status", "message"),
    [
        ("/staff/shortlist/add", {"center": "not-an-id"}, 400, "Choose a center"),
        ("/staff/shortlist/add", {"center": str(uuid.UUID(int=1))}, 404, "no longer in the directory"),
        ("/staff/shortlist/move", {"center": "FIRST", "direction": "sideways"}, 400, "up or down"),
        (
            "/staff/shortlist/note",
            {"center": str(uuid.UUID(int=1)), "note": "x"},
            404,
            "not on the shortlist",
        ),
    ],
)
def test_bad_input_answers_4xx_naming_the_problem(specialist, nearby, path, data, status, message):
    add(specialist, nearby[0]["id"])
    data = {key: nearby[0]["id"] if value == "FIRST" else value for key, value in data.items()}
    response = post(specialist, path, **data)
    assert response.status_code == status
    assert message in page_problem(response)


def test_add_goes_back_only_to_a_page_on_this_site(specialist, nearby):
    response = add(specialist, nearby[0]["id"], next_url="https://evil.example/")
    assert response.status_code == 303 and response.location == "/staff/shortlist"


def test_exports_are_staff_pages_never_stored_and_csv_cells_cannot_be_formulas(specialist, nearby):
    add(specialist, nearby[0]["id"])
    post(specialist, "/staff/shortlist/note", center=nearby[0]["id"], note='=HYPERLINK("x")')
    text = specialist.get("/staff/shortlist/text")
    assert text.mimetype == "text/plain" and text.headers["Content-Disposition"].startswith("inline")
    table = specialist.get("/staff/shortlist/csv")
    assert table.mimetype == "text/csv" and "attachment" in table.headers["Content-Disposition"]
    printed = specialist.get("/staff/shortlist/print")
    assert 'href="/static/css/print.css" media="print"' in printed.get_data(as_text=True)
    for response in (text, table, printed):
        assert "no-store" in response.headers["Cache-Control"]
        assert response.headers["X-Robots-Tag"] == "noindex"
    assert csv_rows(specialist)[1][-1] == '\'=HYPERLINK("x")'


def test_a_listing_the_public_does_not_see_is_marked_on_the_shortlist(site, specialist):
    with database(site) as session:
        pending = session.scalars(select(Center).where(Center.status == ListingStatus.PENDING)).first()
        pending_id, name = str(pending.id), pending.name
    add(specialist, pending_id)
    page = unescape(specialist.get("/staff/shortlist").get_data(as_text=True))
    assert f'{name}</a> <span class="badge badge-closed">pending</span>' in page
    assert text_export(specialist).startswith(f"1. {name} (listing pending)\n")
    printed = unescape(specialist.get("/staff/shortlist/print").get_data(as_text=True))
    assert f"{name} (listing pending)</h2>" in printed


def test_anonymous_visitors_are_sent_to_sign_in(site):
    client = site.test_client()
    for path in (
        "/staff/shortlist",
        "/staff/shortlist/text",
        "/staff/shortlist/csv",
        "/staff/shortlist/print",
    ):
        response = client.get(path)
        assert response.status_code == 302 and response.location.startswith("/staff/login"), path


def test_signing_out_ends_the_shortlist(site, nearby):
    client = site.test_client()
    assert sign_in(client, SPECIALIST).status_code == 303
    add(client, nearby[0]["id"], near="10016")
    assert names_in_text(text_export(client)) == [nearby[0]["name"]]
    assert post(client, "/staff/logout").status_code == 303
    assert sign_in(client, SPECIALIST).status_code == 303
    assert text_export(client) == "The shortlist is empty.\n"


def test_the_button_for_a_center_page_reads_add_to_shortlist_and_comes_back_there(site, nearby):
    use = '{% from "staff/_shortlist_button.html" import shortlist_button %}{{ shortlist_button(id, name) }}'
    with site.test_request_context("/staff/centers/some-center?tab=notes"):
        html = render_template_string(use, id=uuid.UUID(nearby[0]["id"]), name=nearby[0]["name"])
    visible = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", html)
    assert '<button type="submit">Add to shortlist</button>' in visible
    assert f'Add<span class="visually-hidden"> {escape(nearby[0]["name"])}</span> to shortlist' in html
    fields = {name: unescape(value) for name, value in HIDDEN.findall(html)}
    assert fields["next"] == "/staff/centers/some-center?tab=notes" and fields["near"] == ""

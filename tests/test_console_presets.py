"""The console's presets: list, apply with the caller's place, save, rename, delete, promote (admins).

Every change goes through the preset operations, so each is audited; the forms carry the current
search and bring the specialist back to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, delete, select
from werkzeug.datastructures import MultiDict

from directory.models import AuditEvent, Role, SearchPreset, User
from directory.public.search_args import parse_search_args
from directory.search import Viewer, get_search_service, search_centers
from tests.conftest import sample_site
from tests.staff_accounts import add_staff, csrf_token, database, sign_in

SPECIALIST = "specialist@example.org"
OTHER = "other@example.org"
ADMIN = "admin@example.org"
SEARCH = "therapy=esketamine&payment=medicare&near=84101&radius=100"
PRESET_ITEM = re.compile(r'<li data-preset-id="([^"]+)">\s*<a href="([^"]+)">([^<]+)</a>')
ROW_ID = re.compile(r'<tr data-center-id="([^"]+)">')


@pytest.fixture(scope="module")
def site(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The sample directory (with the shipped team presets), two specialists and an admin."""
    with sample_site(database_url, engine, tmp_path_factory.mktemp("console-presets-index")) as app:
        with database(app) as session:
            add_staff(session, SPECIALIST)
            add_staff(session, OTHER)
            add_staff(session, ADMIN, Role.ADMIN)
        yield app


@pytest.fixture(scope="module")
def clients(site: Flask) -> dict[str, FlaskClient]:
    """A signed-in client per account."""
    signed_in = {}
    for email in (SPECIALIST, OTHER, ADMIN):
        client = site.test_client()
        assert sign_in(client, email).status_code == 303
        signed_in[email] = client
    return signed_in


@pytest.fixture(autouse=True)
def no_personal_presets(site: Flask) -> Iterator[None]:
    """Each test starts with only the team presets the sample ships."""
    yield
    with database(site) as session:
        session.execute(delete(SearchPreset).where(SearchPreset.owner_id.is_not(None)))
        session.commit()


def presets_on(page: str) -> dict[str, tuple[str, str]]:
    """Return the presets listed on a console page: name → (id, apply URL)."""
    return {unescape(name): (preset_id, unescape(url)) for preset_id, url, name in PRESET_ITEM.findall(page)}


def post(client: FlaskClient, url: str, **form: str):
    """Post a console form with a fresh CSRF token and the search it came from."""
    form.setdefault("search", SEARCH)
    return client.post(url, data={"csrf_token": csrf_token(client, "/staff/search"), **form})


def save(client: FlaskClient, name: str, search: str = SEARCH):
    return post(client, "/staff/presets", name=name, search=search)


def find(site: Flask, name: str) -> SearchPreset | None:
    with database(site) as session:
        return session.scalar(select(SearchPreset).where(SearchPreset.name == name))


def events(site: Flask, action: str, record_id: str) -> list[AuditEvent]:
    with database(site) as session:
        query = select(AuditEvent).where(AuditEvent.action == action, AuditEvent.record_id == record_id)
        return list(session.scalars(query))


def test_the_search_screen_lists_the_team_presets_for_everyone(site, clients):
    page = clients[SPECIALIST].get("/staff/search").get_data(as_text=True)
    with database(site) as session:
        team = session.scalars(select(SearchPreset.name).where(SearchPreset.shared)).all()
    assert team and set(team) <= set(presets_on(page))
    assert "You have not saved a preset yet." in page


def test_saving_keeps_the_filters_not_the_callers_place_and_audits_it(site, clients):
    response = save(clients[SPECIALIST], "Spravato with Medicare")
    assert response.status_code == 303
    assert response.location == f"/staff/search?{SEARCH}"
    preset = find(site, "Spravato with Medicare")
    assert preset.params == {"therapy": ["esketamine"], "payment": ["medicare"], "radius": ["100"]}
    assert not preset.shared
    with database(site) as session:
        owner = session.get(User, preset.owner_id)
    assert owner.email == SPECIALIST
    [event] = events(site, "preset.saved", str(preset.id))
    assert event.actor_id == preset.owner_id
    page = clients[SPECIALIST].get(response.location).get_data(as_text=True)
    assert "Saved your preset “Spravato with Medicare”." in page
    assert "Spravato with Medicare" in presets_on(page)
    other_page = clients[OTHER].get("/staff/search").get_data(as_text=True)
    assert "Spravato with Medicare" not in presets_on(other_page)


def test_applying_a_preset_keeps_the_callers_place_and_runs_its_search(site, clients):
    save(clients[SPECIALIST], "Spravato with Medicare", search="therapy=esketamine&payment=medicare")
    page = clients[SPECIALIST].get("/staff/search?q=clinic&near=43215&radius=250").get_data(as_text=True)
    _, url = presets_on(page)["Spravato with Medicare"]
    path, _, query = url.partition("?")
    assert path == "/staff/search"
    applied = MultiDict(parse_qsl(query))
    assert applied.to_dict(flat=False) == {
        "therapy": ["esketamine"],
        "payment": ["medicare"],
        "near": ["43215"],
        "radius": ["250"],
    }
    response = clients[SPECIALIST].get(url)
    assert response.status_code == 200
    with site.test_request_context():
        vocabulary = get_search_service().index.vocabulary
        expected = search_centers(parse_search_args(applied, vocabulary).to_query(), Viewer.STAFF)
    assert ROW_ID.findall(response.get_data(as_text=True)) == [hit["id"] for hit in expected.hits]


def test_a_team_preset_with_its_own_distance_keeps_it_and_takes_the_callers_place(site, clients):
    page = clients[SPECIALIST].get("/staff/search?near=84101&radius=10").get_data(as_text=True)
    _, url = presets_on(page)["Ketamine near caller, self-pay"]
    applied = dict(parse_qsl(urlsplit(url).query))
    assert applied["near"] == "84101" and applied["radius"] == "50"
    assert clients[SPECIALIST].get(url).status_code == 200


@pytest.mark.parametrize(
    ("name", "search", "message"),
    [
        ("", SEARCH, "Give the preset a name"),
        ("Nothing chosen", "near=84101", "A preset needs at least one filter or search words."),
        ("Bad status", "therapy=esketamine&status=lost", "There is no listing status"),
    ],
)
def test_a_preset_that_cannot_be_saved_answers_400_with_the_reason(site, clients, name, search, message):
    response = save(clients[SPECIALIST], name, search=search)
    assert response.status_code == 400
    assert message in unescape(response.get_data(as_text=True))
    with database(site) as session:
        assert session.scalars(select(SearchPreset).where(SearchPreset.owner_id.is_not(None))).all() == []


def test_a_second_preset_of_the_same_name_is_refused(clients):
    assert save(clients[SPECIALIST], "Mine").status_code == 303
    response = save(clients[SPECIALIST], "mine")
    assert response.status_code == 400
    assert "already exists" in unescape(response.get_data(as_text=True))


def test_saving_without_the_csrf_token_changes_nothing(site, clients):
    response = clients[SPECIALIST].post("/staff/presets", data={"name": "No token", "search": SEARCH})
    assert response.status_code == 400
    assert find(site, "No token") is None


def test_rename_and_delete_ones_own_preset(site, clients):
    save(clients[SPECIALIST], "Old name")
    preset_id = str(find(site, "Old name").id)
    response = post(clients[SPECIALIST], f"/staff/presets/{preset_id}/rename", name="New name")
    assert response.status_code == 303 and response.location == f"/staff/search?{SEARCH}"
    assert find(site, "New name") is not None and find(site, "Old name") is None
    [renamed] = events(site, "preset.renamed", preset_id)
    assert renamed.before == {"name": "Old name"} and renamed.after == {"name": "New name"}
    assert post(clients[SPECIALIST], f"/staff/presets/{preset_id}/delete").status_code == 303
    assert find(site, "New name") is None
    assert len(events(site, "preset.deleted", preset_id)) == 1


def test_another_specialists_preset_is_not_found_and_a_team_preset_is_refused(site, clients):
    save(clients[OTHER], "Not yours")
    theirs = str(find(site, "Not yours").id)
    for action in ("rename", "delete"):
        response = post(clients[SPECIALIST], f"/staff/presets/{theirs}/{action}", name="Mine now")
        assert response.status_code == 404
    team = find(site, "TMS that takes Medicaid")
    response = post(clients[SPECIALIST], f"/staff/presets/{team.id}/rename", name="Renamed")
    assert response.status_code == 403
    assert "Only an admin can rename a team preset." in unescape(response.get_data(as_text=True))
    assert find(site, "TMS that takes Medicaid") is not None and find(site, "Not yours") is not None


def test_an_admin_promotes_a_preset_to_the_team(site, clients):
    save(clients[ADMIN], "Admin's pick")
    preset_id = str(find(site, "Admin's pick").id)
    page = clients[ADMIN].get("/staff/search").get_data(as_text=True)
    assert f"/staff/presets/{preset_id}/promote" in page
    response = post(clients[ADMIN], f"/staff/presets/{preset_id}/promote")
    assert response.status_code == 303
    assert find(site, "Admin's pick").shared
    assert len(events(site, "preset.promoted", preset_id)) == 1
    specialist_page = clients[SPECIALIST].get("/staff/search").get_data(as_text=True)
    assert "Admin's pick" in presets_on(specialist_page)
    with database(site) as session:
        session.execute(delete(SearchPreset).where(SearchPreset.name == "Admin's pick"))
        session.commit()


def test_a_specialist_may_not_promote_and_is_not_offered_it(site, clients):
    save(clients[SPECIALIST], "Please share")
    preset_id = str(find(site, "Please share").id)
    page = clients[SPECIALIST].get("/staff/search").get_data(as_text=True)
    assert "/promote" not in page
    response = post(clients[SPECIALIST], f"/staff/presets/{preset_id}/promote")
    assert response.status_code == 403
    assert not find(site, "Please share").shared
    assert events(site, "preset.promoted", preset_id) == []


def test_the_form_brings_back_only_a_console_search(site, clients):
    evil = urlencode({"q": "x", "next": "https://evil.example/"}) + "&\r\nLocation: https://evil.example/"
    response = save(clients[SPECIALIST], "Evil", search="therapy=esketamine&" + evil)
    assert response.status_code == 400  # 'next' is no search parameter
    assert find(site, "Evil") is None
    save(clients[SPECIALIST], "Fine")
    preset_id = str(find(site, "Fine").id)
    rename = f"/staff/presets/{preset_id}/rename"
    response = post(clients[SPECIALIST], rename, name="Fine 2", search="//evil.example")
    assert response.status_code == 303
    assert response.location.startswith("/staff/search")

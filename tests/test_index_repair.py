"""Fault test: damage the serving index of a running site; it keeps answering, says so, and repairs itself.

Runs on the test database (SQLite, or PostgreSQL with ``TEST_DATABASE_URL``). The sample
directory is loaded once; each test gets a node with its own index folder. The background
rebuild is held at a gate so the test can look at the site while it runs, then joined (no sleeps).
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from directory import create_app
from directory.search import SearchService, get_search_service
from search_index import storage
from tests.conftest import sample_site
from tests.public_pages import card_ids
from tests.test_index_faults import DAMAGE

CENTER_PAGE = "/centers/eskerlane-mood-clinic"
ARTICLE_PAGE = "/articles/ketamine-for-depression"
LANDING_PAGE = "/therapies/ketamine-assisted-therapy"
SEARCH_PAGE = "/search?q=ketamine"


@pytest.fixture(scope="module")
def site(database_url, engine, tmp_path_factory) -> Iterator[Flask]:
    """The sample directory in the database (loaded once for the module)."""
    with sample_site(database_url, engine, tmp_path_factory.mktemp("index")) as app:
        yield app


@pytest.fixture
def node(site, database_url, tmp_path) -> Iterator[Flask]:
    """A node of the site with an index folder of its own (no index yet)."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "tests",
            "SEARCH_INDEX_DIR": str(tmp_path / "index"),
            "SEARCH_SYNC_INTERVAL": 0.0,
        }
    )
    yield app
    service = get_search_service(app)
    assert service.repair.wait(timeout=60), "the background rebuild did not finish"
    service.index.close()
    app.extensions["database"].dispose()


def copy_site_index(site: Flask, node: Flask, *, previous: bool) -> Path:
    """Give ``node`` a copy of the site's index (and a copy of its generation as a previous one)."""
    root = Path(node.config["SEARCH_INDEX_DIR"])
    shutil.copytree(site.config["SEARCH_INDEX_DIR"], root)
    if previous:
        current = storage.current_generation(root)
        shutil.copytree(current, root / f"{storage.GENERATION_PREFIX}{0:020d}-0")
    return root


def hold_rebuilds(service: SearchService, monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Make the node's rebuilds wait until the returned event is set (then they run for real)."""
    release = threading.Event()
    real_rebuild = service.sync.rebuild

    def gated(*args, **kwargs):
        release.wait(timeout=60)
        return real_rebuild(*args, **kwargs)

    monkeypatch.setattr(service.sync, "rebuild", gated)
    return release


def index_check(app: Flask) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["index", "check"])
    return result.exit_code, result.output


def index_state(app: Flask) -> dict:
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    return response.get_json()


def generations(root: Path) -> list[str]:
    return sorted(path.name for path in root.glob(f"{storage.GENERATION_PREFIX}*"))


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_damaged_index_with_a_previous_generation_keeps_answering_and_repairs_itself(
    site, node, damage, monkeypatch, caplog
):
    root = copy_site_index(site, node, previous=True)
    service = get_search_service(node)
    damaged = storage.current_generation(root)
    damaged_file = damage(damaged)
    release = hold_rebuilds(service, monkeypatch)
    client = node.test_client()

    with caplog.at_level(logging.INFO):
        search = client.get(SEARCH_PAGE)
        assert search.status_code == 200
        found_meanwhile = card_ids(search.get_data(as_text=True))
        assert found_meanwhile
        assert client.get(CENTER_PAGE).status_code == 200
        assert client.get(LANDING_PAGE).status_code == 200
        health = index_state(node)
        assert (health["index"], health["status"]) == ("rebuilding", "degraded")
        assert health["database"] == "ok"

        release.set()
        assert service.repair.wait(timeout=60)

    noticed = [r for r in caplog.records if damaged.name in r.getMessage()]
    assert len(noticed) == 1, "the damage is logged once"
    assert damaged_file in noticed[0].getMessage()
    assert "ketamine" not in caplog.text  # no search term reaches the log
    health = index_state(node)
    assert (health["index"], health["status"]) == ("ok", "ok")
    assert storage.current_generation(root) != damaged
    code, output = index_check(node)
    assert code == 0, output
    assert "matches the database" in output
    assert card_ids(client.get(SEARCH_PAGE).get_data(as_text=True)) == found_meanwhile


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_damaged_index_without_a_previous_generation_answers_503_until_rebuilt(
    site, node, damage, monkeypatch
):
    root = copy_site_index(site, node, previous=False)
    service = get_search_service(node)
    damaged = storage.current_generation(root)
    damage(damaged)
    release = hold_rebuilds(service, monkeypatch)
    client = node.test_client()

    for url in (SEARCH_PAGE, LANDING_PAGE):
        response = client.get(url)
        assert response.status_code == 503, url
        page = response.get_data(as_text=True)
        assert "988" in page
        assert "search is being rebuilt" in page.lower()
        assert int(response.headers["Retry-After"]) > 0
        assert "no-store" in response.headers["Cache-Control"]
    center = client.get(CENTER_PAGE)  # the center itself comes from the database
    assert center.status_code == 200
    assert "Eskerlane" in center.get_data(as_text=True)
    assert client.get(ARTICLE_PAGE).status_code == 200  # so do articles
    health = index_state(node)
    assert (health["index"], health["status"]) == ("rebuilding", "degraded")

    release.set()
    assert service.repair.wait(timeout=60)

    assert client.get(SEARCH_PAGE).status_code == 200
    assert card_ids(client.get(SEARCH_PAGE).get_data(as_text=True))
    assert index_state(node)["index"] == "ok"
    code, output = index_check(node)
    assert code == 0, output
    assert "matches the database" in output


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_index_check_explains_the_damage(site, node, damage):
    root = copy_site_index(site, node, previous=False)
    service = get_search_service(node)
    damaged = storage.current_generation(root)
    damaged_file = damage(damaged)

    code, output = index_check(node)

    assert code == 1
    assert "Aborted" not in output
    assert damaged.name in output
    assert damaged_file in output
    assert "flask index rebuild" in output
    assert service.repair.running is False  # a check only reports; the command rebuilds


def test_no_second_rebuild_while_another_process_rebuilds(site, node):
    root = copy_site_index(site, node, previous=False)
    service = get_search_service(node)
    truncate = DAMAGE["truncated segment"]
    truncate(storage.current_generation(root))
    before = generations(root)
    client = node.test_client()

    with storage.rebuild_lock(root, timeout=0):  # as another process on this index folder would
        assert client.get(SEARCH_PAGE).status_code == 503
        assert service.repair.wait(timeout=60)
        assert generations(root) == before  # this node did not build a second one
        assert index_state(node)["index"] == "rebuilding"

    # That process went away without finishing: the next search starts this node's own rebuild.
    assert client.get(SEARCH_PAGE).status_code == 503
    assert service.repair.wait(timeout=60)
    assert client.get(SEARCH_PAGE).status_code == 200
    assert index_state(node)["index"] == "ok"


def test_health_check_notices_damage_under_a_running_node(site, node, monkeypatch):
    copy_site_index(site, node, previous=False)
    service = get_search_service(node)
    client = node.test_client()
    assert client.get(SEARCH_PAGE).status_code == 200
    assert index_state(node)["index"] == "ok"
    release = hold_rebuilds(service, monkeypatch)

    DAMAGE["missing segment"](storage.current_generation(service.index.root))

    assert index_state(node)["index"] == "rebuilding"
    release.set()
    assert service.repair.wait(timeout=60)
    assert index_state(node)["index"] == "ok"


def test_health_reports_a_missing_index(node):
    health = index_state(node)
    assert (health["index"], health["status"]) == ("missing", "degraded")


def test_a_node_without_an_index_answers_503_while_another_process_builds_it(node):
    root = Path(node.config["SEARCH_INDEX_DIR"])
    client = node.test_client()

    with storage.rebuild_lock(root, timeout=0):  # as another process on this index folder would
        response = client.get(SEARCH_PAGE)
        assert response.status_code == 503
        assert "988" in response.get_data(as_text=True)
        assert index_state(node)["index"] == "rebuilding"

    assert client.get(SEARCH_PAGE).status_code == 200  # the next search builds it
    assert index_state(node)["index"] == "ok"

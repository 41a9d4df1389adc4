"""The index follows the database: every committed change is searchable; nothing is lost or invented."""

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update

from directory import create_app
from directory.database import get_session
from directory.indexing import IndexNotBuilt, check_drift, record_changes
from directory.models import Center, Location, SearchChange
from directory.operations.taxonomy import TermIndex
from directory.search import CenterQuery, Viewer, get_search_service, search_centers
from search_index import IndexBusy, SyncState
from search_index.storage import sync_lock


@pytest.fixture
def service(app, vocabulary):
    """The app's search service with a built (empty) index."""
    app.config["SEARCH_SYNC_INTERVAL"] = 0.0
    with app.app_context():
        service = get_search_service()
        service.rebuild()
    return service


def found(query: CenterQuery | str, viewer=Viewer.STAFF) -> list[str]:
    query = CenterQuery(text=query) if isinstance(query, str) else query
    return [hit["name"] for hit in search_centers(query, viewer).hits]


def test_commit_makes_a_center_searchable(service, create_center, session):
    create_center(name="Quillmere Ketamine Clinic", status="published")
    session.commit()
    assert found("quillmere") == ["Quillmere Ketamine Clinic"]
    assert found(CenterQuery(text="quillmere"), Viewer.PUBLIC) == ["Quillmere Ketamine Clinic"]


def test_rollback_records_nothing_and_indexes_nothing(service, create_center, session):
    create_center(name="Vanishing Infusion Center")
    session.rollback()
    assert session.scalar(select(func.count()).select_from(SearchChange)) == 0
    assert found("vanishing") == []


def test_change_to_a_related_row_reindexes_the_center(service, create_center, session):
    center = create_center(name="Larkmoor Behavioral Health", status="published")
    session.commit()
    center.locations[0].city = "Ogden"
    center.terms = TermIndex.load(session).resolve({"therapy": ["esketamine"]})
    session.commit()
    assert found(CenterQuery(text="ogden")) == ["Larkmoor Behavioral Health"]
    assert found(CenterQuery(filters={"therapy": ("esketamine",)})) == ["Larkmoor Behavioral Health"]
    assert found("spravato") == ["Larkmoor Behavioral Health"]


def test_replacing_a_location_reindexes_the_center(service, create_center, session):
    center = create_center(name="Thistledown Recovery", status="published")
    session.commit()
    center.locations = [
        Location(position=0, address_1="9 Elm St", city="Boulder", state="CO", postal_code="80302")
    ]
    session.commit()
    assert found(CenterQuery(filters={"state": ("CO",)})) == ["Thistledown Recovery"]


def test_deleting_a_center_removes_it(service, create_center, session):
    center = create_center(name="Brief Lantern Clinic")
    session.commit()
    assert found("lantern") == ["Brief Lantern Clinic"]
    session.delete(center)
    session.commit()
    assert found("lantern") == []


def test_bulk_update_goes_through_the_log(service, create_center, session):
    ids = [create_center(name=f"Bulkwater Center {n}", status="published").id for n in range(3)]
    session.commit()
    session.execute(update(Center).where(Center.id.in_(ids[:2])).values(status="closed"))
    assert record_changes(session, ids[:2]) == 2
    session.commit()
    public = CenterQuery(text="bulkwater")
    assert found(public, Viewer.PUBLIC) == ["Bulkwater Center 2"]
    closed = search_centers(CenterQuery(text="bulkwater", include_closed=True), Viewer.PUBLIC)
    assert {hit["name"]: hit["status"] for hit in closed.hits} == {
        "Bulkwater Center 0": "closed",
        "Bulkwater Center 1": "closed",
        "Bulkwater Center 2": "published",
    }


def test_a_crash_between_commit_and_index_write_is_caught_up_by_sync(
    service, create_center, session, runner, monkeypatch
):
    monkeypatch.setattr("directory.search._sync_after_commit", lambda app: None)
    service.sync.check_interval = 3600.0
    create_center(name="Crashproof Clinic", status="published")
    session.commit()
    assert found("crashproof") == []
    result = runner.invoke(args=["index", "sync"])
    assert result.exit_code == 0, result.output
    assert "1 updated" in result.output
    assert found("crashproof") == ["Crashproof Clinic"]


def test_a_stale_search_catches_up_by_itself(service, create_center, session, monkeypatch):
    monkeypatch.setattr("directory.search._sync_after_commit", lambda app: None)
    create_center(name="Selfheal Wellness", status="published")
    session.commit()
    service.sync.check_interval = 0.0
    assert found("selfheal") == ["Selfheal Wellness"]


def test_a_held_lock_leaves_changes_in_the_log_and_never_fails_the_commit(
    service, create_center, session, app
):
    with sync_lock(service.index.root, timeout=1.0):
        create_center(name="Patient Harbor Clinic", status="published")
        session.commit()  # the after-commit sync finds the lock held and gives up quietly
        with pytest.raises(IndexBusy):
            service.sync.sync(timeout=0.1)
    service.sync.check_interval = 3600.0
    assert found("patient harbor") == []
    service.sync.sync()
    assert found("patient harbor") == ["Patient Harbor Clinic"]


def test_two_index_directories_on_one_database_converge(
    service, create_center, session, app, database_url, tmp_path
):
    other = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "x",
            "SEARCH_INDEX_DIR": str(tmp_path / "node-b"),
        }
    )
    other.config["SEARCH_SYNC_INTERVAL"] = 0.0
    with other.app_context():
        get_search_service().rebuild()
    create_center(name="Twinlake Psychiatry", status="published")
    session.commit()
    center = session.scalar(select(Center).where(Center.name == "Twinlake Psychiatry"))
    center.name = "Twinlake Psychiatry Group"
    session.commit()
    with other.app_context():
        assert found("twinlake") == ["Twinlake Psychiatry Group"]
        drift = check_drift(get_search_service().sync)
        get_session().close()
    assert found("twinlake") == ["Twinlake Psychiatry Group"]
    assert drift.total == 0
    other.extensions["database"].dispose()


def test_rebuild_during_searches_never_shows_an_empty_or_partial_index(service, create_center, session, app):
    for n in range(40):
        create_center(name=f"Steadfast Center {n}", status="published")
    session.commit()
    totals: list[int] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def search_loop() -> None:
        with app.app_context():
            while not stop.is_set():
                try:
                    totals.append(search_centers(CenterQuery(text="steadfast"), Viewer.PUBLIC).total)
                except BaseException as error:
                    errors.append(error)
                    return
                finally:
                    get_session().close()

    thread = threading.Thread(target=search_loop)
    thread.start()
    try:
        for _ in range(3):
            service.rebuild()
    finally:
        stop.set()
        thread.join()
    assert not errors
    assert totals and set(totals) == {40}


def test_index_check_finds_planted_drift(service, create_center, session, runner):
    kept = create_center(name="Driftless Clinic", status="published")
    stale = create_center(name="Stalewater Clinic", status="published")
    session.commit()
    ok = runner.invoke(args=["index", "check"])
    assert ok.exit_code == 0, ok.output
    assert "matches the database (2 listings)" in ok.output
    state = service.index.state()
    ghost = {**_doc(kept), "id": "00000000-0000-0000-0000-000000000001", "name": "Ghost Clinic"}
    service.index.apply([{**_doc(stale), "name": "Stalewater (old name)"}, ghost], [str(kept.id)], state)
    result = runner.invoke(args=["index", "check"])
    assert result.exit_code == 1
    assert f"missing: Driftless Clinic ({kept.id})" in result.output
    assert f"stale: Stalewater Clinic ({stale.id})" in result.output
    assert "extra: unknown listing (00000000-0000-0000-0000-000000000001)" in result.output
    assert "1 missing, 1 stale, 1 extra" in result.output


def _doc(center):
    from directory.indexing import document_for

    return document_for(center)


def test_sync_without_an_index_says_to_rebuild(app, vocabulary, runner):
    result = runner.invoke(args=["index", "sync"])
    assert result.exit_code == 1
    assert "flask index rebuild" in result.output
    with app.app_context(), pytest.raises(IndexNotBuilt):
        get_search_service().sync.sync()


def test_rebuild_command_reports_the_count(app, vocabulary, create_center, session, runner):
    create_center(name="Countable Clinic", status="published")
    session.commit()
    result = runner.invoke(args=["index", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Indexed 1 listings" in result.output


def test_missing_change_ids_are_awaited_then_given_up(service):
    sync = service.sync
    state = SyncState(schema_version=1, applied_through=10)
    after = sync._advance(state, [11, 13, 14])
    assert after.applied_through == 14 and set(after.gaps) == {12}
    later = sync._advance(after, [12])
    assert later.gaps == {}
    sync.gap_grace = 0.0
    assert sync._advance(after, []).gaps == {}


def test_changed_at_is_recorded(service, create_center, session):
    before = datetime.now(UTC)
    center = create_center()
    session.commit()
    change = session.scalar(select(SearchChange).where(SearchChange.center_id == center.id))
    assert change.changed_at >= before.replace(microsecond=0)


def test_a_failed_sync_logs_no_listing_text_and_loses_nothing(
    service, create_center, session, monkeypatch, caplog
):
    def failing_apply(upserts, *_args, **_kwargs):
        raise RuntimeError(f"could not index {list(upserts)!r}")  # the documents: names, addresses

    monkeypatch.setattr(service.index, "apply", failing_apply)  # a fault no real index raises on demand
    caplog.set_level("DEBUG")
    create_center(name="Quartzwood Hollow Clinic", status="published")
    session.commit()  # the after-commit sync fails quietly
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "search index sync failed (RuntimeError)" in logged
    assert "Quartzwood" not in logged
    monkeypatch.undo()
    service.sync.sync()
    assert found("quartzwood") == ["Quartzwood Hollow Clinic"]

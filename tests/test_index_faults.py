"""A damaged index generation is noticed, named and set aside; searches use the last good one or fail clearly.

Real Whoosh indexes in temporary folders, damaged on disk the ways files really break: a segment
file cut short, a segment file gone, a table of contents overwritten with garbage.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from search_index import IndexCorrupt, SearchIndex, SearchRequest, SyncState, Vocabulary, storage
from search_index.schema import SCHEMA_VERSION
from tests.conftest import DATA_DIR
from tests.search_fixture import listing_documents

TAXONOMY = json.loads((DATA_DIR / "taxonomy.json").read_text(encoding="utf-8"))
VOCABULARY = Vocabulary.from_json(TAXONOMY)
DOCS = listing_documents()
#: Listings only the newest generation holds, so an answer shows which generation gave it.
NEWER_ONLY = {"c10", "c18"}
OLDER = [doc for doc in DOCS if doc["id"] not in NEWER_ONLY]
ALL_STATUSES = ("published", "closed", "pending", "draft", "suspended")


def segment_file(generation: Path) -> Path:
    return next(generation.glob("*.seg"))


def toc_file(generation: Path) -> Path:
    return next(generation.glob("_*.toc"))


def truncate_segment(generation: Path) -> str:
    path = segment_file(generation)
    os.truncate(path, path.stat().st_size // 2)
    return path.name


def remove_segment(generation: Path) -> str:
    path = segment_file(generation)
    path.unlink()
    return path.name


def garble_toc(generation: Path) -> str:
    path = toc_file(generation)
    path.write_bytes(bytes(range(256)) * 4)
    return path.name


DAMAGE: dict[str, Callable[[Path], str]] = {
    "truncated segment": truncate_segment,
    "missing segment": remove_segment,
    "garbage table of contents": garble_toc,
}


def build(root: Path, *generations: list[dict]) -> SearchIndex:
    """Build one generation per document list (the last is current) and return a fresh reader of it."""
    for docs in generations:
        writer = SearchIndex(root, VOCABULARY)
        writer.rebuild(docs, SyncState(schema_version=SCHEMA_VERSION))
        writer.close()
    return SearchIndex(root, VOCABULARY)


def ketamine_ids(index: SearchIndex) -> set[str]:
    result = index.search(SearchRequest(text="ketamine", statuses=ALL_STATUSES, per_page=100))
    return {hit.id for hit in result.hits}


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """What an undamaged index of each document list answers for "ketamine"."""
    older = build(tmp_path_factory.mktemp("older"), OLDER)
    newer = build(tmp_path_factory.mktemp("newer"), DOCS)
    found = {"older": ketamine_ids(older), "newer": ketamine_ids(newer)}
    assert found["older"] != found["newer"]  # the two generations tell themselves apart
    older.close()
    newer.close()
    return found


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_damage_found_on_open_falls_back_to_the_previous_generation(tmp_path, answers, damage):
    index = build(tmp_path, OLDER, DOCS)
    current = storage.current_generation(tmp_path)
    damaged_file = damage(current)

    assert ketamine_ids(index) == answers["older"]
    fault = index.fault
    assert fault is not None
    assert fault.generation == current
    assert fault.file == damaged_file
    assert fault.error
    assert index.serving != current


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_damage_with_no_previous_generation_raises_index_corrupt(tmp_path, damage):
    index = build(tmp_path, DOCS)
    current = storage.current_generation(tmp_path)
    damaged_file = damage(current)

    with pytest.raises(IndexCorrupt) as raised:
        ketamine_ids(index)
    assert raised.value.fault.file == damaged_file
    assert raised.value.fault.generation == current
    # Noticed once: the next search does not open the damaged files again, and says the same.
    with pytest.raises(IndexCorrupt):
        ketamine_ids(index)
    assert index.fault == raised.value.fault


def test_segment_cut_short_under_an_open_index_is_noticed_on_the_failed_read(tmp_path, answers):
    index = build(tmp_path, OLDER, DOCS)
    current = storage.current_generation(tmp_path)
    assert index.search(SearchRequest(statuses=ALL_STATUSES)).total == len(DOCS)  # opened and read

    segment = segment_file(current)
    os.truncate(segment, 64)  # every part of the file now ends past its end
    damaged_file = segment.name

    # Searches read the segment's side file, which is whole: they still answer, and rightly.
    assert ketamine_ids(index) == answers["newer"]
    # The first read of the segment itself (did-you-mean's words) fails: the damage is noticed
    # and the old generation answers from then on.
    index.search(SearchRequest(text="ketamne", statuses=ALL_STATUSES))
    assert index.fault is not None
    assert index.fault.file == damaged_file
    assert ketamine_ids(index) == answers["older"]


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_check_files_finds_damage_under_an_open_index(tmp_path, answers, damage):
    index = build(tmp_path, OLDER, DOCS)
    current = storage.current_generation(tmp_path)
    assert index.check_files() is None
    assert index.search(SearchRequest(statuses=ALL_STATUSES)).total == len(DOCS)

    damaged_file = damage(current)

    fault = index.check_files()
    assert fault is not None and fault.file == damaged_file
    assert index.fault == fault
    assert ketamine_ids(index) == answers["older"]


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_deep_check_names_generation_file_and_error(tmp_path, damage):
    index = build(tmp_path, DOCS)
    assert index.check_files(deep=True) is None
    current = storage.current_generation(tmp_path)
    damaged_file = damage(current)

    fault = SearchIndex(tmp_path, VOCABULARY).check_files(deep=True)

    assert fault is not None
    assert (fault.generation, fault.file) == (current, damaged_file)
    text = fault.describe()
    assert current.name in text and damaged_file in text and fault.error in text


def test_rebuild_replaces_the_damaged_generation_and_ends_the_fault(tmp_path, answers):
    index = build(tmp_path, OLDER, DOCS)
    damaged = storage.current_generation(tmp_path)
    truncate_segment(damaged)
    assert ketamine_ids(index) == answers["older"]

    index.rebuild(DOCS, SyncState(schema_version=SCHEMA_VERSION))

    assert index.fault is None
    assert index.check_files(deep=True) is None
    assert ketamine_ids(index) == answers["newer"]
    assert not damaged.exists()
    # The good previous generation is kept for the next fault.
    assert len(list(tmp_path.glob(f"{storage.GENERATION_PREFIX}*"))) == 2


def test_a_failure_that_is_not_damage_is_not_hidden(tmp_path, monkeypatch):
    index = build(tmp_path, DOCS)
    ketamine_ids(index)

    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("a bug, not a damaged file")

    monkeypatch.setattr("search_index.index.run_search", broken)
    with pytest.raises(ZeroDivisionError):
        ketamine_ids(index)
    assert index.fault is None


def test_the_shared_segment_file_seeks_from_start_current_and_end(tmp_path):
    from search_index.integrity import _SharedFile

    path = tmp_path / "part.seg"
    path.write_bytes(b"0123456789")
    shared = _SharedFile(str(path))
    try:
        assert shared.seek(3) == 3 and shared.read(2) == b"34"
        assert shared.seek(2, os.SEEK_CUR) == 7 and shared.read(1) == b"7"
        assert shared.seek(-4, os.SEEK_END) == 6 and shared.read() == b"6789"
        with pytest.raises(ValueError):
            shared.seek(0, 7)
    finally:
        shared.close()

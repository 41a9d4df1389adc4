"""Did-you-mean on a real index: cheap for words the index does not know, and never under the search lock.

The index is built once per module from ``tests/search_fixture.py``. Whoosh's readers are watched
through counting wrappers (nothing is mocked): once a segment's words have been read, a search
with an unknown word reads no lexicon again.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from whoosh.reading import SegmentReader

from search_index import (
    SearchIndex,
    SearchRequest,
    SearchResult,
    SyncState,
    Vocabulary,
    groups_from_json,
    spelling,
)
from search_index.query import MAX_QUERY_LENGTH
from search_index.spelling import MAX_CORRECTED_WORDS, Speller
from tests.conftest import DATA_DIR
from tests.search_fixture import listing_documents

TAXONOMY = json.loads((DATA_DIR / "taxonomy.json").read_text(encoding="utf-8"))
SYNONYMS = json.loads((DATA_DIR / "synonyms.json").read_text(encoding="utf-8"))
#: Text searches the fixture's words cannot answer, each of which asks for a did-you-mean.
HOSTILE_QUERIES = [
    "xyzzyplugh",
    "title:foo OR *",
    "psychedelicz",
    "ketamne zzqxv",
    ("qwertyuiop asdfghjkl " * 10)[:MAX_QUERY_LENGTH],
    "k" * MAX_QUERY_LENGTH,
    " ".join(["ketamne"] * 40)[:MAX_QUERY_LENGTH],
]
#: How long a thread is given to finish before the test calls it stuck (a bound, never a sleep).
STUCK_AFTER_S = 10.0


def make_index(root: Path) -> SearchIndex:
    return SearchIndex(root, Vocabulary.from_json(TAXONOMY), groups_from_json(SYNONYMS), build_procs=1)


def built_index(root: Path, docs: list[dict[str, Any]] | None = None) -> SearchIndex:
    index = make_index(root)
    index.rebuild(listing_documents() if docs is None else docs, SyncState(schema_version=0))
    return index


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterable[SearchIndex]:
    built = built_index(tmp_path_factory.mktemp("suggest-index"))
    yield built
    built.close()


def search(index: SearchIndex, text: str, **fields: Any) -> SearchResult:
    return index.search(SearchRequest(text=text, per_page=100, **fields))


@pytest.fixture
def lexicon_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every walk over a Whoosh segment's term list (what spelling correctors do)."""
    reads: list[str] = []

    def counting(name: str) -> Callable[..., Any]:
        original = getattr(SegmentReader, name)

        def wrapper(self: SegmentReader, fieldname: str, *args: Any, **kwargs: Any) -> Any:
            reads.append(fieldname)
            return original(self, fieldname, *args, **kwargs)

        return wrapper

    for name in ("terms_from", "iter_from", "terms_within"):
        monkeypatch.setattr(SegmentReader, name, counting(name))
    return reads


@pytest.mark.parametrize("text", HOSTILE_QUERIES, ids=lambda text: repr(text)[:30])
def test_unknown_words_answer_without_walking_the_lexicon_again(index, lexicon_reads, text):
    first = search(index, text)
    lexicon_reads.clear()

    again = search(index, text)

    assert lexicon_reads == []
    assert again.total == first.total
    assert again.suggestion == first.suggestion
    if again.suggestion is not None:
        assert search(index, again.suggestion).total > again.total


@pytest.mark.parametrize("text", HOSTILE_QUERIES, ids=lambda text: repr(text)[:30])
def test_a_hostile_query_suggests_nothing_that_finds_no_more(index, text):
    result = search(index, text)

    assert result.total == 0
    if result.suggestion is not None:
        assert len(result.suggestion) <= MAX_QUERY_LENGTH
        assert search(index, result.suggestion).total > 0


def test_another_search_completes_while_a_suggestion_is_in_progress(index, monkeypatch):
    suggesting = threading.Event()
    may_finish = threading.Event()
    original = SearchIndex._suggest

    def held_suggest(self: SearchIndex, *args: Any, **kwargs: Any) -> Any:
        suggesting.set()
        may_finish.wait(STUCK_AFTER_S)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SearchIndex, "_suggest", held_suggest)
    results: dict[str, SearchResult] = {}
    typo = threading.Thread(target=lambda: results.update(typo=search(index, "ketamne")))
    typo.start()
    try:
        assert suggesting.wait(STUCK_AFTER_S)
        other = threading.Thread(target=lambda: results.update(other=search(index, "ketamine")))
        other.start()
        other.join(STUCK_AFTER_S)
        finished_while_suggesting = not other.is_alive()
    finally:
        may_finish.set()
        typo.join(STUCK_AFTER_S)
    other.join(STUCK_AFTER_S)

    assert finished_while_suggesting
    assert results["other"].total > 0
    assert results["typo"].suggestion == "ketamine"


def test_a_word_only_in_the_newest_segment_is_suggested(tmp_path):
    docs = listing_documents()
    built = built_index(tmp_path / "index", docs)
    try:
        assert search(built, "ketamne").suggestion == "ketamine"  # the first segment's words are read
        renamed = {**docs[0], "name": "Quillhaven Ketamine Clinic"}
        built.apply([renamed], [], SyncState(schema_version=0, applied_through=1))

        result = search(built, "quilhaven")

        assert result.total == 0
        assert result.suggestion == "quillhaven"
        assert [hit.id for hit in search(built, result.suggestion).hits] == [renamed["id"]]
    finally:
        built.close()


def test_each_segments_words_are_read_once_and_forgotten_when_merged_away(tmp_path, monkeypatch):
    reads: list[int] = []
    original = spelling.segment_words

    def counting(reader: Any, fields: Iterable[str]) -> dict[str, int]:
        reads.append(reader.doc_count_all())
        return original(reader, fields)

    monkeypatch.setattr(spelling, "segment_words", counting)
    docs = listing_documents()
    built = built_index(tmp_path / "index", docs)
    try:
        for text in ("ketamne", "depresion", "ketamne"):
            search(built, text)
        assert reads == [len(docs)]

        built.apply([{**docs[1], "name": "Brightwater Clinic"}], [], SyncState(schema_version=0))
        assert search(built, "brightwatr").suggestion == "brightwater"
        assert search(built, "depresion").suggestion == "depression"
        assert reads == [len(docs), 1]  # only the new one-listing segment

        built.clear_segments()
        assert search(built, "brightwatr").suggestion == "brightwater"
        assert reads[2:] == [len(docs)]  # the merged segment, once
        assert len(built._spelling._segments) == 1
    finally:
        built.close()


def test_a_query_with_more_unknown_words_than_the_bound_is_not_respelled(index, monkeypatch):
    corrected: list[str] = []
    original = Speller.closest

    def counting(self: Speller, word: str) -> str | None:
        corrected.append(word)
        return original(self, word)

    monkeypatch.setattr(Speller, "closest", counting)
    typos = ["ketamne", "depresion", "spravto", "famly", "lakesde", "therapyy"][: MAX_CORRECTED_WORDS + 1]

    assert search(index, " ".join(typos)).suggestion is None
    assert corrected == []
    assert search(index, " ".join(typos[:2])).suggestion == "ketamine depression"
    assert sorted(corrected) == ["depresion", "ketamne"]

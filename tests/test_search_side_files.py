"""Side files beside each Whoosh segment: written at build, never trusted, rebuilt when unusable.

Every test here compares answers with the answers a freshly opened index gives from good side
files, so a side file that is rebuilt, kept in memory or refused never changes a search.
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from whoosh.formats import Positions
from whoosh.query import Phrase

from search_index import (
    SCHEMA_VERSION,
    SearchIndex,
    SearchRequest,
    SyncState,
    bench,
    segments,
    sidefile,
    storage,
)
from search_index.analysis import analyze
from search_index.integrity import INDEX_NAME, GenerationStorage
from search_index.schema import TEXT_FIELDS, index_fields
from search_index.segments import ensure_side_files, extract, identity_of, lazy_arrays
from search_index.sidefile import (
    Identity,
    StaleSideFile,
    open_side_file,
    side_file_path,
    write_side_file,
)
from search_index.snapshot import bm25
from tests.search_fixture import listing_documents
from tests.test_search_index import make_index

#: Searches that read tags, every text field, phrases, synonyms, places and facets.
QUERIES = (
    SearchRequest(text="ketamine", per_page=100),
    SearchRequest(text="depression treatment", per_page=100),
    SearchRequest(text='"salt lake"', per_page=100),
    SearchRequest(text="spravato denver", per_page=100),
    SearchRequest(text="", filters={"state": ("UT",)}, per_page=100),
    SearchRequest(text="rehab", near=(40.76, -111.89), radius_miles=100, per_page=100),
    SearchRequest(text="", sort="name", per_page=100),
)


def answers(index: SearchIndex) -> list[Any]:
    """Return every detail of the answers to :data:`QUERIES` (hits, scores, distances, facets)."""
    found = []
    for request in QUERIES:
        result = index.search(request)
        found.append(
            (
                result.total,
                [(hit.id, hit.score, hit.distance_miles) for hit in result.hits],
                {scheme: [(f.code, f.count) for f in counts] for scheme, counts in result.facets.items()},
            )
        )
    return found


def with_updates(root: Path) -> SearchIndex:
    """Build the fixture's index, then apply two updates: three segments, one with deletions."""
    docs = listing_documents()
    index = make_index(root)
    index.rebuild(docs[:20], SyncState(schema_version=0))
    index.apply(docs[20:], [], SyncState(schema_version=0, applied_through=2))
    changed = {**docs[3], "description": docs[3]["description"] + " lakeside"}
    index.apply([changed], [docs[5]["id"]], SyncState(schema_version=0, applied_through=3))
    return index


def side_files(generation: Path) -> list[Path]:
    """Return the side files of a generation's current segments."""
    return sorted(side_file_path(generation, segment_id) for segment_id in segment_ids(generation))


def segment_ids(generation: Path) -> list[str]:
    files = GenerationStorage(generation)
    try:
        return [segment.segment_id() for segment in files.open_index(INDEX_NAME)._segments()]
    finally:
        files.close_opened()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterable[tuple[Path, list[Any]]]:
    """An index root with three segments and the answers it gives from its own side files."""
    root = tmp_path_factory.mktemp("side-files")
    index = with_updates(root)
    try:
        yield root, answers(index)
    finally:
        index.close()


@pytest.fixture
def copy(built: tuple[Path, list[Any]], tmp_path: Path) -> tuple[Path, Path, list[Any]]:
    """A copy of the built index root (to damage), its current generation and the expected answers."""
    source, expected = built
    root = tmp_path / "index"
    shutil.copytree(source, root, ignore=shutil.ignore_patterns("*.lock"))
    return root, generation_of(root), expected


def reopened_answers(root: Path) -> list[Any]:
    """Answer the queries from a newly opened index (as a restarted worker would)."""
    index = make_index(root)
    try:
        return answers(index)
    finally:
        index.close()


def generation_of(root: Path) -> Path:
    generation = storage.current_generation(root)
    assert generation is not None
    return generation


def test_every_segment_has_a_usable_side_file_after_build_and_updates(built):
    root, _ = built
    generation = generation_of(root)
    paths = side_files(generation)
    assert len(paths) == 3
    files = GenerationStorage(generation)
    try:
        reader = files.open_index(INDEX_NAME).reader()
        for leaf, _ in reader.leaf_readers():
            open_side_file(side_file_path(generation, leaf.segment().segment_id()), identity_of(leaf)).close()
        reader.close()
    finally:
        files.close_opened()


def test_side_files_hold_exactly_what_whoosh_reads_one_posting_at_a_time(built):
    """The block-at-a-time decoding equals Whoosh's public API, term by term and document by document."""
    assert {f"{field}.positions" for field in segments.POSTED_FIELDS} & set(extract_first(built[0]))
    root, _ = built
    files = GenerationStorage(generation_of(root))
    try:
        reader = files.open_index(INDEX_NAME).reader()
        for leaf, _ in reader.leaf_readers():
            arrays = extract(leaf)
            size = leaf.doc_count_all()
            for field in segments.POSTED_FIELDS:
                terms = list(leaf.lexicon(field))
                starts = arrays[f"{field}.starts"]
                assert len(starts) == len(terms) + 1
                for number, term in enumerate(terms):
                    matcher = leaf._terms.matcher(field, term, leaf.schema[field].format)
                    expected = list(matcher.items_as("weight")) if matcher.is_active() else []
                    start, stop = starts[number], starts[number + 1]
                    got = list(
                        zip(
                            arrays[f"{field}.docs"][start:stop].tolist(),
                            arrays[f"{field}.weights"][start:stop].tolist(),
                            strict=True,
                        )
                    )
                    assert got == [(docnum, float(weight)) for docnum, weight in expected], (field, term)
                    if f"{field}.positions" in arrays:
                        matcher = leaf._terms.matcher(field, term, leaf.schema[field].format)
                        whoosh_positions = [p for _, p in matcher.items_as("positions")]
                        begin, end = arrays[f"{field}.position_starts"][number : number + 2]
                        ours = arrays[f"{field}.positions"][begin:end].tolist()
                        assert ours == [p for positions in whoosh_positions for p in positions], (field, term)
                lengths = segments._LENGTH_OF_BYTE[arrays[f"{field}.lengths"]]
                assert lengths.tolist() == [
                    float(leaf.doc_field_length(n, field, 0) or 0) for n in range(size)
                ]
        reader.close()
    finally:
        files.close_opened()


def extract_first(root: Path) -> dict[str, np.ndarray]:
    """Return the arrays of the first segment of the root's current generation."""
    files = GenerationStorage(generation_of(root))
    try:
        reader = files.open_index(INDEX_NAME).reader()
        try:
            return extract(next(leaf for leaf, _ in reader.leaf_readers()))
        finally:
            reader.close()
    finally:
        files.close_opened()


def test_position_values_decode_one_by_one_and_joined_alike():
    """The joined decoding of posting values equals unpickling each, for every shape of value."""
    lists = [[0], [3, 1], [], list(range(1, 1500)), [70000, 2], [255, 256, 65535, 65536], [46]]
    values = [Positions().encode(numbers) for numbers in lists]
    stripped = [value[:-1] for value in values]  # Whoosh's decoder accepts values without the final "."
    expected = [[n - (numbers[i - 1] if i else 0) for i, n in enumerate(numbers)] for numbers in lists]
    assert segments._position_lists(values) == expected
    assert segments._position_lists(stripped) == expected
    assert segments._position_lists(values[:1] + stripped[1:]) == expected


@pytest.mark.parametrize(
    "damage", ["missing", "truncated", "zeroed", "directory", "array", "schema", "format"]
)
def test_an_unusable_side_file_is_rebuilt_and_answers_do_not_change(copy, damage):
    root, generation, expected = copy
    path = side_files(generation)[0]
    good = path.read_bytes()
    spoil(path, damage)
    with pytest.raises(StaleSideFile):
        open_side_file(path, _identity(generation, path))
    assert reopened_answers(root) == expected
    assert path.read_bytes() == good  # rebuilt to the very same bytes


def spoil(path: Path, damage: str) -> None:
    """Damage a side file in one of the ways a disk, a crash or an upgrade can."""
    data = bytearray(path.read_bytes())
    if damage == "missing":
        path.unlink()
        return
    if damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "zeroed":  # renamed into place, but its data never reached the disk
        data = bytearray(len(data))
    elif damage == "directory":
        data[_directory_at(data) + 5] ^= 0x01
    elif damage == "array":  # a bit flipped in an array read whole at open
        data = _flip_checked_byte(path)
    elif damage == "schema":
        _rewrite(path, schema_version=SCHEMA_VERSION - 1)
        return
    elif damage == "format":
        data[8:12] = (sidefile.FORMAT_VERSION + 1).to_bytes(4, "little")
    path.write_bytes(bytes(data))


def _directory_at(data: bytes) -> int:
    """Return where a side file's directory starts (written last, at the end)."""
    return int.from_bytes(data[16:24], "little")


def _flip_checked_byte(path: Path, *, eager: bool = True) -> bytearray:
    """Flip the first byte of the first array read whole at open (``eager``) or read in slices."""
    data = bytearray(path.read_bytes())
    directory = json.loads(data[_directory_at(data) :])
    entry = next(e for e in directory["arrays"].values() if e["eager"] == eager and e["shape"][0])
    data[directory["body_start"] + entry["offset"]] ^= 0xFF
    return data


def _rewrite(path: Path, *, schema_version: int) -> None:
    """Write the same arrays as if by an index of another schema version."""
    generation = path.parent
    identity = _identity(generation, path)
    source = open_side_file(path, identity)
    try:
        arrays = {name: np.array(source.array(name)) for name in source._entries}
    finally:
        source.close()
    write_side_file(path, Identity(identity.segment_id, identity.doc_count, schema_version), arrays)


def _identity(generation: Path, path: Path) -> Identity:
    files = GenerationStorage(generation)
    try:
        reader = files.open_index(INDEX_NAME).reader()
        try:
            for leaf, _ in reader.leaf_readers():
                if side_file_path(generation, leaf.segment().segment_id()) == path:
                    return identity_of(leaf)
        finally:
            reader.close()
    finally:
        files.close_opened()
    raise AssertionError(f"no segment for {path}")


def test_a_writer_interrupted_before_the_rename_leaves_nothing_under_the_real_name(copy, monkeypatch):
    root, generation, expected = copy
    path = side_files(generation)[0]
    path.unlink()

    def crash(*args: Any, **kwargs: Any) -> None:
        raise OSError("the disk is full")

    monkeypatch.setattr(sidefile.os, "replace", crash)
    index = make_index(root)
    try:
        assert answers(index) == expected  # answered from memory: the file could not be written
    finally:
        index.close()
    assert not path.exists()
    assert not [p for p in generation.iterdir() if p.name.endswith(".tmp")]  # its half is removed


def test_a_half_written_temporary_file_from_a_killed_writer_is_never_read(copy):
    root, generation, expected = copy
    path = side_files(generation)[0]
    good = path.read_bytes()
    path.unlink()
    (generation / f".{path.name}.99999.deadbeef.tmp").write_bytes(good[: len(good) // 2])
    assert reopened_answers(root) == expected
    assert path.read_bytes() == good


def test_readers_never_see_a_side_file_half_written_while_it_is_replaced(copy):
    """One thread rewrites a side file again and again; another opens and checks it meanwhile."""
    _, generation, _ = copy
    path = side_files(generation)[0]
    identity = _identity(generation, path)
    files = GenerationStorage(generation)
    reader = files.open_index(INDEX_NAME).reader()
    leaf = next(leaf for leaf, _ in reader.leaf_readers() if identity_of(leaf) == identity)
    arrays = extract(leaf)
    reader.close()
    files.close_opened()
    done = threading.Event()

    def rewrite() -> None:
        for _ in range(40):
            write_side_file(path, identity, arrays, lazy=lazy_arrays())
        done.set()

    writer = threading.Thread(target=rewrite)
    writer.start()
    opened = 0
    while not done.is_set() or opened == 0:
        open_side_file(path, identity).close()  # raises StaleSideFile if it ever saw half a file
        opened += 1
    writer.join()
    assert opened > 0


def test_a_side_file_damaged_under_a_running_node_is_rebuilt_without_an_error(copy, caplog):
    root, _, expected = copy
    index = make_index(root)
    try:
        index.search(SearchRequest(text="", per_page=1))  # opened, side files checked
        for path in side_files(generation_of(root)):
            os.truncate(path, sidefile._HEADER.size + 4096)  # postings now end early
        assert answers(index) == expected
        assert "cannot be read" in caplog.text
        for path in side_files(generation_of(root)):
            open_side_file(path, _identity(path.parent, path)).close()
    finally:
        index.close()


def test_build_workers_write_the_side_files_of_several_segments(copy):
    root, generation, expected = copy
    for path in side_files(generation):
        path.unlink()
    assert ensure_side_files(generation, procs=2) == 3
    assert ensure_side_files(generation, procs=2) == 0  # all usable now: nothing rewritten
    assert reopened_answers(root) == expected


def test_whoosh_deletes_a_side_file_with_its_segment(tmp_path):
    index = with_updates(tmp_path / "index")
    try:
        generation = generation_of(tmp_path / "index")
        before = set(side_files(generation))
        index.clear_segments()  # merges every segment into one
        after = set(side_files(generation))
        assert len(after) == 1 and not before & after
        assert not [p for p in before if p.exists()]
        index.search(SearchRequest(text="ketamine"))
        assert all(p.exists() for p in after)
    finally:
        index.close()


def test_the_deep_check_finds_damage_in_postings_and_rewrites_the_side_file(copy):
    """Postings are read in slices, not checked at open: the deep check reads them all."""
    root, generation, expected = copy
    path = side_files(generation)[0]
    good = path.read_bytes()
    path.write_bytes(bytes(_flip_checked_byte(path, eager=False)))
    open_side_file(path, _identity(generation, path)).close()  # opening does not notice
    index = make_index(root)
    try:
        assert index.check_files(deep=True) is None  # the segments themselves are sound
        assert path.read_bytes() == good
        assert answers(index) == expected
    finally:
        index.close()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterable[tuple[SearchIndex, list[dict[str, Any]]]]:
    """An index of 1,500 of the benchmark's synthetic listings (40 deleted, 100 in an update segment)."""
    rng = random.Random(5)
    index = make_index(tmp_path_factory.mktemp("generated"))
    docs = bench.make_documents(rng, bench.make_corpus(rng, index.vocabulary), 1500)
    index.rebuild(docs[:1400], SyncState(schema_version=0))
    index.apply(docs[1400:], [doc["id"] for doc in docs[:40]], SyncState(schema_version=0, applied_through=2))
    yield index, docs
    index.close()


def test_phrases_match_exactly_the_documents_whoosh_s_phrase_query_finds(generated):
    index, docs = generated
    rng = random.Random(8)
    view = index._current()
    snapshot, searcher = view.snapshot, view.searcher
    checked = 0
    for field in TEXT_FIELDS:
        words = [term.decode() for term in searcher.reader().lexicon(field)]
        phrases = [tuple(rng.sample(words, 2)) for _ in range(40)]
        phrases += [(word, word) for word in rng.sample(words, 5)]
        for doc in rng.sample(docs, 40):  # words that really follow each other
            tokens = analyze(index_fields(doc, index.vocabulary)[field])
            if len(tokens) >= 3:
                start = rng.randrange(len(tokens) - 2)
                phrases += [tuple(tokens[start : start + 2]), tuple(tokens[start : start + 3])]
        for phrase in phrases:
            matcher = Phrase(field, list(phrase)).matcher(searcher, searcher.boolean_context())
            whoosh = sorted(matcher.all_ids()) if matcher.is_active() else []
            ours = [int(n) for n in snapshot._phrase_docnums(field, phrase) if snapshot._alive_flags[n]]
            assert ours == whoosh, (field, phrase)
            checked += bool(whoosh)
    assert checked > 100  # most phrases taken from the text are found


def test_word_scores_use_whoosh_s_own_frequencies_and_lengths(generated):
    """Each word's documents, frequencies and field lengths, as Whoosh's reader gives them one by one."""
    index, _ = generated
    view = index._current()
    snapshot, reader = view.snapshot, view.searcher.reader()
    rng = random.Random(9)
    for field in TEXT_FIELDS:
        for term in rng.sample(list(reader.lexicon(field)), 60):
            docnums, scores = snapshot._term_scores(field, term.decode())
            matcher = reader.postings(field, term)
            expected = dict(matcher.items_as("weight"))
            assert docnums.tolist() == sorted(expected)
            lengths = np.array(
                [reader.doc_field_length(n, field, 0) or 0 for n in docnums.tolist()], dtype=float
            )
            weights = np.array([expected[n] for n in docnums.tolist()], dtype=float)
            idf = math.log(snapshot.count / (docnums.size + 1)) + 1
            assert scores.tolist() == bm25(idf, weights, lengths, snapshot._average_length(field)).tolist()

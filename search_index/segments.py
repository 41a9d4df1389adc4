"""What one immutable Whoosh segment holds, as numpy arrays: cards, field lengths and postings.

:func:`extract` decodes a segment once, through Whoosh, into arrays; those are written to the
segment's side file (:mod:`search_index.sidefile`) and :class:`SegmentData` reads them back with
no Python decoding: the cards and field lengths whole, each term's postings as two slices.

Everything is kept for every document of the segment, deleted or not: a segment's deletions
change over time, its side file does not, and searches mask deleted documents themselves.
"""

from __future__ import annotations

import bisect
import functools
import gc
import itertools
import logging
import multiprocessing
import pickle
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Positions
from whoosh.reading import SegmentReader
from whoosh.system import _INT_SIZE
from whoosh.util.numeric import byte_to_length

from search_index.integrity import INDEX_NAME, GenerationStorage
from search_index.schema import SCHEMA_VERSION, TAG_FIELD, TEXT_FIELDS
from search_index.sidefile import (
    ArraysInMemory,
    Identity,
    SideFile,
    StaleSideFile,
    open_side_file,
    side_file_path,
    verify_contents,
    write_side_file,
)

log = logging.getLogger(__name__)

#: Fields whose postings and lengths the engine scores: the text fields and the filter tags.
POSTED_FIELDS = (*TEXT_FIELDS, TAG_FIELD)
#: Each stored length byte's length, as Whoosh's ``doc_field_length`` returns it (0 for none).
_LENGTH_OF_BYTE = np.array([0.0] + [float(byte_to_length(b)) for b in range(1, 256)])
_EMPTY_IDS = np.empty(0, dtype=np.int64)
_EMPTY_WEIGHTS = np.empty(0, dtype=np.float64)


def identity_of(reader: Any) -> Identity:
    """Return what a segment reader's side file must belong to."""
    return Identity(reader.segment().segment_id(), reader.doc_count_all(), SCHEMA_VERSION)


def lazy_arrays() -> frozenset[str]:
    """Name the arrays read in slices (postings), not whole when a side file is opened."""
    return frozenset(
        f"{field}.{part}" for field in POSTED_FIELDS for part in ("docs", "weights", "positions")
    )


def extract(reader: Any) -> dict[str, np.ndarray]:
    """Decode one Whoosh segment (every document, deleted or not) into the side file's arrays."""
    return dict(extract_arrays(reader))


def extract_arrays(reader: Any) -> Iterator[tuple[str, np.ndarray]]:
    """Yield the side file's arrays of one segment, a field at a time (to write them as they come)."""
    size = reader.doc_count_all()
    ids: list[str] = []
    digests: list[str] = []
    names: list[str] = []
    numbers = np.full((size, 4), np.nan)
    for docnum in range(size):
        stored = reader.stored_fields(docnum)
        latitude, longitude, name, verified_at, digest, reverify_due = stored["card"]
        ids.append(stored["id"])
        digests.append(digest)
        names.append(name.casefold())
        numbers[docnum] = (latitude, longitude, verified_at, reverify_due)
    text, offsets = _string_table(ids)
    yield from (("ids.text", text), ("ids.offsets", offsets))
    text, offsets = _string_table(digests)
    yield from (("digests.text", text), ("digests.offsets", offsets))
    for column, key in enumerate(("latitudes", "longitudes", "verified_at", "reverify_due")):
        yield key, np.ascontiguousarray(numbers[:, column])
    encoded = [name.encode("utf-8", "surrogatepass") for name in names]
    keys = np.array(encoded or [b""], dtype=f"S{max((len(e) for e in encoded), default=0) or 1}")[:size]
    order = np.argsort(keys, kind="stable")
    yield "names.sorted", keys[order]
    yield "names.rank", _inverse(order)
    del ids, digests, names, encoded, keys, order
    for field in POSTED_FIELDS:
        yield from _field_arrays(reader, field, size).items()


def _field_arrays(reader: Any, field: str, size: int) -> dict[str, np.ndarray]:
    """Return one field's terms, each term's postings (documents, weights, positions) and every length.

    Postings go straight into arrays sized from the term table's counts, so a field's postings
    are held once (not as per-term pieces and again joined).
    """
    format_ = reader.schema[field].format
    terms = list(reader.lexicon(field))
    infos = [reader._terms.term_info(field, term) for term in terms]
    docs = _Column(np.uint32, sum(info.doc_frequency() for info in infos))
    weights = _Column(np.float32, docs.capacity)
    positional = type(format_) is Positions
    positions = _Column(np.uint32, int(sum(info.weight() for info in infos))) if positional else None
    starts = [0]
    position_starts = [0]
    for term in terms:
        term_docs, term_weights, term_positions = _posting_arrays(
            reader._terms.matcher(field, term, format_), positions is not None
        )
        docs.extend(term_docs)
        weights.extend(term_weights)
        starts.append(docs.size)
        if positions is not None:
            if term_positions is None or not np.array_equal(term_positions[1], term_weights):
                positions = None  # a weight that is not the position count: phrases go through Whoosh
            else:
                positions.extend(term_positions[0])
                position_starts.append(positions.size)
    del infos
    text, offsets = _byte_table(terms)
    arrays = {
        f"{field}.terms": text,
        f"{field}.term_offsets": offsets,
        f"{field}.starts": np.array(starts, dtype=np.int64),
        f"{field}.docs": docs.array(),
        f"{field}.weights": weights.narrowest(),
        f"{field}.lengths": _length_bytes(reader, field, size),
    }
    if positions is not None:
        # A posting's positions follow its term's earlier postings' ones: as many as its weight.
        arrays[f"{field}.positions"] = positions.narrowest()
        arrays[f"{field}.position_starts"] = np.array(position_starts, dtype=np.int64)
    return arrays


class _Column:
    """A numpy array filled piece by piece, stored in the smallest type that keeps it exact."""

    def __init__(self, dtype: Any, capacity: int) -> None:
        self._data = np.empty(max(capacity, 16), dtype=dtype)
        self.size = 0
        self._integral = True
        self._maximum = 0.0

    @property
    def capacity(self) -> int:
        """How many values fit before the array must grow."""
        return int(self._data.size)

    def extend(self, values: np.ndarray) -> None:
        """Append values (the array widens to 64-bit floats if one would not fit exactly)."""
        if not values.size:
            return
        stored = values.astype(self._data.dtype)
        if not np.array_equal(stored, values):
            self._data = self._data.astype(np.float64)
            stored = values.astype(np.float64)
        end = self.size + values.size
        if end > self._data.size:
            grown = np.empty(max(end, self._data.size * 3 // 2), dtype=self._data.dtype)
            grown[: self.size] = self._data[: self.size]
            self._data = grown
        self._data[self.size : end] = stored
        self.size = end
        if self._integral and stored.dtype.kind == "f":
            self._integral = bool(np.all(stored == np.floor(stored))) and stored.min() >= 0
        self._maximum = max(self._maximum, float(stored.max()))

    def array(self) -> np.ndarray:
        """Return the values in the type they were collected in."""
        return self._data[: self.size]

    def narrowest(self) -> np.ndarray:
        """Return the values as unsigned integers of the fewest bytes that hold them, if all are whole."""
        values = self.array()
        if self._integral:
            for dtype in (np.uint8, np.uint16, np.uint32):
                if self._maximum <= np.iinfo(dtype).max:
                    return values.astype(dtype)
        return values


def _posting_arrays(matcher: Any, positional: bool) -> tuple[np.ndarray, np.ndarray, Any]:
    """Return a term's documents, weights and (if ``positional``) positions with their counts.

    Whole Whoosh blocks are decoded at a time; the positions of each posting come from its
    value as Whoosh's ``Positions`` format writes it (a count, then pickled position deltas).
    """
    doc_parts, weight_parts = [], []
    values: list[bytes] = []
    if type(matcher) is not W3LeafMatcher:  # terms in one document are inlined in the term info
        docs, weights = [], []
        while matcher.is_active():
            docs.append(matcher.id())
            weights.append(matcher.weight())
            if positional:
                values.append(matcher.value())
            matcher.next()
        doc_parts.append(np.array(docs, dtype=np.int64))
        weight_parts.append(np.array(weights, dtype=np.float64))
    else:
        while matcher.is_active():
            # One Whoosh block: a pickled tuple of delta-coded document numbers, weights, values.
            matcher._read_data()
            deltas, weights, block_values = matcher._data
            count = matcher._blocklength
            doc_parts.append(np.cumsum(np.asarray(deltas, dtype=np.int64)))
            if weights is None:
                weight_parts.append(np.ones(count))
            elif isinstance(weights, float):
                weight_parts.append(np.full(count, weights))
            else:
                weight_parts.append(np.asarray(weights, dtype=np.float64))
            if positional:
                values.extend(block_values)
            matcher._next_block()
    docs = np.concatenate(doc_parts)
    weights = np.concatenate(weight_parts)
    if not positional:
        return docs, weights, None
    codes = _position_lists(values)
    counts = np.fromiter(map(len, codes), dtype=np.int64, count=len(codes))
    deltas = np.fromiter(itertools.chain.from_iterable(codes), dtype=np.int64, count=int(counts.sum()))
    return docs, weights, (_positions_from_deltas(deltas, counts), counts.astype(np.float64))


def _position_lists(values: list[bytes]) -> list[list[int]]:
    """Return each posting value's position deltas, as Whoosh's ``Positions.decode_positions`` reads them.

    A value is a 4-byte count, then a protocol-2 pickle of the deltas (``\\x80\\x02``, a list,
    maybe the final ``.``). Rather than unpickle each value, the pickles' bodies are joined
    into one pickle of a list of lists and read with a single ``pickle.loads``.
    """
    if not values:
        return []
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    joined = np.frombuffer(b"".join(values), dtype=np.uint8)
    starts = np.cumsum(lengths) - lengths
    if lengths.min() < _INT_SIZE + 3 or (joined[starts + _INT_SIZE] != 0x80).any():
        return [_position_codes(value) for value in values]
    if (joined[starts + _INT_SIZE + 1] != 2).any():
        return [_position_codes(value) for value in values]
    drop = np.zeros(joined.size, dtype=bool)
    drop[(starts[:, None] + np.arange(_INT_SIZE + 2)).ravel()] = True
    last = starts + lengths - 1
    drop[last[joined[last] == ord(".")]] = True
    lists = pickle.loads(b"\x80\x02](" + joined[~drop].tobytes() + b"e.")
    if len(lists) != len(values):
        return [_position_codes(value) for value in values]
    return lists


def _position_codes(value: bytes) -> list[int]:
    """Return the position deltas of one posting value (Whoosh's ``Positions.decode_positions``, undone)."""
    return pickle.loads(value[_INT_SIZE:] if value.endswith(b".") else value[_INT_SIZE:] + b".")


def _positions_from_deltas(deltas: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Turn each posting's position deltas into positions (a running sum that restarts per posting)."""
    running = np.cumsum(deltas)
    before = np.concatenate(([0], running))[np.cumsum(counts) - counts]
    return running - np.repeat(before, counts)


def _length_bytes(reader: Any, field: str, size: int) -> np.ndarray:
    """Return each document's stored length byte for ``field`` (0 where none is stored)."""
    column = reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
    found = np.zeros(size, dtype=np.uint8)
    if column is not None:
        stored = min(column._count, size)
        raw = column._dbfile.get(column._basepos, stored)
        found[:stored] = np.frombuffer(raw, dtype=np.uint8)
    return found


def _string_table(values: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    return _byte_table([value.encode("utf-8", "surrogatepass") for value in values])


def _byte_table(values: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Return byte strings as one byte array and their ``len + 1`` offsets."""
    offsets = np.zeros(len(values) + 1, dtype=np.int64)
    if values:
        np.cumsum([len(value) for value in values], out=offsets[1:])
    return np.frombuffer(b"".join(values), dtype=np.uint8), offsets


def _inverse(order: np.ndarray) -> np.ndarray:
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    return rank


class _Strings:
    """A table of byte strings, indexable and sorted or not, decoded one at a time when asked."""

    def __init__(self, text: np.ndarray, offsets: np.ndarray) -> None:
        self._text = text.tobytes()
        self._offsets = offsets.tolist()

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, index: int) -> bytes:
        return self._text[self._offsets[index] : self._offsets[index + 1]]


class SegmentData:
    """One segment's cards, lengths and postings, read from its side file (nothing decoded in Python)."""

    def __init__(self, source: SideFile | ArraysInMemory) -> None:
        self.source = source
        self._ids = _Strings(source.array("ids.text"), source.array("ids.offsets"))
        self.size = len(self._ids)
        self.latitudes = source.array("latitudes")
        self.longitudes = source.array("longitudes")
        self.verified_at = source.array("verified_at")
        self.reverify_due = source.array("reverify_due")
        #: Casefolded names (UTF-8, sorted) and each document's place among them.
        self.names_sorted = source.array("names.sorted")
        self.name_rank = source.array("names.rank")
        self._terms: dict[str, _Strings] = {}
        self._starts: dict[str, list[int]] = {}
        self._position_starts: dict[str, list[int]] = {}
        self._lengths: dict[str, np.ndarray] = {}

    def listing_id(self, docnum: int) -> str:
        """Return the listing id of a document of this segment."""
        return self._ids[docnum].decode("utf-8", "surrogatepass")

    def digests(self) -> list[str]:
        """Return every document's fingerprint, in document order."""
        table = _Strings(self.source.array("digests.text"), self.source.array("digests.offsets"))
        return [table[n].decode("utf-8", "surrogatepass") for n in range(len(table))]

    def terms(self, field: str) -> _Strings:
        """Return the field's terms, sorted, as Whoosh stores them (UTF-8)."""
        found = self._terms.get(field)
        if found is None:
            found = self._terms[field] = _Strings(
                self.source.array(f"{field}.terms"), self.source.array(f"{field}.term_offsets")
            )
            self._starts[field] = self.source.array(f"{field}.starts").tolist()
            if self.has_positions(field):
                self._position_starts[field] = self.source.array(f"{field}.position_starts").tolist()
        return found

    def postings(self, field: str, word: str) -> tuple[np.ndarray, np.ndarray]:
        """Return the documents containing ``word`` in ``field`` and its weight (frequency) in each."""
        found = self._term_range(field, word)
        if found is None:
            return _EMPTY_IDS, _EMPTY_WEIGHTS
        start, stop = found
        docs = self.source.read(f"{field}.docs", start, stop).astype(np.int64)
        return docs, self.source.read(f"{field}.weights", start, stop).astype(np.float64)

    def has_positions(self, field: str) -> bool:
        """Whether the side file holds the field's word positions (so phrases need no Whoosh)."""
        return self.source.has(f"{field}.positions")

    def phrase(self, field: str, words: Sequence[str]) -> np.ndarray:
        """Return the documents where ``words`` follow each other in ``field`` (as Whoosh's ``Phrase``)."""
        postings = [self._term_range(field, word) for word in words]
        if any(found is None for found in postings):
            return _EMPTY_IDS
        docs = [self.source.read(f"{field}.docs", start, stop).astype(np.int64) for start, stop in postings]
        candidates = functools.reduce(lambda a, b: np.intersect1d(a, b, assume_unique=True), docs)
        if not candidates.size:
            return _EMPTY_IDS
        starts = self._position_starts[field]
        keys = None
        for shift, ((start, stop), word_docs) in enumerate(zip(postings, docs, strict=True)):
            counts = self.source.read(f"{field}.weights", start, stop).astype(np.int64)
            index = self._term_index(field, words[shift])
            positions = self.source.read(f"{field}.positions", starts[index], starts[index + 1]).astype(
                np.int64
            )
            keep = np.repeat(np.isin(word_docs, candidates, assume_unique=True), counts)
            owners = np.repeat(word_docs, counts)[keep]
            # A match of word ``shift`` at position p starts the phrase at p - shift.
            found = np.unique((owners << 32) | (positions[keep] - shift + len(words)))
            keys = found if keys is None else np.intersect1d(keys, found, assume_unique=True)
            if not keys.size:
                return _EMPTY_IDS
        return np.unique(keys >> 32)

    def _term_index(self, field: str, word: str) -> int | None:
        terms = self.terms(field)
        key = word.encode("utf-8", "surrogatepass")
        index = bisect.bisect_left(terms, key)
        return index if index < len(terms) and terms[index] == key else None

    def _term_range(self, field: str, word: str) -> tuple[int, int] | None:
        index = self._term_index(field, word)
        if index is None:
            return None
        return self._starts[field][index], self._starts[field][index + 1]

    def tag_names(self, prefix: str = "") -> list[str]:
        """Return the filter tags any document of the segment carries, starting with ``prefix``."""
        terms = self.terms(TAG_FIELD)
        key = prefix.encode("utf-8")
        found = []
        for index in range(bisect.bisect_left(terms, key), len(terms)):
            term = terms[index]
            if not term.startswith(key):
                break
            found.append(term.decode("utf-8"))
        return found

    def lengths(self, field: str) -> np.ndarray:
        """Return every document's length in ``field``, exactly as Whoosh's ``doc_field_length`` gives it."""
        found = self._lengths.get(field)
        if found is None:
            found = self._lengths[field] = _LENGTH_OF_BYTE[self.source.array(f"{field}.lengths")]
        return found

    def close(self) -> None:
        """Close the side file."""
        self.source.close()


def load(generation: Path, reader: Any) -> SegmentData:
    """Return a segment's data from its side file, first (re)writing the file if it cannot be used."""
    identity = identity_of(reader)
    path = side_file_path(generation, identity.segment_id)
    try:
        return SegmentData(open_side_file(path, identity))
    except StaleSideFile as reason:
        if str(reason) != "missing":
            log.warning("rebuilding the side file %s: %s", path, reason)
    try:
        write_side_file(path, identity, extract_arrays(reader), lazy=lazy_arrays())
        return SegmentData(open_side_file(path, identity))
    except (OSError, StaleSideFile) as error:  # a read-only folder, say: answer from memory
        log.warning("cannot write the side file %s (%s); keeping it in memory", path, error)
        return SegmentData(ArraysInMemory(extract(reader)))


def ensure_side_files(generation: Path, procs: int = 1, *, fresh: bool = False, deep: bool = False) -> int:
    """Write the side file of every segment of ``generation`` that has no usable one.

    With ``procs`` above 1 the segments are decoded in that many worker processes (a large
    build leaves one segment per build worker). ``fresh`` says the generation was just built
    by this process and no one else uses it yet, so its files may be read through memory maps
    (several times faster than the ``pread`` reads that serving needs, see
    :mod:`search_index.integrity`). ``deep`` also reads and checks every byte of the side files
    that exist. Only the table of contents is read here; each segment is opened by the process
    that decodes it. Return how many side files were written.
    """
    missing = [
        segment.segment_id()
        for segment in _segments(generation)
        if not _usable(generation, _identity(segment), deep)
    ]
    if procs > 1 and len(missing) > 1:
        context = multiprocessing.get_context("fork")
        # Frozen objects are out of the workers' garbage collection: a forked worker would
        # otherwise copy the parent's heap (a build's documents) page by page as it walks it.
        gc.freeze()
        try:
            pool = context.Pool(min(procs, len(missing)))
        finally:
            gc.unfreeze()
        with pool:
            pool.map(functools.partial(_write_segment, generation, fresh), missing)
    else:
        for segment_id in missing:
            _write_segment(generation, fresh, segment_id)
    return len(missing)


def _segments(generation: Path) -> list[Any]:
    """Return the segments the generation's table of contents lists."""
    files = GenerationStorage(generation)
    try:
        return list(files.open_index(INDEX_NAME)._segments())
    finally:
        files.close_opened()


def _identity(segment: Any) -> Identity:
    return Identity(segment.segment_id(), segment.doc_count_all(), SCHEMA_VERSION)


def _usable(generation: Path, identity: Identity, deep: bool = False) -> bool:
    """Whether a segment's side file needs no writing now: it exists (readers check it when they
    open it, and rebuild it if it is stale), or with ``deep``, every byte of it checks out."""
    path = side_file_path(generation, identity.segment_id)
    if not deep:
        return path.exists()
    try:
        side = open_side_file(path, identity)
        try:
            verify_contents(side)
        finally:
            side.close()
    except StaleSideFile as reason:
        if str(reason) != "missing":
            log.warning("rebuilding the side file %s: %s", path, reason)
        return False
    return True


def _write_segment(generation: Path, fresh: bool, segment_id: str) -> None:
    """Decode one segment of ``generation`` and write its side file (run in a build worker)."""
    files = FileStorage(str(generation), readonly=True) if fresh else GenerationStorage(generation)
    try:
        index = files.open_index(INDEX_NAME)
        segment = next(s for s in index._segments() if s.segment_id() == segment_id)
        reader = SegmentReader(files, index.schema, segment)
        try:
            path = side_file_path(generation, segment_id)
            write_side_file(path, identity_of(reader), extract_arrays(reader), lazy=lazy_arrays())
        finally:
            reader.close()
    finally:
        if isinstance(files, GenerationStorage):
            files.close_opened()

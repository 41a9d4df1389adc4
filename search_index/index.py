"""The search index of one node: build, update and search its current generation."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.query import Or, Term

from search_index import integrity, segments, storage
from search_index.analysis import analyze
from search_index.build_workers import write_documents
from search_index.integrity import Fault, GenerationStorage, IndexCorrupt
from search_index.query import ParsedQuery, parse_query
from search_index.schema import SCHEMA_VERSION, SPELLING_FIELDS, TEXT_FIELDS, index_fields, make_schema
from search_index.searching import run_search, validate_request
from search_index.sidefile import SideFileDamaged
from search_index.snapshot import Snapshot
from search_index.spelling import Respelling, SpellingCache, unknown_parts
from search_index.storage import IndexBusy, SyncState
from search_index.synonyms import SynonymTable, groups_from_vocabulary
from search_index.types import SearchRequest, SearchResult, SynonymGroup, Vocabulary

log = logging.getLogger(__name__)

#: Suggest another spelling when a text search finds fewer results than this.
SUGGEST_BELOW = 3
#: Build with several processes from this many documents on.
PARALLEL_BUILD_FROM = 5000
#: Merge segments when an update leaves more than this many.
MAX_SEGMENTS = 8

Progress = Callable[[Iterable[Mapping[str, Any]], int | None], Iterable[Mapping[str, Any]]]
Answer = TypeVar("Answer")


class _View:
    """An open generation: its Whoosh index, one reused searcher and the snapshot built from it.

    Its files are read with ``os.pread``, not memory maps (see :mod:`search_index.integrity`):
    a file cut short under it makes a read fail with an error instead of killing the process.
    """

    def __init__(self, generation: Path, stamp: tuple[int, int] | None) -> None:
        self.generation = generation
        self.stamp = stamp
        self.files = GenerationStorage(generation)
        try:
            self.index = self.files.open_index(integrity.INDEX_NAME)
            self.searcher = self.index.searcher()
            self.version = self.index.latest_generation()
            self.snapshot = Snapshot(self.searcher, generation)
        except BaseException:
            self.files.close_opened()
            raise

    def refresh_if_changed(self) -> None:
        """Pick up commits made since the snapshot was built (by this or another process)."""
        latest = self.index.latest_generation()
        if latest != self.version:
            self.searcher = self.searcher.refresh()
            self.version = latest
            self.snapshot = Snapshot(self.searcher, self.generation, previous=self.snapshot)

    def close(self) -> None:
        """Release the searcher's files and the side files."""
        try:
            self.searcher.close()
        finally:
            self.files.close_opened()
            for data in self.snapshot.segments.values():
                data.close()


class SearchIndex:
    """A node's Whoosh index under ``root``: generations switched atomically, kept in sync by the caller."""

    def __init__(
        self,
        root: str | Path,
        vocabulary: Vocabulary,
        synonym_groups: Iterable[SynonymGroup] = (),
        *,
        writer_timeout: float = 2.0,
        build_procs: int = 2,
        build_memory_mb: int = 256,
    ) -> None:
        self.root = Path(root)
        self.vocabulary = vocabulary
        self.synonyms = SynonymTable([*groups_from_vocabulary(vocabulary), *synonym_groups])
        self._spelling = SpellingCache(SPELLING_FIELDS, self.synonyms.vocabulary())
        self.writer_timeout = writer_timeout
        self.build_procs = build_procs
        self.build_memory_mb = build_memory_mb
        self._lock = threading.RLock()
        self._view: _View | None = None
        #: Generations found damaged, set aside until a rebuild replaces them.
        self._damaged: dict[Path, Fault] = {}
        #: Generations read in full once after an error the quick check could not explain.
        self._read_in_full: set[Path] = set()

    # -- state -------------------------------------------------------------------------------

    def state(self) -> SyncState | None:
        """Return the current generation's sync state, or None if there is no usable index."""
        generation = storage.current_generation(self.root)
        return storage.read_state(generation) if generation else None

    def rebuild_reason(self) -> str | None:
        """Say why the index must be rebuilt (missing, or built for another schema), or None."""
        state = self.state()
        if state is None:
            return "there is no search index yet"
        if state.schema_version != SCHEMA_VERSION:
            return f"the index has schema version {state.schema_version}, the code needs {SCHEMA_VERSION}"
        return None

    def sync_lock(self, timeout: float | None = None) -> Any:
        """Return a context manager holding the lock under which changes are read and applied."""
        return storage.sync_lock(self.root, self.writer_timeout if timeout is None else timeout)

    def rebuild_lock(self, timeout: float = 0.0) -> Any:
        """Return a context manager holding the lock under which one process at a time rebuilds."""
        return storage.rebuild_lock(self.root, timeout)

    @property
    def fault(self) -> Fault | None:
        """The damage found in the current generation, or None (searches then use the last good one)."""
        if not self._damaged:  # the usual case costs no file read
            return None
        generation = storage.current_generation(self.root)
        return self._damaged.get(generation) if generation is not None else None

    @property
    def serving(self) -> Path | None:
        """The generation searches are answered from now, or None before the first search."""
        view = self._view
        return view.generation if view is not None else None

    def check_files(self, *, deep: bool = False) -> Fault | None:
        """Look for damage in the current generation's files and set a damaged one aside.

        The quick check costs a millisecond or two; ``deep`` reads everything (see
        :func:`search_index.integrity.find_fault`), side files included, and rewrites a side
        file that is missing or damaged (they are copies of the segments, never the record).
        """
        generation = storage.current_generation(self.root)
        if generation is None:
            return None
        known = self._damaged.get(generation)
        if known is not None:
            return known
        fault = integrity.find_fault(generation, deep=deep)
        if fault is not None:
            self._set_aside(fault)
        elif deep:
            # The segments are sound: rewrite any side file that is missing or damaged.
            segments.ensure_side_files(generation, deep=True)
        return fault

    # -- writing -----------------------------------------------------------------------------

    def rebuild(
        self,
        documents: Iterable[Mapping[str, Any]],
        state: SyncState,
        *,
        expected_count: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> Path:
        """Write every document into a new generation, then make it current (never seen half-built)."""
        generation = storage.new_generation(self.root)
        index = whoosh_index.create_in(str(generation), make_schema())
        # Worker processes pay off only for large builds.
        procs = self.build_procs if (expected_count or 0) >= PARALLEL_BUILD_FROM else 1
        to_fields = partial(index_fields, vocabulary=self.vocabulary)
        write_documents(
            index,
            documents,
            to_fields,
            procs=procs,
            limitmb=self.build_memory_mb,
            progress=progress,
        )
        segments.ensure_side_files(generation, procs, fresh=True)
        state.schema_version = SCHEMA_VERSION
        state.built_at = time.time()
        storage.write_state(generation, state)
        storage.switch_to(self.root, generation)
        with self._lock:
            for damaged in list(self._damaged):
                storage.remove_generation(damaged)
                del self._damaged[damaged]
        storage.prune(self.root)
        return generation

    def apply(self, upserts: Iterable[Mapping[str, Any]], deletes: Iterable[str], state: SyncState) -> None:
        """Replace or remove documents and record the new sync state; raise :class:`IndexBusy` if locked."""
        generation = storage.current_generation(self.root)
        if generation is None:
            raise FileNotFoundError(f"there is no search index at {self.root}")
        if generation in self._damaged:
            raise IndexCorrupt(self._damaged[generation])
        try:
            index = GenerationStorage(generation, readonly=False).open_index(integrity.INDEX_NAME)
            writer = index.writer(timeout=self.writer_timeout)
        except LockError as error:
            raise IndexBusy(f"the search index at {generation} is locked by another writer") from error
        except Exception as error:
            self._raise_if_damaged(generation, error)
            raise
        try:
            documents = [index_fields(doc, self.vocabulary) for doc in upserts]
            stale = [*deletes, *(fields["id"] for fields in documents)]
            if stale:
                writer.delete_by_query(Or([Term("id", listing_id) for listing_id in stale]))
            for fields in documents:
                writer.add_document(**fields)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(merge=len(index._segments()) >= MAX_SEGMENTS)
        try:
            segments.ensure_side_files(generation)
        except OSError as error:  # the change is committed; a reader writes the side file itself
            log.warning("cannot write side files in %s: %s", generation, error)
        state.schema_version = SCHEMA_VERSION
        storage.write_state(generation, state)

    def clear_segments(self) -> None:
        """Merge the current generation into one segment (an offline optimisation)."""
        generation = storage.current_generation(self.root)
        if generation is not None:
            whoosh_index.open_dir(str(generation)).writer(timeout=self.writer_timeout).commit(optimize=True)

    # -- reading -----------------------------------------------------------------------------

    def _current(self) -> _View:
        """Return the view to search: the current generation's, or the last good one while it is damaged."""
        stamp = storage.pointer_stamp(self.root)
        view = self._view
        if view is None or stamp != view.stamp:
            generation = storage.current_generation(self.root)
            if generation is None:
                raise FileNotFoundError(f"there is no search index at {self.root}")
            if view is None or generation != view.generation:
                view = self._open(generation, stamp)
            else:
                view.stamp = stamp
        try:
            view.refresh_if_changed()
        except Exception as error:
            self._raise_if_damaged(view.generation, error)
            raise
        return view

    def _open(self, generation: Path, stamp: tuple[int, int] | None) -> _View:
        """Open ``generation``; if it is damaged, set it aside and open the last good one instead."""
        if generation not in self._damaged:
            try:
                return self._install(_View(generation, stamp))
            except Exception as error:
                if self._notice(generation, error) is None:
                    raise
        view = self._view
        if view is not None and view.generation not in self._damaged:
            view.stamp = stamp  # keep serving the generation that served until now
            return view
        for older in storage.generations(self.root):
            state = storage.read_state(older)
            if older in self._damaged or state is None or state.schema_version != SCHEMA_VERSION:
                continue
            try:
                return self._install(_View(older, stamp))
            except Exception as error:
                if self._notice(older, error) is None:
                    raise
        raise IndexCorrupt(self._damaged[generation])

    def _install(self, view: _View) -> _View:
        if self._view is not None:
            self._view.close()
        self._view = view
        return view

    def _notice(self, generation: Path, error: Exception) -> Fault | None:
        """After ``error`` reading ``generation``, look for damage; set a damaged generation aside."""
        fault = integrity.find_fault(generation)
        if fault is None and generation not in self._read_in_full:
            # Damage inside a file's data shows only when all of it is read: do that once.
            self._read_in_full.add(generation)
            fault = integrity.find_fault(generation, deep=True)
        if fault is not None:
            self._set_aside(fault)
        return fault

    def _set_aside(self, fault: Fault) -> None:
        with self._lock:
            self._damaged[fault.generation] = fault
            if self._view is not None and self._view.generation == fault.generation:
                self._view.close()
                self._view = None

    def _raise_if_damaged(self, generation: Path, error: Exception) -> None:
        """Raise :class:`IndexCorrupt` if ``error`` came from damage in ``generation``'s files."""
        fault = self._damaged.get(generation) or self._notice(generation, error)
        if fault is not None:
            raise IndexCorrupt(fault) from error

    def _read(self, answer: Callable[[_View], Answer]) -> Answer:
        """Answer from the view to search; if its files turn out damaged, once more from the last good one."""
        with self._lock:
            try:
                return self._read_once(answer)
            except IndexCorrupt:
                # The damaged generation is set aside now: an earlier one answers, or this raises again.
                return self._read_once(answer)
            except SideFileDamaged as error:
                # A side file went bad under us: drop it and the view; reopening rebuilds it.
                log.warning("%s; rebuilding it", error)
                error.path.unlink(missing_ok=True)
                if self._view is not None:
                    self._view.close()
                    self._view = None
                return self._read_once(answer)

    def _read_once(self, answer: Callable[[_View], Answer]) -> Answer:
        view = self._current()
        try:
            return answer(view)
        except SideFileDamaged:
            raise  # not the segments' damage: the caller rebuilds the side file
        except Exception as error:
            self._raise_if_damaged(view.generation, error)
            raise

    def search(self, request: SearchRequest) -> SearchResult:
        """Answer a search; raise :class:`SearchError` for a request that cannot be answered.

        Raise :class:`IndexCorrupt` when the current generation is damaged and no earlier one
        can answer instead.
        """
        validate_request(request, self.vocabulary)
        query = parse_query(request.text, self.synonyms)

        def answer(view: _View) -> tuple[Any, Respelling | None]:
            outcome = run_search(view.snapshot, self.vocabulary, request, query)
            respelling = None
            if not query.is_empty and outcome.total < SUGGEST_BELOW:
                respelling = self._respelling(view, query)
            return outcome, respelling

        outcome, respelling = self._read(answer)
        suggestion = self._suggest(request, respelling, outcome.total) if respelling else None
        return SearchResult(
            total=outcome.total,
            page=request.page,
            per_page=request.per_page,
            sort=outcome.sort,
            hits=outcome.hits,
            facets=outcome.facets,
            suggestion=suggestion,
            highlight_terms=query.highlight_terms(),
            named_terms=query.named_terms(),
        )

    def _respelling(self, view: _View, query: ParsedQuery) -> Respelling | None:
        """Take what a suggestion needs from the view (under the lock): the unknown words and a speller."""
        unknown = unknown_parts(query.typed, lambda part: self._known(view, part))
        if unknown is None:
            return None
        return Respelling(query.typed, unknown, self._spelling.speller(view.searcher.reader()))

    def _suggest(self, request: SearchRequest, respelling: Respelling, total: int) -> str | None:
        """Return a respelled query that finds more results, or None; correct outside the lock, retry once."""
        respelled = respelling.text()
        if respelled is None:
            return None
        retry_query = parse_query(respelled, self.synonyms)
        retry_request = SearchRequest(**{**request.__dict__, "text": respelled, "page": 1})
        try:
            retry = self._read(
                lambda view: run_search(view.snapshot, self.vocabulary, retry_request, retry_query)
            )
        except IndexCorrupt:
            return None  # the answer already given stands; a suggestion is optional
        return respelled if retry.total > total else None

    def _known(self, view: _View, word: str) -> bool:
        """Whether every part of a typed word is in the index, or the word is a known synonym."""
        tokens = tuple(analyze(word))
        if not tokens or self.synonyms.match(tokens, 0) is not None:
            return True
        return all(
            any(view.snapshot.matches(field, (token,)).docnums.size for field in TEXT_FIELDS)
            for token in tokens
        )

    def digests(self) -> dict[str, str]:
        """Return each indexed listing's document fingerprint, for drift checks."""
        return self._read(lambda view: view.snapshot.digests())

    def doc_count(self) -> int:
        """Return how many listings the index holds."""
        return self._read(lambda view: view.snapshot.count)

    def close(self) -> None:
        """Release open files."""
        with self._lock:
            if self._view is not None:
                self._view.close()
                self._view = None

"""Builds in worker processes: a failure anywhere stops the build and leaves the last index serving."""

from __future__ import annotations

import multiprocessing
import random
from collections.abc import Iterator
from typing import Any

import pytest

from search_index.bench import load_taxonomy, make_corpus, make_documents
from search_index.build_workers import BuildFailed
from search_index.index import PARALLEL_BUILD_FROM, SearchIndex
from search_index.storage import SyncState
from search_index.types import SearchRequest

DOC_COUNT = 900


@pytest.fixture(scope="module")
def docs() -> list[dict[str, Any]]:
    vocabulary, _ = load_taxonomy()
    rng = random.Random(3)
    return make_documents(rng, make_corpus(rng, vocabulary), DOC_COUNT)


@pytest.fixture
def index(tmp_path, docs) -> Iterator[SearchIndex]:
    vocabulary, groups = load_taxonomy()
    index = SearchIndex(tmp_path, vocabulary, groups, build_procs=2)
    index.rebuild(docs[:300], SyncState(schema_version=0), expected_count=PARALLEL_BUILD_FROM)
    yield index
    index.close()


def rebuild(index: SearchIndex, documents: Any) -> None:
    index.rebuild(documents, SyncState(schema_version=0), expected_count=PARALLEL_BUILD_FROM)


def test_worker_build_counts_progress_and_serves_every_document(index, docs):
    seen: list[int] = []
    index.rebuild(docs, SyncState(schema_version=0), expected_count=PARALLEL_BUILD_FROM, progress=seen.append)
    assert seen == list(range(1, DOC_COUNT + 1))
    assert index.doc_count() == DOC_COUNT
    assert index.search(SearchRequest(per_page=5)).total > 0
    assert not multiprocessing.active_children()


def test_a_document_failing_in_a_worker_fails_the_build(index, docs):
    before = index.state()
    broken = [*docs[:450], {"id": "broken"}, *docs[450:]]  # no "terms": index_fields raises KeyError
    with pytest.raises(BuildFailed, match="KeyError"):
        rebuild(index, broken)
    assert index.state() == before
    assert index.doc_count() == 300
    assert not multiprocessing.active_children()


def test_documents_failing_in_this_process_stop_the_workers(index, docs):
    def failing() -> Iterator[dict[str, Any]]:
        yield from docs[:500]
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError, match="database went away"):
        rebuild(index, failing())
    assert index.doc_count() == 300
    assert not multiprocessing.active_children()


def test_fewer_documents_than_workers_batches(index, docs):
    rebuild(index, docs[:7])
    assert index.doc_count() == 7
    rebuild(index, [])
    assert index.doc_count() == 0

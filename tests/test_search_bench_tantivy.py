"""The search benchmark's tantivy comparison: the figures' shape, the ratios, and a fair comparison."""

from __future__ import annotations

import dataclasses
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from search_index import bench
from search_index.index import SearchIndex
from search_index.storage import SyncState
from search_index.types import SearchRequest

pytest.importorskip("tantivy", reason="tantivy is not installed (pip install -e '.[bench]')")

from search_index import bench_tantivy

LISTINGS = 300
QUERIES = 30
SEED = 7


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The JSON report of one tiny benchmark run with tantivy."""
    root = tmp_path_factory.mktemp("bench")
    measured = bench.benchmark(root, LISTINGS, QUERIES, SEED, lambda _: None, tantivy=True)
    return bench.summary(measured)


@dataclasses.dataclass
class Engines:
    """Both engines over the same generated listings, and the query mix."""

    project: SearchIndex
    tantivy: bench_tantivy.TantivyEngine
    mix: list[tuple[str, SearchRequest]]
    docs: list[dict[str, Any]]


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The project's index and tantivy's, built from the bench's listings."""
    root = tmp_path_factory.mktemp("engines")
    rng = random.Random(SEED)
    project = bench.load_index(root)
    corpus = bench.make_corpus(rng, project.vocabulary)
    docs = bench.make_documents(rng, corpus, LISTINGS)
    mix = bench.make_queries(rng, corpus, QUERIES * 3)
    project.rebuild(docs, SyncState(schema_version=0), expected_count=len(docs))
    bench_tantivy.build(root / "tantivy", bench_tantivy.prepare(docs, project.vocabulary))
    tantivy = bench_tantivy.TantivyEngine(
        root / "tantivy", [doc["id"] for doc in docs], project.vocabulary, project.synonyms
    )
    yield Engines(project, tantivy, mix, docs)
    project.close()


def project_ids(index: SearchIndex, request: SearchRequest) -> list[str]:
    """Return the ids of every result of ``request``, page after page."""
    ids: list[str] = []
    page = 1
    while True:
        result = index.search(dataclasses.replace(request, page=page, per_page=100))
        ids.extend(hit.id for hit in result.hits)
        if len(ids) >= result.total or not result.hits:
            return ids
        page += 1


def project_facets(index: SearchIndex, request: SearchRequest) -> dict[str, dict[str, int]]:
    """Return the project's non-zero facet counts of ``request``."""
    result = index.search(request)
    return {scheme: {f.code: f.count for f in counts if f.count} for scheme, counts in result.facets.items()}


def test_the_report_holds_both_engines_figures_and_their_ratios(report: dict[str, Any]) -> None:
    keys = [key for key, _, _ in bench.COMPARED]
    assert set(keys) <= set(report["tantivy"])
    assert set(report["vs_tantivy"]) == set(keys)
    shown = {
        "build_s": report["build_s"],
        "index_mb": report["index_mb"],
        "first_query_ms": report["first_query_ms"],
        "warm_p95_ms": report["overall"]["p95_ms"],
        "cold_p95_ms": report["cold"]["p95_ms"],
        "update_visible_ms": report["update_visible_ms"],
    }
    for key, value in shown.items():
        theirs = report["tantivy"][key]
        assert value > 0 and theirs > 0, key
        assert report["vs_tantivy"][key] == pytest.approx(value / theirs, rel=0.05, abs=0.02), key
    assert report["tantivy"]["update_found"] is True
    assert report["tantivy"]["peak_rss_mb"] > 0
    assert len(report["tantivy"]["warm_totals"]) == QUERIES
    assert set(report["tantivy"]["warm_without_facets"]) == {"p50_ms", "p95_ms"}


def test_the_table_prints_a_ratio_for_each_figure(report: dict[str, Any]) -> None:
    text = bench.table(report, QUERIES, SEED)
    assert "compared with tantivy" in text
    for _, label, unit in bench.COMPARED:
        line = next(line for line in text.splitlines() if line.startswith(f"{label} ({unit})"))
        assert line.endswith("x")


def test_filter_only_queries_give_the_same_listings_and_facet_counts(engines: Engines) -> None:
    requests = [request for kind, request in engines.mix if kind == "filters_facets"]
    requests += [
        SearchRequest(),
        SearchRequest(filters={"state": (engines.docs[0]["state"],)}),
        SearchRequest(filters={"condition": ("depression",)}, statuses=("published", "draft")),
    ]
    assert len(requests) > 5
    for request in requests:
        answer = engines.tantivy.search(request, all_ids=True)
        ids = project_ids(engines.project, request)
        assert sorted(answer.ids) == sorted(ids), request
        assert answer.total == len(ids), request
        tantivy_facets = {s: {c: n for c, n in counts.items() if n} for s, counts in answer.facets.items()}
        assert tantivy_facets == project_facets(engines.project, request), request


def test_every_query_of_the_mix_gives_the_same_total(engines: Engines) -> None:
    for _, request in engines.mix:
        if request.text and engines.project.search(request).suggestion is not None:
            continue  # a did-you-mean retry may answer another query: tantivy does no retries
        assert engines.tantivy.search(request).total == engines.project.search(request).total, request


def test_without_tantivy_the_bench_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(bench.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(SystemExit):
        bench.parse_args(["--tantivy"])
    assert "pip install -e '.[bench]'" in capsys.readouterr().err


def test_the_search_index_package_never_imports_tantivy() -> None:
    code = (
        "import sys, search_index, search_index.index, search_index.bench; sys.exit('tantivy' in sys.modules)"
    )
    root = Path(__file__).resolve().parents[1]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0

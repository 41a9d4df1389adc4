"""The benchmark runs end to end on a small index and reports every query type."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from search_index import bench


def test_bench_json_report_covers_every_query_type(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = bench.main(["--listings", "300", "--queries", "60", "--json", "--dir", str(tmp_path)])

    report = json.loads(capsys.readouterr().out)
    assert status == 0
    assert report["listings"] == 300
    for key in ("build_s", "index_mb", "peak_rss_mb", "throughput_qps", "update_visible_ms"):
        assert isinstance(report[key], float), key
        assert report[key] >= 0, key
    assert set(report["queries"]) == set(bench.QUERY_TYPES)
    for numbers in (*report["queries"].values(), report["overall"], report["cold"]):
        assert set(numbers) == {"p50_ms", "p95_ms"}
        assert all(isinstance(value, float) for value in numbers.values())
    assert all(report["counts"][kind] > 0 for kind in bench.QUERY_TYPES)
    assert sum(report["counts"].values()) == 60
    assert report["update_found"] is True
    unknown, known = report["queries"]["unknown_words"]["p95_ms"], report["queries"]["text"]["p95_ms"]
    assert report["unknown_words_vs_text_p95"] == pytest.approx(unknown / known, abs=0.01)


def test_bench_table_puts_unknown_word_p95_next_to_known_word_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bench.main(["--listings", "200", "--queries", "21", "--dir", str(tmp_path)])

    table = capsys.readouterr().out
    assert "unknown-word p95" in table and "known-word text p95" in table
    assert "unknown-word p95 <= 2x text p95" in table


def test_unknown_word_queries_hold_words_the_index_cannot_know() -> None:
    vocabulary, _ = bench.load_taxonomy()
    rng = random.Random(3)
    corpus = bench.make_corpus(rng, vocabulary)
    known = {word.lower() for word in corpus.words} | {w for term in bench.TYPED_TERMS for w in term.split()}
    texts = [bench.unknown_query(rng, corpus) for _ in range(200)]
    unknown = [text for text in texts if not set(text.lower().replace('"', "").split()) <= known]
    assert len(unknown) >= 190
    assert all(len(text) <= 200 for text in texts)


def test_bench_removes_its_index_unless_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bench.main(["--listings", "50", "--queries", "7", "--json", "--dir", str(tmp_path)])
    capsys.readouterr()

    assert list(tmp_path.iterdir()) == []


def test_synthetic_listings_are_deterministic_and_use_valid_codes() -> None:
    vocabulary, _ = bench.load_taxonomy()

    def listings(seed: int) -> list[dict[str, Any]]:
        rng = random.Random(seed)
        return bench.make_documents(rng, bench.make_corpus(rng, vocabulary), 20)

    first = listings(7)
    assert first == listings(7)
    assert first != listings(8)
    for doc in first:
        assert set(doc["terms"]) == set(vocabulary.schemes)
        for scheme, codes in doc["terms"].items():
            assert all(vocabulary.term(scheme, code) for code in codes)
        assert not doc["advertiser"] or doc["verification_status"] == "verified"

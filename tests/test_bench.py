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


def test_bench_removes_its_index_unless_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bench.main(["--listings", "50", "--queries", "6", "--json", "--dir", str(tmp_path)])
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

"""The page benchmark runs end to end and compares the console's search page with the public one."""

from __future__ import annotations

import json

import pytest

from directory.public import bench


@pytest.fixture(scope="module")
def report() -> dict:
    """One quick run (one timed request per URL): the shape matters here, not the figures."""
    return bench.measure(1)


def test_every_page_kind_has_its_median_and_p95(report):
    assert set(report["pages"]) == set(bench.page_urls("any"))
    for figures in report["pages"].values():
        assert set(figures) == {"p50_ms", "p95_ms"}
        assert all(isinstance(value, float) and value > 0 for value in figures.values())


def test_the_budget_line_names_the_page_kinds_over_it(report):
    line = bench.budget_line(report)
    over = [kind for kind, value in report["pages"].items() if value["p50_ms"] >= bench.PAGE_BUDGET_MS]
    assert line.startswith("budget: every page kind p50 < 50 ms")
    assert ("met by every page kind" in line) == (not over)
    assert all(kind in line for kind in over)


def test_the_console_is_measured_on_the_public_search_pages_queries(report):
    assert set(report["console"]) == set(bench.SEARCH_KINDS)
    for comparison in (*report["console"].values(), report["console_overall"]):
        assert set(comparison) == {"public", "console", "ratio_p50", "ratio_p95"}
        public, console = comparison["public"], comparison["console"]
        assert comparison["ratio_p50"] == pytest.approx(console["p50_ms"] / public["p50_ms"], abs=0.01)
        assert comparison["ratio_p95"] == pytest.approx(console["p95_ms"] / public["p95_ms"], abs=0.01)


def test_the_table_prints_both_pages_the_ratio_and_the_target(report):
    table = bench.console_table(report)
    assert "public p50" in table and "console p50" in table and "ratio" in table
    for kind in (*bench.SEARCH_KINDS, "overall"):
        assert kind in table
    assert "target: console p50 <= 1.5x public p50" in table
    target = bench.CONSOLE_TARGET_RATIO
    slow = [kind for kind, value in report["console"].items() if value["ratio_p50"] > target]
    assert all(f"{kind} " in table.splitlines()[-1] for kind in slow)
    assert ("met by every query kind" in table) == (not slow)
    json.dumps(report)  # the --json output is plain JSON


def test_the_api_search_is_measured_on_the_public_search_pages_queries(report):
    assert set(report["api"]) == set(bench.SEARCH_KINDS)
    for comparison in (*report["api"].values(), report["api_overall"]):
        assert set(comparison) == {"public", "api", "ratio_p50", "ratio_p95"}
        assert comparison["ratio_p50"] == pytest.approx(
            comparison["api"]["p50_ms"] / comparison["public"]["p50_ms"], abs=0.01
        )
    table = bench.api_table(report)
    assert "api p50" in table and "target: api p50 <= 1.5x public p50" in table

"""Benchmark page rendering: ``python -m directory.public.bench [--requests N] [--json]``.

Loads the sample directory into a temporary SQLite database, builds the index, then requests each
kind of public page through the WSGI app (Flask's test client: server time, no network) and prints
the median and p95 milliseconds per page kind.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from directory import create_app
from directory.database import get_session
from directory.migrate import upgrade_database
from directory.models import Center, ListingStatus
from directory.operations.sample_data import load_sample
from directory.search import get_search_service

DATA_DIR = Path(__file__).resolve().parents[2] / "data"


def page_urls(center_slug: str) -> dict[str, list[str]]:
    """Return the URLs measured, by page kind (several variants each)."""
    return {
        "home": ["/"],
        "search_text_near": [
            "/search?q=ketamine&near=84101",
            "/search?q=depression+rehab&near=Denver%2C+CO&radius=50",
        ],
        "search_filters": [
            "/search?therapy=esketamine&verified=1",
            "/search?level_of_care=residential&payment=medicaid",
        ],
        "search_empty": ["/search?q=xyzzyq"],
        "center": [f"/centers/{center_slug}"],
        "article": ["/articles/ketamine-for-depression", "/articles/what-verified-and-advertiser-mean"],
        "landing": ["/therapies/ketamine-assisted-therapy", "/therapies/depression-rehab/ca"],
    }


def measure(requests: int) -> dict[str, Any]:
    """Serve every page ``requests`` times; return p50/p95 ms per page kind."""
    with tempfile.TemporaryDirectory(prefix="page-bench-") as workdir:
        url = f"sqlite:///{Path(workdir) / 'bench.sqlite3'}"
        upgrade_database(url)
        app = create_app(
            {"DATABASE_URL": url, "SEARCH_INDEX_DIR": str(Path(workdir) / "index"), "SECRET_KEY": "bench"}
        )
        with app.app_context():
            session = get_session()
            load_sample(session, DATA_DIR)
            session.commit()
            get_search_service(app).rebuild()
            slug = session.scalar(
                select(Center.slug).where(Center.status == ListingStatus.PUBLISHED).order_by(Center.slug)
            )
        client = app.test_client()
        results: dict[str, Any] = {}
        for kind, urls in page_urls(slug).items():
            timings: list[float] = []
            for url_path in urls:
                client.get(url_path)  # warm-up
                for _ in range(requests):
                    started = time.perf_counter()
                    response = client.get(url_path)
                    timings.append((time.perf_counter() - started) * 1000)
                    if response.status_code != 200:
                        raise RuntimeError(f"{url_path} answered {response.status_code}")
            timings.sort()
            results[kind] = {
                "p50_ms": round(statistics.median(timings), 2),
                "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 2),
            }
        app.extensions["database"].dispose()
    every = [value["p50_ms"] for value in results.values()]
    return {"pages": results, "median_of_medians_ms": round(statistics.median(every), 2)}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Parse arguments, measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = measure(args.requests)
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"{'page':<18} {'p50 ms':>8} {'p95 ms':>8}")
        for kind, value in figures["pages"].items():
            print(f"{kind:<18} {value['p50_ms']:>8} {value['p95_ms']:>8}")
    return figures


if __name__ == "__main__":
    main()

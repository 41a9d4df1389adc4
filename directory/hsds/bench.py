"""Benchmark the HSDS API's queries: ``python -m directory.hsds.bench [--runs N] [--json]``.

Loads the sample directory into a temporary SQLite database, builds the search index, then times
a page of 50 services (with and without a full-text search), one fully nested service, the
service-at-locations near a ZIP code, and the whole ndjson stream, against the file export's
JSON lines (``export_json``). Prints median milliseconds, and per service where that compares.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from directory import create_app
from directory.database import get_session
from directory.hsds import ids
from directory.hsds.api_queries import (
    get_service,
    iter_services_ndjson,
    list_service_at_locations,
    list_services,
)
from directory.hsds.export import count_centers, export_json
from directory.hsds.layout import load_layout
from directory.hsds.publisher import current_publisher
from directory.migrate import upgrade_database
from directory.models import Center, ListingStatus
from directory.operations.sample_data import load_sample
from directory.search import get_search_service

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
PAGE = 50


def median_ms(action: Callable[[], object], runs: int) -> float:
    """Run ``action`` ``runs`` times; return its median wall time in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 2)


def measure(runs: int) -> dict[str, Any]:
    """Time the queries and the file export on the sample directory; return the figures."""
    with tempfile.TemporaryDirectory(prefix="hsds-bench-") as workdir:
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
            publisher = current_publisher()
            layout = load_layout()
            published = session.scalars(
                select(Center.id).where(Center.status == ListingStatus.PUBLISHED)
            ).all()
            total = count_centers(session)  # the listings the file export shares
            service = str(ids.service_id(published[0]))
            figures = {
                "page_of_50_ms": median_ms(lambda: list_services(session, publisher, per_page=PAGE), runs),
                "page_of_50_search_ms": median_ms(
                    lambda: list_services(session, publisher, search="ketamine", per_page=PAGE), runs
                ),
                "one_service_ms": median_ms(lambda: get_service(session, publisher, service), runs),
                "service_at_locations_near_zip_ms": median_ms(
                    lambda: list_service_at_locations(
                        session, publisher, postcode="90210", proximity=80_467, per_page=PAGE
                    ),
                    runs,
                ),
                "ndjson_all_published_ms": median_ms(
                    lambda: sum(1 for _ in iter_services_ndjson(session, publisher)), max(1, runs // 5)
                ),
                "file_export_all_ms": median_ms(
                    lambda: export_json(session, io.StringIO(), layout, publisher=publisher),
                    max(1, runs // 5),
                ),
            }
        app.extensions["database"].dispose()
    figures["list_per_service_ms"] = round(figures["page_of_50_ms"] / PAGE, 3)
    figures["ndjson_per_service_ms"] = round(figures["ndjson_all_published_ms"] / len(published), 3)
    figures["file_export_per_service_ms"] = round(figures["file_export_all_ms"] / (total or 1), 3)
    figures["published_services"] = len(published)
    figures["exported_listings"] = total
    return figures


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the benchmark and print its figures (as JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="times each query is run (default 20)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = measure(args.runs)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for name, value in figures.items():
            print(f"{name:36} {value}")
    return figures


if __name__ == "__main__":
    main()

"""Benchmark the SAMHSA import: ``python -m directory.samhsa.bench [PATH] [--database URL] [--json]``.

Imports the workbook into an empty database (a temporary SQLite file unless ``--database`` names
another, whose tables must be empty) and builds the search index, then prints how long each phase
took: reading and checking the workbook, writing the listings, indexing them, and the total.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from directory import create_app
from directory.database import get_session
from directory.indexing import DEFER_KEY
from directory.migrate import upgrade_database
from directory.operations.samhsa_import import import_samhsa
from directory.operations.sample_data import load_vocabulary_file
from directory.samhsa.workbook import read_workbook
from directory.search import get_search_service

DEFAULT_FILE = (
    Path(__file__).resolve().parents[3] / "shared" / "samhsa" / "National_Directory_MH_Facilities_2022.xlsx"
)
TAXONOMY_FILE = Path(__file__).resolve().parents[2] / "data" / "taxonomy.json"


def run(path: Path, database_url: str | None, workdir: Path) -> dict[str, Any]:
    """Import ``path`` into an empty database, index it, and return the timings."""
    url = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    upgrade_database(url)
    app = create_app({"DATABASE_URL": url, "SEARCH_INDEX_DIR": str(workdir / "index"), "SECRET_KEY": "bench"})
    started = time.perf_counter()
    read_workbook(path)
    read_s = time.perf_counter() - started
    with app.app_context():
        session = get_session()
        session.info[DEFER_KEY] = True
        load_vocabulary_file(session, TAXONOMY_FILE)
        session.commit()
        write_started = time.perf_counter()
        report = import_samhsa(session, path, edition="2022", commit=session.commit)
        write_s = time.perf_counter() - write_started
        index_started = time.perf_counter()
        indexed = get_search_service().rebuild()
        index_s = time.perf_counter() - index_started
    total_s = time.perf_counter() - started
    return {
        "facilities": report.rows,
        "created": report.outcomes["created"],
        "indexed": indexed,
        "read_check_s": round(read_s, 2),
        "import_s": round(write_s, 2),
        "index_s": round(index_s, 2),
        "total_s": round(total_s, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "database": url.split(":", 1)[0],
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Parse arguments, run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--database", help="SQLAlchemy URL of an empty, migrated-or-new database")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="samhsa-bench-") as workdir:
        figures = run(args.path, args.database, Path(workdir))
    if args.json:
        print(json.dumps(figures))
    else:
        print(
            f"SAMHSA import of {figures['facilities']:,} facilities into {figures['database']}: "
            f"read and check {figures['read_check_s']} s, import {figures['import_s']} s "
            f"(read again inside), index {figures['index_s']} s; total {figures['total_s']} s; "
            f"peak RSS {figures['peak_rss_mb']} MB."
        )
    return figures


if __name__ == "__main__":
    main()

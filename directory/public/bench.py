"""Benchmark page rendering: ``python -m directory.public.bench [--requests N] [--json]``.

Loads the sample directory into a temporary SQLite database, builds the index, then requests each
kind of public page through the WSGI app (Flask's test client: server time, no network) and prints
the median and p95 milliseconds per page kind.

It then measures the staff console's search page, signed in as a specialist, on the same queries
as the public search page (the same query strings, at ``/staff/search``), taking each console
request right after its public twin so that both see the same machine load, and prints both
medians and p95s and their ratio (the console's target: at most 1.5 times the public page).

Last, it measures the JSON API's search (``/api/v1/search``) on the same query strings, each API
request right after its public twin, and prints the API/public ratios (the same 1.5x target).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from directory import create_app
from directory.database import get_session
from directory.migrate import upgrade_database
from directory.models import Center, ListingStatus, Role
from directory.operations.sample_data import load_sample
from directory.operations.users import create_user
from directory.search import get_search_service

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
#: The public search page kinds the console is compared on.
SEARCH_KINDS = ("search_text_near", "search_filters", "search_empty")
#: The console's answer may take at most this many times the public page's server time.
CONSOLE_TARGET_RATIO = 1.5
#: The API's search may take at most this many times the public search page's server time.
API_TARGET_RATIO = 1.5
#: Every public page kind's server time at p50 stays under this budget (milliseconds).
PAGE_BUDGET_MS = 50.0
#: Page kinds that answer with another status than 200 (an error page is a page of the site too).
EXPECTED_STATUS = {"not_found": 404}
BENCH_EMAIL = "bench-specialist@example.org"
BENCH_PASSWORD = "bench password, never used outside the benchmark"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


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
        "search_corrected": ["/search?q=spravado", "/search?q=ketamne&near=84101"],
        "center": [f"/centers/{center_slug}"],
        "article": ["/articles/ketamine-for-depression", "/articles/what-verified-and-advertiser-mean"],
        "landing": ["/therapies/ketamine-assisted-therapy", "/therapies/depression-rehab/ca"],
        "articles": ["/articles"],
        "promises": ["/promises"],
        "list_center_form": ["/list-your-center"],
        "vocabulary": ["/vocabulary", "/vocabulary/therapy"],
        "not_found": ["/centers/no-such-center", "/therapies/no-such-therapy"],
    }


def measure(requests: int) -> dict[str, Any]:
    """Serve every page ``requests`` times; return p50/p95 ms per page kind and the console's figures."""
    with tempfile.TemporaryDirectory(prefix="page-bench-") as workdir:
        url = f"sqlite:///{Path(workdir) / 'bench.sqlite3'}"
        upgrade_database(url)
        app = create_app(
            {
                "DATABASE_URL": url,
                "SEARCH_INDEX_DIR": str(Path(workdir) / "index"),
                "SECRET_KEY": "bench",
                "API_RATE_LIMIT": "1000000 per minute",
            }
        )
        with app.app_context():
            session = get_session()
            load_sample(session, DATA_DIR)
            create_user(session, BENCH_EMAIL, Role.SPECIALIST, BENCH_PASSWORD, actor="page bench")
            session.commit()
            get_search_service(app).rebuild()
            slug = session.scalar(
                select(Center.slug).where(Center.status == ListingStatus.PUBLISHED).order_by(Center.slug)
            )
        client = app.test_client()
        urls = page_urls(slug)
        results = {
            kind: _figures(_timings(client, paths, requests, status=EXPECTED_STATUS.get(kind, 200)))
            for kind, paths in urls.items()
        }
        console = measure_console(app.test_client(), app.test_client(), urls, requests)
        api = measure_api(app.test_client(), app.test_client(), urls, requests)
        app.extensions["database"].dispose()
    every = [value["p50_ms"] for value in results.values()]
    return {"pages": results, "median_of_medians_ms": round(statistics.median(every), 2), **console, **api}


def measure_console(
    public: FlaskClient, staff: FlaskClient, urls: dict[str, list[str]], requests: int
) -> dict[str, Any]:
    """Time each public search URL and its console twin in turn; return both and their ratios."""
    sign_in(staff)
    return _side_by_side(public, staff, urls, requests, prefix="/staff", name="console")


def measure_api(
    public: FlaskClient, api: FlaskClient, urls: dict[str, list[str]], requests: int
) -> dict[str, Any]:
    """Time each public search URL and the API's search on the same query string in turn."""
    return _side_by_side(public, api, urls, requests, prefix="/api/v1", name="api")


def _side_by_side(
    public: FlaskClient,
    other: FlaskClient,
    urls: dict[str, list[str]],
    requests: int,
    *,
    prefix: str,
    name: str,
) -> dict[str, Any]:
    """Time each search kind's public URL and ``prefix`` + the same URL alternately (same load for both).

    Returns ``{name: {kind: comparison}, name + "_overall": comparison}``.
    """
    kinds: dict[str, Any] = {}
    public_all: list[float] = []
    other_all: list[float] = []
    for kind in SEARCH_KINDS:
        public_times: list[float] = []
        other_times: list[float] = []
        for path in urls[kind]:
            other_path = prefix + path
            public.get(path)  # warm-up
            other.get(other_path)
            for _ in range(requests):
                public_times += _timings(public, [path], 1, warm=False)
                other_times += _timings(other, [other_path], 1, warm=False)
        public_all += public_times
        other_all += other_times
        kinds[kind] = _comparison(public_times, other_times, name)
    return {name: kinds, f"{name}_overall": _comparison(public_all, other_all, name)}


def sign_in(client: FlaskClient) -> None:
    """Sign the benchmark's specialist in through the login form (CSRF token and all)."""
    token = _CSRF.search(client.get("/staff/login").get_data(as_text=True))
    if token is None:
        raise RuntimeError("the sign-in page has no CSRF token")
    response = client.post(
        "/staff/login", data={"email": BENCH_EMAIL, "password": BENCH_PASSWORD, "csrf_token": token.group(1)}
    )
    if response.status_code != 303:
        raise RuntimeError(f"signing in answered {response.status_code}")


def _timings(
    client: FlaskClient, paths: list[str], requests: int, *, warm: bool = True, status: int = 200
) -> list[float]:
    """Return the milliseconds of ``requests`` GETs of each path (after one warm-up GET each)."""
    timings: list[float] = []
    for url_path in paths:
        if warm:
            client.get(url_path)
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url_path)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != status:
                raise RuntimeError(f"{url_path} answered {response.status_code}")
    return timings


def _figures(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings)
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
    }


def _comparison(public: list[float], console: list[float], name: str = "console") -> dict[str, Any]:
    """Return both pages' figures and the other page's (``name``) ratio to the public page (p50 and p95)."""
    public_figures, console_figures = _figures(public), _figures(console)
    return {
        "public": public_figures,
        name: console_figures,
        "ratio_p50": round(console_figures["p50_ms"] / public_figures["p50_ms"], 2),
        "ratio_p95": round(console_figures["p95_ms"] / public_figures["p95_ms"], 2),
    }


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
        print(budget_line(figures))
        print()
        print(console_table(figures))
        print()
        print(api_table(figures))
    return figures


def budget_line(figures: dict[str, Any]) -> str:
    """Return whether every page kind's p50 is under :data:`PAGE_BUDGET_MS`, naming any over it."""
    over = [kind for kind, value in figures["pages"].items() if value["p50_ms"] >= PAGE_BUDGET_MS]
    verdict = f"not met by {', '.join(over)}" if over else "met by every page kind"
    return f"budget: every page kind p50 < {PAGE_BUDGET_MS:g} ms ({verdict})"


def console_table(figures: dict[str, Any]) -> str:
    """Return the console-versus-public comparison as a table, with the target's verdict."""
    header = (
        f"{'console vs public':<18} {'public p50':>10} {'console p50':>11} {'ratio':>6}"
        f" {'public p95':>10} {'console p95':>11} {'ratio':>6}"
    )
    lines = [header]
    for kind, value in (*figures["console"].items(), ("overall", figures["console_overall"])):
        lines.append(
            f"{kind:<18} {value['public']['p50_ms']:>10} {value['console']['p50_ms']:>11}"
            f" {value['ratio_p50']:>6} {value['public']['p95_ms']:>10} {value['console']['p95_ms']:>11}"
            f" {value['ratio_p95']:>6}"
        )
    ratio = figures["console_overall"]["ratio_p50"]
    verdict = "met" if ratio <= CONSOLE_TARGET_RATIO else "NOT met"
    misses = [
        f"{kind} {value['ratio_p50']}x"
        for kind, value in figures["console"].items()
        if value["ratio_p50"] > CONSOLE_TARGET_RATIO
    ]
    by_kind = f"; not met by {', '.join(misses)}" if misses else "; met by every query kind"
    lines.append(
        f"target: console p50 <= {CONSOLE_TARGET_RATIO:g}x public p50 ({verdict} overall: {ratio}x{by_kind})"
    )
    return "\n".join(lines)


def api_table(figures: dict[str, Any]) -> str:
    """Return the API-versus-public-page comparison as a table, with the target's verdict."""
    lines = [
        f"{'api vs public':<18} {'public p50':>10} {'api p50':>8} {'ratio':>6}"
        f" {'public p95':>10} {'api p95':>8} {'ratio':>6}"
    ]
    for kind, value in (*figures["api"].items(), ("overall", figures["api_overall"])):
        lines.append(
            f"{kind:<18} {value['public']['p50_ms']:>10} {value['api']['p50_ms']:>8}"
            f" {value['ratio_p50']:>6} {value['public']['p95_ms']:>10} {value['api']['p95_ms']:>8}"
            f" {value['ratio_p95']:>6}"
        )
    ratio = figures["api_overall"]["ratio_p50"]
    verdict = "met" if ratio <= API_TARGET_RATIO else "NOT met"
    misses = [
        f"{kind} {v['ratio_p50']}x" for kind, v in figures["api"].items() if v["ratio_p50"] > API_TARGET_RATIO
    ]
    by_kind = f"; not met by {', '.join(misses)}" if misses else "; met by every query kind"
    lines.append(
        f"target: api p50 <= {API_TARGET_RATIO:g}x public p50 ({verdict} overall: {ratio}x{by_kind})"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    main()

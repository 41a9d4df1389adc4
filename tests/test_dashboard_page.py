"""The research team's dashboard page: figures linked to their lists, the chart, the navigation."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, delete, func, select

from directory.admin.charts import backlog_chart, describe, describe_influence, nice_ceiling
from directory.models import Center, ListingStatus, Role, ShortlistWeek, VerificationStatus, utcnow
from directory.operations.dashboard import BacklogPoint, InfluenceWeek
from directory.operations.shortlist_counts import week_start
from tests.conftest import sample_site
from tests.staff_accounts import add_staff, database, signed_in_client

ADMIN = "dashboard-admin@example.org"
SPECIALIST = "dashboard-specialist@example.org"
SVG = re.compile(r"<svg\b.*?</svg>", re.S)
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def site(database_url: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The sample directory with an admin and a specialist, and one week of shortlist counters."""
    with sample_site(database_url, engine, tmp_path_factory.mktemp("dashboard-index")) as app:
        with database(app) as session:
            add_staff(session, ADMIN, Role.ADMIN)
            add_staff(session, SPECIALIST)
            session.add(
                ShortlistWeek(
                    week_start=week_start(utcnow().date()),
                    centers_added=8,
                    advertisers_added=2,
                    searches=5,
                    search_results=200,
                    search_result_advertisers=20,
                )
            )
            session.commit()
        yield app
        with database(app) as session:
            session.execute(delete(ShortlistWeek))
            session.commit()


@pytest.fixture(scope="module")
def admin(site: Flask) -> FlaskClient:
    return signed_in_client(site, ADMIN)


@pytest.fixture(scope="module")
def specialist(site: Flask) -> FlaskClient:
    return signed_in_client(site, SPECIALIST)


@pytest.fixture(scope="module")
def page(admin: FlaskClient) -> str:
    response = admin.get("/admin/")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    return response.get_data(as_text=True)


def figure(page: str, href: str) -> int:
    """Return the number a figure linked to ``href`` shows."""
    match = re.search(
        rf'<a href="{re.escape(href)}"><span class="figure">([\d,]+)</span>', page.replace("&amp;", "&")
    )
    assert match, f"no figure links to {href}"
    return int(match.group(1).replace(",", ""))


def test_a_specialist_gets_403_and_no_admin_navigation(specialist):
    response = specialist.get("/admin/")
    assert response.status_code == 403
    search = specialist.get("/staff/search").get_data(as_text=True)
    assert 'aria-label="Research team"' not in search and 'href="/admin/"' not in search


def test_every_figure_links_to_its_filtered_list(site, page):
    with database(site) as session:
        published = session.scalar(
            select(func.count()).select_from(Center).where(Center.status == ListingStatus.PUBLISHED)
        )
        unverified = session.scalar(
            select(func.count())
            .select_from(Center)
            .where(Center.verification_status == VerificationStatus.UNVERIFIED)
        )
        advertisers = session.scalar(select(func.count()).select_from(Center).where(Center.is_advertiser))
    assert figure(page, "/staff/search?status=published") == published
    assert figure(page, "/staff/search?verification=unverified") == unverified
    assert figure(page, "/staff/search?advertiser=1") == advertisers > 0
    for section in ("first", "overdue", "due", "needs_info", "flagged"):
        figure(page, f"/admin/verification?section={section}")
    since = (utcnow() - timedelta(days=30)).date().isoformat()
    figure(page, f"/admin/audit?action=verification.expired&since={since}")
    figure(page, "/admin/advertisers?ending=30")
    figure(page, "/admin/submissions")
    figure(page, "/admin/corrections?status=open")
    assert 'href="/admin/audit"' in page


def test_the_backlog_chart_is_valid_svg_with_a_title_and_its_figures_in_a_table(page):
    svg_text, _influence = SVG.findall(page)
    svg = ET.fromstring(svg_text)
    assert svg.tag == f"{SVG_NS}svg" and svg.get("role") == "img"
    title, desc = svg.find(f"{SVG_NS}title"), svg.find(f"{SVG_NS}desc")
    assert title.text == "Verification backlog by week"
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "now" in desc.text
    assert all(not (value or "").startswith("http") or "w3.org" in value for value in svg_text.split('"'))
    table = page[page.index("The backlog week by week") :]
    assert len(re.findall(r'<tr><th scope="row">', table.split("</table>")[0])) == 12


def test_the_influence_table_shows_both_shares_and_what_they_mean(page):
    _backlog, chart = SVG.findall(page)
    svg = ET.fromstring(chart)
    assert svg.find(f"{SVG_NS}title").text.startswith("Advertisers' share of shortlisted centers")
    assert (
        "advertisers were 25% of the 8 centers added to shortlists, and 10% of their 200 search results"
        in (svg.find(f"{SVG_NS}desc").text)
    )
    bars = [r for r in svg.iter(f"{SVG_NS}rect") if float(r.get("y")) > 30]
    assert [float(bar.get("height")) for bar in bars] == [41.0, 16.4]  # 25% and 10% of 164 px
    text = unescape(re.sub(r"<[^>]+>", " ", page))
    assert "Advertising influence" in text
    row = re.search(r"\(so far\)\s+8\s+2\s+25%\s+5\s+200\s+10%", text)
    assert row, "this week's row: 8 shortlisted, 2 advertisers (25%), 5 searches, 200 results (10%)"
    assert "leaking into recommendations" in text
    assert "nothing about callers, specialists or what was searched" in text


def test_the_navigation_marks_the_current_page(admin, page):
    assert '<a href="/admin/" aria-current="page">Dashboard</a>' in page
    for href in ("/admin/verification", "/admin/advertisers", "/admin/submissions", "/admin/corrections"):
        assert f'<a href="{href}">' in page
    assert '<a href="/admin/articles">Articles</a>' in page and '<a href="/admin/audit">Audit</a>' in page
    accounts = admin.get("/admin/users")
    assert accounts.status_code == 200
    assert '<a href="/admin/users" aria-current="page">Staff accounts</a>' in accounts.get_data(as_text=True)
    search = admin.get("/staff/search").get_data(as_text=True)
    assert '<a href="/staff/search" aria-current="page">Search as staff</a>' in search
    assert search.count('aria-current="page"') == 1


def test_chart_scale_and_text_alternative():
    assert [nice_ceiling(v) for v in (0, 1, 3, 7, 10, 11, 199, 2001)] == [1, 1, 5, 10, 10, 20, 200, 5000]
    start = date(2026, 11, 2)
    points = [
        BacklogPoint(start + timedelta(weeks=i), datetime(2026, 11, 9, tzinfo=UTC), first, overdue)
        for i, (first, overdue) in enumerate([(3, 1), (9, 2), (4, 0)])
    ]
    assert describe(points) == (
        "Listings awaiting a first verification plus overdue re-verifications, at the end of each of the "
        "last 3 weeks: 4 in the week of November 2, 4 now (4 awaiting a first verification, 0 overdue); "
        "highest 11, in the week of November 9."
    )
    svg = ET.fromstring(str(backlog_chart(points, chart_id="x<y")))  # an odd id is escaped, still XML
    bars = [r for r in svg.iter(f"{SVG_NS}rect") if float(r.get("y")) > 30]
    assert len(bars) == 5  # 2 + 2 + 1 (a zero is not drawn)


def test_the_influence_description_without_additions():
    weeks = [InfluenceWeek(date(2026, 11, 23))]
    assert describe_influence(weeks) == "No center was added to a shortlist in the last 1 week."
    weeks = [InfluenceWeek(date(2026, 11, 23), centers_added=3, advertisers_added=1)]
    assert "33% of the 3 centers added to shortlists, and no search results counted" in describe_influence(
        weeks
    )

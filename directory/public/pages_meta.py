"""Public pages about the directory itself: the promises, the sitemap and robots.txt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Response, render_template
from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.database import get_session
from directory.models import Center, ListingStatus
from directory.public import bp
from directory.public.related import landing_pages, published_articles
from directory.site_address import absolute_url_for


@dataclass(frozen=True)
class SitemapEntry:
    """One ``<url>`` of the sitemap: an absolute address and, where known, when it last changed."""

    loc: str
    lastmod: date | None = None


@bp.get("/promises")
def promises() -> str:
    """Explain the directory's promises: free listing, verification, advertisers, ranking, privacy."""
    return render_template("public/promises.html", canonical_url=absolute_url_for("public.promises"))


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """List every public page for search engines, with absolute addresses."""
    xml = render_template("public/sitemap.xml", entries=sitemap_entries(get_session()))
    return Response(xml, mimetype="application/xml")


@bp.get("/robots.txt")
def robots() -> Response:
    """Let crawlers in, keep them off filtered searches and staff pages, and point to the sitemap."""
    lines = [
        "User-agent: *",
        "Allow: /",
        "Disallow: /search?",
        "Disallow: /staff/",
        "Disallow: /admin/",
        f"Sitemap: {absolute_url_for('public.sitemap')}",
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


def sitemap_entries(session: Session) -> list[SitemapEntry]:
    """Return the home, search, promises and library pages, articles, centers and landing pages."""
    entries = [
        SitemapEntry(absolute_url_for(endpoint))
        for endpoint in ("public.home", "public.search", "public.promises", "public.articles")
    ]
    entries += [
        SitemapEntry(
            absolute_url_for("public.article", slug=article.slug),
            article.updated_on or article.published_on,
        )
        for article in published_articles(session)
    ]
    centers = session.execute(
        select(Center.slug, Center.updated_at)
        .where(Center.status == ListingStatus.PUBLISHED)
        .order_by(Center.slug)
    )
    entries += [
        SitemapEntry(absolute_url_for("public.center", slug=slug), updated.date() if updated else None)
        for slug, updated in centers
    ]
    for therapy, state in landing_pages(session):
        if state is None:
            entries.append(SitemapEntry(absolute_url_for("public.landing_therapy", therapy=therapy)))
        else:
            entries.append(
                SitemapEntry(absolute_url_for("public.landing_therapy_state", therapy=therapy, state=state))
            )
    return entries

"""Public pages: home."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import func, select

from directory.database import get_session
from directory.models import Article, Center, ListingStatus
from directory.public import bp


@bp.get("/")
def home() -> str:
    """Show the home page."""
    session = get_session()
    published = session.scalar(
        select(func.count()).select_from(Center).where(Center.status == ListingStatus.PUBLISHED)
    )
    articles = session.scalars(
        select(Article).where(Article.published_on.is_not(None)).order_by(Article.updated_on.desc())
    ).all()
    return render_template("public/home.html", published=published, articles=articles)

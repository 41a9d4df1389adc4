"""Public pages: a center's listing (published or closed; anything else is not found)."""

from __future__ import annotations

from flask import render_template

from directory.database import get_session
from directory.public import bp
from directory.public.center_presenter import find_public_center, present_center
from directory.search import get_search_service
from directory.site_address import absolute_url_for


@bp.get("/centers/<slug>")
def center(slug: str) -> tuple[str, int]:
    """Show everything the directory knows about a center."""
    session = get_session()
    found = find_public_center(session, slug)
    if found is None:
        return render_template("public/center_not_found.html"), 404
    vocabulary = get_search_service().index.vocabulary
    page = present_center(session, found, vocabulary, absolute_url_for("public.center", slug=slug))
    return render_template("public/center.html", page=page), 200

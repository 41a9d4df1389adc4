"""Public pages: therapy landing pages, for the whole country and for each state with listings."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from werkzeug.wrappers import Response

from directory.database import get_session
from directory.public import bp
from directory.public.maps import MapView, results_map
from directory.public.related import Landing, landing
from directory.site_address import absolute_url_for


@bp.get("/therapies/<therapy>")
def landing_therapy(therapy: str) -> str:
    """Show the first page of public listings offering a therapy, with links by state."""
    page = landing(get_session(), therapy)
    if page is None:
        abort(404)
    return render_template(
        "public/landing.html",
        page=page,
        canonical_url=absolute_url_for("public.landing_therapy", therapy=page.term.code),
        map_view=landing_map(page),
    )


@bp.get("/therapies/<therapy>/<state>")
def landing_therapy_state(therapy: str, state: str) -> str | Response:
    """Show the listings offering a therapy in one state; 404 when the state has none."""
    if state != state.lower():
        return redirect(url_for("public.landing_therapy_state", therapy=therapy, state=state.lower()), 301)
    page = landing(get_session(), therapy, state)
    if page is None:
        abort(404)
    return render_template(
        "public/landing.html",
        page=page,
        canonical_url=absolute_url_for("public.landing_therapy_state", therapy=page.term.code, state=state),
        map_view=landing_map(page),
    )


def landing_map(page: Landing) -> MapView | None:
    """Return the map of a landing page's listed centers (fitted to the state on a state's page)."""
    return results_map(
        page.results.hits,
        1,
        lambda slug: url_for("public.center", slug=slug),
        state=page.state,
        noun=f"listed here{' in ' + page.place_name if page.state else ''}",
        numbered="in the order of the list",
    )

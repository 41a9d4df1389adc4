"""The staff home page: who is signed in, what they may do, and the search form."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from directory.search import get_search_service
from directory.staff import bp


@bp.get("/")
def home() -> str:
    """Show the signed-in staff member, their role, their links and the staff search form."""
    vocabulary = get_search_service().index.vocabulary
    return render_template(
        "staff/home.html", user=current_user, therapies=vocabulary.schemes.get("therapy", ())
    )

"""The research team's admin pages at ``/admin/`` (blueprint ``admin``); admins only (see access)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from directory.admin import (  # noqa: E402  (the modules register their routes on bp)
    pages_corrections,
    pages_listing,
    pages_submissions,
    pages_users,
    refusals,
)

__all__ = ["bp", "pages_corrections", "pages_listing", "pages_submissions", "pages_users", "refusals"]

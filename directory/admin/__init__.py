"""The research team's admin pages at ``/admin/`` (blueprint ``admin``); admins only (see access)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from directory.admin import (  # noqa: E402  (each registers its routes on bp)
    pages_articles,
    pages_audit,
    pages_users,
    refusals,
)

__all__ = ["bp", "pages_articles", "pages_audit", "pages_users", "refusals"]

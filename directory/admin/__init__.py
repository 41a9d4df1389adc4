"""The research team's admin pages at ``/admin/`` (blueprint ``admin``); admins only (see access)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

import directory.admin._placeholders  # noqa: E402, F401  TEMP: the lead drops it at merge
from directory.admin import pages_dashboard, pages_users  # noqa: E402  (they register their routes on bp)

__all__ = ["bp", "pages_dashboard", "pages_users"]

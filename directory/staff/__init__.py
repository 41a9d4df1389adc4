"""The specialists' console at ``/staff/`` (blueprint ``staff``): home, search, the staff view of a center.

Who may use each page is said in :mod:`directory.access`, not here.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

from directory.staff import (  # noqa: E402  (the modules register their routes)
    pages_center,
    pages_home,
    pages_presets,
    pages_search,
    pages_shortlist,
    refusals,
)

__all__ = ["bp", "pages_center", "pages_home", "pages_presets", "pages_search", "pages_shortlist", "refusals"]

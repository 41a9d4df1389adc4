"""The specialists' console at ``/staff/`` (blueprint ``staff``): the home page and staff search.

Who may use each page is said in :mod:`directory.access`, not here.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

from directory.staff import pages_home, pages_search, pages_shortlist  # noqa: E402  (the modules register their routes)

__all__ = ["bp", "pages_home", "pages_search", "pages_shortlist"]

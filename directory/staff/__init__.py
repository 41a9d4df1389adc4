"""The specialists' console at ``/staff/`` (blueprint ``staff``): the home page, staff search and presets.

Who may use each page is said in :mod:`directory.access`, not here.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

from directory.staff import pages_home, pages_presets, pages_search  # noqa: E402  (they register routes)

__all__ = ["bp", "pages_home", "pages_presets", "pages_search"]

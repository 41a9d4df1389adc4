"""The public site: the pages a person looking for help sees. Works without JavaScript.

Routes live in one module per page family; ``context`` adds the template helpers and the
privacy and security headers every public response carries.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("public", __name__)

from directory.public import (  # noqa: E402  (the modules register their routes on bp)
    context,
    pages_articles,
    pages_centers,
    pages_forms,
    pages_home,
    pages_landing,
    pages_meta,
    pages_search,
    pages_unavailable,
    pages_vocabulary,
    trust_marks,
)

__all__ = [
    "bp",
    "context",
    "pages_articles",
    "pages_centers",
    "pages_forms",
    "pages_home",
    "pages_landing",
    "pages_meta",
    "pages_search",
    "pages_unavailable",
    "pages_vocabulary",
    "trust_marks",
]

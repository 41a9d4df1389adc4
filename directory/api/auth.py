"""Who is asking the API: the Viewer that decides what a request may see and filter on."""

from __future__ import annotations

from flask import g
from flask_login import current_user

from directory.access import ROLES_ALLOWED, Access
from directory.search import Viewer


def api_viewer() -> Viewer:
    """Return the Viewer for this request: staff for a signed-in, active staff session, else public.

    Token check: an ``Authorization: Bearer <token>`` header will be checked here, before the
    session, with ``directory.operations.api_tokens.authenticate_token(session, raw_token)``; a
    client whose ``scope`` is "staff" gets :attr:`Viewer.STAFF`, "public" gets :attr:`Viewer.PUBLIC`,
    and an unknown, expired or revoked token answers 401 (not built yet: see issue 12, tokens).
    """
    cached = g.get("api_viewer")
    if cached is not None:
        return cached
    viewer = Viewer.PUBLIC
    if (
        current_user.is_authenticated
        and current_user.role in ROLES_ALLOWED[Access.STAFF]
        and not current_user.must_change_password
    ):
        viewer = Viewer.STAFF
    g.api_viewer = viewer
    return viewer

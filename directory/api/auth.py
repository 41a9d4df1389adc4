"""Who is asking the API: the Viewer that decides what a request may see and filter on.

A partner's ``Authorization: Bearer <token>`` header is checked first (only under ``/api/``: the
HTML site never reads it): a "staff" token reads as :attr:`Viewer.STAFF`, a "public" one as
:attr:`Viewer.PUBLIC`, and a refused token (unknown, expired, revoked, or a malformed header)
answers the API's JSON 401 with a ``WWW-Authenticate: Bearer`` challenge. Without a token, a
signed-in, active staff session reads as staff; anyone else as the public.
"""

from __future__ import annotations

from typing import Any

from flask import g
from flask_login import current_user
from werkzeug.exceptions import Unauthorized

from directory.access import ROLES_ALLOWED, Access
from directory.api_tokens_http import TokenRefused, request_client
from directory.models import TokenScope
from directory.search import Viewer

#: The name of the bearer scheme in the OpenAPI document's ``components.securitySchemes``.
BEARER_SCHEME = "bearerToken"
#: How the OpenAPI document describes the bearer scheme.
BEARER_SCHEME_SPEC: dict[str, Any] = {
    "type": "http",
    "scheme": "bearer",
    "description": (
        "An API token issued by the directory's admins, sent as `Authorization: Bearer <token>`. "
        "Optional: without it the public API answers under a lower rate limit per address. A public "
        "token gets its own, higher limit; a staff token also opens the staff-only filters. An "
        "unknown, expired or revoked token, or a malformed header, is refused with 401."
    ),
}
#: Every operation: anonymous (no requirement) or the bearer token.
OPTIONAL_BEARER: list[dict[str, list[str]]] = [{}, {BEARER_SCHEME: []}]


class TokenUnauthorized(Unauthorized):
    """A refused API token: the JSON 401 with the bearer challenge (see directory.api.errors)."""

    def __init__(self, refused: TokenRefused) -> None:
        super().__init__(description=refused.message)
        self.data = {"headers": {"WWW-Authenticate": refused.challenge}}


def api_viewer() -> Viewer:
    """Return the Viewer for this request: by its token if it sends one, else by its session.

    Raises :class:`TokenUnauthorized` (401) when the request's token is refused.
    """
    cached = g.get("api_viewer")
    if cached is not None:
        return cached
    try:
        client = request_client()
    except TokenRefused as refused:
        raise TokenUnauthorized(refused) from None
    if client is not None:
        viewer = Viewer.STAFF if client.scope is TokenScope.STAFF else Viewer.PUBLIC
    elif is_staff_session():
        viewer = Viewer.STAFF
    else:
        viewer = Viewer.PUBLIC
    g.api_viewer = viewer
    return viewer


def is_staff_session() -> bool:
    """Tell whether the request comes from a signed-in, active staff member (no token involved)."""
    return bool(
        current_user.is_authenticated
        and current_user.role in ROLES_ALLOWED[Access.STAFF]
        and not current_user.must_change_password
    )


def check_token() -> None:
    """Refuse a request whose token does not work (a blueprint's ``before_request``); else nothing."""
    api_viewer()

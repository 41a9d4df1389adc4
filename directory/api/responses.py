"""The error responses every API operation documents, so that no status it can answer is undocumented."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_smorest import Blueprint

from directory.api.errors import ErrorSchema

#: Statuses any API GET may answer besides its own: token refused, rate limited, failed, unavailable.
COMMON_ERRORS: dict[int, str] = {
    401: (
        "The API token is unknown, expired or revoked, or the Authorization header is not "
        "`Bearer <token>`: send a working token, or none for the public reads."
    ),
    429: "Too many requests: wait for Retry-After seconds.",
    500: "The server failed.",
    503: "The search index is being rebuilt: wait for Retry-After seconds.",
}
RATE_LIMIT_HEADERS: dict[str, Any] = {
    "X-RateLimit-Limit": {"description": "Requests allowed in the window.", "schema": {"type": "integer"}},
    "X-RateLimit-Remaining": {"description": "Requests left in the window.", "schema": {"type": "integer"}},
    "X-RateLimit-Reset": {
        "description": "When the window resets (Unix time).",
        "schema": {"type": "integer"},
    },
}

#: Headers the error answers carry: the wait before retrying, the bearer challenge.
ERROR_HEADERS: dict[int, dict[str, Any]] = {
    401: {
        "WWW-Authenticate": {
            "description": 'The bearer challenge, with error="invalid_token".',
            "schema": {"type": "string"},
        }
    },
    429: {"Retry-After": {"schema": {"type": "integer"}}},
    503: {"Retry-After": {"schema": {"type": "integer"}}},
}


def documented_errors(blp: Blueprint, *codes: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Document the JSON error responses ``codes`` plus :data:`COMMON_ERRORS`, and 304, on a view."""
    descriptions = {
        400: "Parameters that cannot be searched: `errors` names each one.",
        403: "A staff-only filter without a staff session or staff token.",
        404: "No such record.",
        422: "Parameters of the wrong type or out of range: `errors` names each one.",
        **COMMON_ERRORS,
    }

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        view = blp.alt_response(
            304,
            description="Not Modified: the ETag (If-None-Match) or date (If-Modified-Since) still holds.",
        )(view)
        for code in sorted({*codes, *COMMON_ERRORS}):
            headers = ERROR_HEADERS.get(code)
            view = blp.alt_response(
                code, schema=ErrorSchema, description=descriptions[code], headers=headers
            )(view)
        return view

    return decorate

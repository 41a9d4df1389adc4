"""One JSON error shape for everything under ``/api/``: ``code``, ``status``, ``message``, ``errors``.

``code`` is the HTTP status number, ``status`` its name, ``message`` what a person can do about it,
and ``errors`` the problems per parameter (``{"radius": ["..."]}``; ``{}`` when none is to blame).
:mod:`directory.errors` and :mod:`directory.access` defer to :func:`api_error_response` for API
paths, so no HTML page ever answers an API request, even for errors raised outside the views.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from flask import Response, jsonify, request
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

#: Every path under this prefix is the API's.
API_PREFIX = "/api/"

#: What each status says when the error carries no message of its own.
API_MESSAGES: dict[int, str] = {
    400: "The request could not be searched: see errors for what to change.",
    401: "Sign in, or send a valid API token, to use this endpoint.",
    403: "This request needs a staff session or a staff API token.",
    404: "There is nothing at this address. See /api/openapi.json for the endpoints.",
    405: "This endpoint does not accept that method. See the Allow header.",
    413: "The request body is too large.",
    422: "Some parameters are not valid: see errors for each one.",
    429: "Too many requests. Wait for the number of seconds in Retry-After, then try again.",
    500: "The server failed to answer. Please try again later.",
    503: "The service is briefly unavailable. Wait for the number of seconds in Retry-After.",
}
#: Statuses whose error's own description says more than :data:`API_MESSAGES` (400, 401, 403, 413).
MESSAGE_FROM_DESCRIPTION = frozenset({400, 401, 403, 413})


class ErrorSchema(Schema):
    """The body of every API error."""

    code = fields.Integer(required=True, metadata={"description": "The HTTP status code.", "example": 404})
    status = fields.String(
        required=True, metadata={"description": "The HTTP status name.", "example": "Not Found"}
    )
    message = fields.String(
        required=True,
        metadata={"description": "What went wrong and what to do.", "example": "No center has that id."},
    )
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        required=True,
        metadata={
            "description": "Problems per parameter ('_' for the request as a whole).",
            "example": {"radius": ["Must be greater than or equal to 0.5 and less than or equal to 500."]},
        },
    )


def is_api_request() -> bool:
    """Tell whether the current request is for the API (every path under ``/api/``, or ``/api``)."""
    return request.path == API_PREFIX.rstrip("/") or request.path.startswith(API_PREFIX)


def error_body(
    code: int, message: str | None = None, errors: Mapping[str, list[str]] | None = None
) -> dict[str, Any]:
    """Return the JSON error document for ``code``."""
    try:
        name = HTTPStatus(code).phrase
    except ValueError:
        name = "Error"
    return {
        "code": code,
        "status": name,
        "message": message or API_MESSAGES.get(code, name),
        "errors": {key: list(values) for key, values in (errors or {}).items()},
    }


def api_error_response(
    code: int,
    message: str | None = None,
    errors: Mapping[str, list[str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Return the JSON error response for ``code``; never cached."""
    response = jsonify(error_body(code, message, errors))
    response.status_code = code
    for name, value in (headers or {}).items():
        response.headers[name] = value
    response.headers["Cache-Control"] = "no-store"
    return response


def http_error_response(error: HTTPException) -> Response:
    """Answer an HTTP error raised anywhere under /api/ in the JSON shape, keeping its headers (Allow)."""
    code = error.code or 500
    data = getattr(error, "data", None) or {}
    message, errors = _message_and_errors(code, error, data)
    headers = {name: value for name, value in error.get_headers() if name.lower() not in ("content-type",)}
    headers.update(data.get("headers") or {})
    return api_error_response(code, message, errors, headers)


def _message_and_errors(
    code: int, error: HTTPException, data: Mapping[str, Any]
) -> tuple[str | None, dict[str, list[str]]]:
    """Return the message and per-field problems an error carries (webargs' or ours)."""
    errors: dict[str, list[str]] = {}
    messages = data.get("messages")
    if isinstance(messages, Mapping):
        # webargs nests by location ({"query": {"radius": [...]}}); flatten to the parameter names.
        for location_errors in messages.values():
            if isinstance(location_errors, Mapping):
                for name, problems in location_errors.items():
                    errors[str(name)] = _flatten(problems)
    if isinstance(data.get("errors"), Mapping):
        errors.update({str(k): _flatten(v) for k, v in data["errors"].items()})
    message = data.get("message")
    if message is None and code in MESSAGE_FROM_DESCRIPTION and error.description:
        message = str(error.description)
    if code == 429 and error.description:  # Flask-Limiter's description is the limit ("60 per 1 minute")
        message = f"{API_MESSAGES[429]} (Limit: {error.description}.)"
    return message, errors


def _flatten(problems: Any) -> list[str]:
    """Return a parameter's problems as a flat list of strings (webargs nests list items by index)."""
    if isinstance(problems, str):
        return [problems]
    if isinstance(problems, Mapping):
        return [text for value in problems.values() for text in _flatten(value)]
    if isinstance(problems, list | tuple):
        return [text for value in problems for text in _flatten(value)]
    return [str(problems)]

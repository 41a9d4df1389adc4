"""Reading a partner's API token from a request: ``Authorization: Bearer <token>`` and nothing else.

A token is never read from the query string or a form (those end up in logs and browser history).
The API calls :func:`request_client` once per request: None means an anonymous visitor (public
reads, lower rate limit); a refused token raises :class:`TokenRefused` for the API to answer 401.
"""

from __future__ import annotations

import re

from flask import Request, g
from flask import request as current_request
from flask_limiter.util import get_remote_address

from directory.database import get_session
from directory.models import utcnow
from directory.operations.api_tokens import RAW_TOKEN_MAX, ApiClient, authenticate_token

#: RFC 6750's b64token, after the scheme (case-insensitive) and one or more spaces.
BEARER = re.compile(r"^Bearer +([A-Za-z0-9\-._~+/]+=*) *$", re.IGNORECASE)
#: Where :func:`request_client` keeps the request's client for the rate limiter and the views.
G_KEY = "api_client"


class TokenRefused(Exception):
    """The request carries a token that does not work; ``message`` says what to do (answer 401)."""

    #: The value of the ``WWW-Authenticate`` header of the 401 answer.
    challenge = 'Bearer realm="api", error="invalid_token"'

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def bearer_token(request: Request) -> str | None:
    """Return the token of an ``Authorization: Bearer`` header; None when absent or malformed."""
    header = request.headers.get("Authorization", "")
    if not header or len(header) > RAW_TOKEN_MAX + 20:
        return None
    match = BEARER.match(header)
    return match.group(1) if match else None


def request_client(request: Request | None = None) -> ApiClient | None:
    """Return the partner the token stands for (its use counted, committed); None if anonymous."""
    request = request if request is not None else current_request
    if "Authorization" not in request.headers:
        g.pop(G_KEY, None)
        return None
    raw_token = bearer_token(request)
    if raw_token is None:
        raise TokenRefused("Send the API token in the header as 'Authorization: Bearer <token>'.")
    session = get_session()
    client = authenticate_token(session, raw_token, utcnow().date())
    if client is None:
        session.rollback()
        raise TokenRefused(
            "This API token is unknown, expired or revoked. Ask the directory's research team for a new one."
        )
    session.commit()  # the use counts even when the rest of the request fails
    setattr(g, G_KEY, client)
    return client


def rate_limit_key() -> str:
    """Return the rate-limit key of the current request: its token once known, else its address."""
    client: ApiClient | None = g.get(G_KEY)
    return f"token:{client.token_id}" if client is not None else f"address:{get_remote_address()}"

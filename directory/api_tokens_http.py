"""Reading a partner's API token from a request: ``Authorization: Bearer <token>`` and nothing else.

A token is never read from the query string or a form (those end up in logs and browser history).
The API calls :func:`request_client` (as often as it likes: the token is checked and its use
counted once per request): None means an anonymous visitor (public reads, lower rate limit); a
refused token raises :class:`TokenRefused` for the API to answer 401 with its ``challenge``.
"""

from __future__ import annotations

import re

from flask import Request
from flask import request as current_request
from flask_limiter.util import get_remote_address

from directory.database import get_session
from directory.models import utcnow
from directory.operations.api_tokens import RAW_TOKEN_MAX, ApiClient, authenticate_token

#: RFC 6750's b64token, after the scheme (case-insensitive) and one or more spaces.
BEARER = re.compile(r"^Bearer +([A-Za-z0-9\-._~+/]+=*) *$", re.IGNORECASE)
#: Where :func:`request_client` keeps its answer for the rest of the request (in the WSGI environ).
ENVIRON_KEY = "directory.api_client"


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
    """Return the partner the token stands for (its use counted, committed); None if anonymous.

    The answer is kept for the rest of the request: a second call (the rate limiter's key, then the
    view) neither counts the use again nor asks the database again.
    """
    request = request if request is not None else current_request
    if ENVIRON_KEY not in request.environ:
        try:
            request.environ[ENVIRON_KEY] = _authenticate(request)
        except TokenRefused as refused:
            request.environ[ENVIRON_KEY] = refused
    answer = request.environ[ENVIRON_KEY]
    if isinstance(answer, TokenRefused):
        raise answer
    return answer


def current_client() -> ApiClient | None:
    """Return the current request's partner, or None when anonymous or its token is refused."""
    try:
        return request_client()
    except TokenRefused:
        return None


def rate_limit_key() -> str:
    """Return the rate-limit key of the current request: its partner's token, else its address.

    For Flask-Limiter: ``limiter.limit(lambda: PARTNER if current_client() else ANONYMOUS,
    key_func=rate_limit_key)`` gives partners their own, higher limit and anonymous visitors a
    lower one per address.
    """
    client = current_client()
    return f"token:{client.token_id}" if client is not None else f"address:{get_remote_address()}"


def _authenticate(request: Request) -> ApiClient | None:
    """Check the request's token once: None without a header; count and commit a good token's use."""
    if "Authorization" not in request.headers:
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
    return client

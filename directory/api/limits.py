"""Rate limits and CORS for the API.

Anonymous reads get ``API_RATE_LIMIT`` per client address; a partner's token (public or staff
scope) gets ``API_TOKEN_RATE_LIMIT`` per token; a signed-in staff session gets ``API_STAFF_RATE_LIMIT``
per account. A refused token counts against its address's anonymous limit, then answers 401
(:func:`directory.api.auth.check_token`). Counters live where the site's others do
(``RATELIMIT_STORAGE_URI``: memory by default, Redis when configured); every API answer carries
``X-RateLimit-*`` headers, and a refusal is the JSON 429 with ``Retry-After``.
CORS: the public GET endpoints answer any origin in ``API_CORS_ORIGINS`` (default ``*``), without
credentials, so a browser never sends a staff session cookie across origins.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, request
from flask_cors import CORS
from flask_limiter.util import get_remote_address
from flask_login import current_user

from directory.api.auth import check_token, is_staff_session
from directory.api_tokens_http import current_client, rate_limit_key
from directory.extensions import limiter


def api_rate_limit() -> str:
    """Return the limit for this request: a token's, a staff session's, else the anonymous one."""
    if current_client() is not None:
        key = "API_TOKEN_RATE_LIMIT"
    elif is_staff_session() and not request.headers.get("Authorization"):
        key = "API_STAFF_RATE_LIMIT"
    else:
        key = "API_RATE_LIMIT"
    return str(current_app.config[key])


def api_rate_key() -> str:
    """Return whose counter this request counts against: the token, the staff account, else the address.

    The key and the limit agree: a refused token (or any Authorization header that is not a
    working token) counts against its address, like an anonymous read.
    """
    if current_client() is not None:
        return f"api-{rate_limit_key()}"
    if is_staff_session() and not request.headers.get("Authorization"):
        return f"api-staff:{current_user.get_id()}"
    return f"api:{get_remote_address()}"


def limit_blueprint(blueprint: Blueprint) -> None:
    """Put every view of ``blueprint`` under the API's rate limit (one counter for the whole API),
    and refuse a request whose token does not work (401) once it has been counted.

    Call once per blueprint, at import: the limiter and the blueprints are shared by every app.
    """
    limiter.shared_limit(api_rate_limit, scope="api", key_func=api_rate_key, exempt_when=is_preflight)(
        blueprint
    )
    blueprint.before_request(check_token)


def is_preflight() -> bool:
    """Tell whether this is a CORS preflight (OPTIONS), which reads nothing and is not counted."""
    return request.method == "OPTIONS"


def init_cors(app: Flask) -> None:
    """Answer cross-origin GETs of the public endpoints (/api/v1, the HSDS API and the OpenAPI document)."""
    origins = app.config["API_CORS_ORIGINS"]
    if isinstance(origins, str):
        origins = [origin.strip() for origin in origins.split(",") if origin.strip()]
    CORS(
        app,
        resources={r"/api/v1/*": {}, r"/api/hsds/*": {}, r"/api/openapi.json": {}},
        origins=origins,
        methods=["GET", "HEAD", "OPTIONS"],
        supports_credentials=False,
        send_wildcard=origins == ["*"],
        expose_headers=[
            "ETag",
            "Last-Modified",
            "Retry-After",
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset",
        ],
        max_age=3600,
    )

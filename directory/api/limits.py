"""Rate limits and CORS for the API.

Anonymous reads get ``API_RATE_LIMIT`` per client address; staff (a signed-in staff session, later
a staff token) get ``API_STAFF_RATE_LIMIT`` per account. Counters live where the site's others do
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

from directory.api.auth import api_viewer
from directory.extensions import limiter
from directory.search import Viewer


def api_rate_limit() -> str:
    """Return the limit for this request: the staff limit for staff, else the anonymous one."""
    key = "API_STAFF_RATE_LIMIT" if api_viewer() is Viewer.STAFF else "API_RATE_LIMIT"
    return str(current_app.config[key])


def api_rate_key() -> str:
    """Return whose counter this request counts against: the staff account, else the address."""
    if api_viewer() is Viewer.STAFF:
        return f"api-staff:{current_user.get_id()}"
    return f"api:{get_remote_address()}"


def limit_blueprint(blueprint: Blueprint) -> None:
    """Put every view of ``blueprint`` under the API's rate limit (one counter for the whole API).

    Call once per blueprint, at import: the limiter and the blueprints are shared by every app.
    """
    limiter.shared_limit(api_rate_limit, scope="api", key_func=api_rate_key, exempt_when=is_preflight)(
        blueprint
    )


def is_preflight() -> bool:
    """Tell whether this is a CORS preflight (OPTIONS), which reads nothing and is not counted."""
    return request.method == "OPTIONS"


def init_cors(app: Flask) -> None:
    """Answer cross-origin GETs of the public endpoints (search, centers, articles, taxonomy, OpenAPI)."""
    origins = app.config["API_CORS_ORIGINS"]
    if isinstance(origins, str):
        origins = [origin.strip() for origin in origins.split(",") if origin.strip()]
    CORS(
        app,
        resources={r"/api/v1/*": {}, r"/api/openapi.json": {}},
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

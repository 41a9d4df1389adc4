"""``/api/docs``: the OpenAPI reference page, Swagger UI served from this app (no CDN).

Swagger UI comes from the npm package ``swagger-ui-dist`` (5.x, for OpenAPI 3.1), installed by
``make api-docs`` into ``.cache/api-docs`` (gitignored); ``API_DOCS_ASSETS`` may point elsewhere.
The page and its assets are same-origin, so the site's CSP (``script-src 'self'``) holds.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, send_from_directory

from directory.api.errors import api_error_response

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEFAULT_ASSETS = PROJECT_DIR / ".cache" / "api-docs" / "node_modules" / "swagger-ui-dist"
#: The only Swagger UI files the page uses.
ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"})

bp = Blueprint(
    "api_docs", __name__, url_prefix="/api/docs", template_folder="templates", static_folder="static"
)


def assets_dir() -> Path:
    """Return the folder holding swagger-ui-dist's files."""
    return Path(current_app.config.get("API_DOCS_ASSETS") or DEFAULT_ASSETS)


@bp.get("")
def page() -> Response | tuple[str, int]:
    """Show the API reference page (Swagger UI over /api/openapi.json)."""
    if not (assets_dir() / "swagger-ui-bundle.js").is_file():
        return _missing()
    return render_template("api/docs.html"), 200


@bp.get("/assets/<path:filename>")
def asset(filename: str) -> Response:
    """Serve one of Swagger UI's files."""
    if filename not in ASSETS:
        return api_error_response(404, "The docs page has no such file.")
    if not (assets_dir() / filename).is_file():
        return _missing()
    return send_from_directory(assets_dir(), filename, max_age=86400)


def _missing() -> Response:
    return api_error_response(
        503,
        "The API reference page is not installed here: run `make api-docs`. "
        "The OpenAPI document is at /api/openapi.json.",
        headers={"Retry-After": "3600"},
    )

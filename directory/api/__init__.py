"""The JSON API under ``/api/``: flask-smorest views, one error shape, conditional GETs, limits, CORS.

``/api/v1/...`` is the directory's own faceted search API; its OpenAPI 3.1 document is at
``/api/openapi.json`` and its reference page at ``/api/docs``. Every view parses with the same
code as the site (``directory.public.search_args``) and searches through ``directory.search``.
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from directory.api import content_views, docs, hsds_views, search_views
from directory.api.auth import BEARER_SCHEME, BEARER_SCHEME_SPEC, OPTIONAL_BEARER
from directory.api.errors import ErrorSchema
from directory.api.http_cache import conditional_get
from directory.api.limits import init_cors, limit_blueprint

#: The API's flask-smorest blueprints (each under the API's rate limit).
API_BLUEPRINTS = (
    search_views.blp,
    content_views.blp,
    content_views.articles_blp,
    content_views.taxonomy_blp,
    hsds_views.blp,
)
for _blueprint in API_BLUEPRINTS:
    limit_blueprint(_blueprint)

#: Settings of the API (each may be overridden by the app's config or the environment).
API_DEFAULTS: dict[str, object] = {
    "API_TITLE": "Treatment center directory API",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {
            "description": (
                "Search depression treatment centers (ketamine, esketamine, psychedelic-assisted "
                "therapy, rehab) by text, taxonomy, place and distance, with facet counts; read a "
                "center, the articles and the taxonomy. Every error is JSON: code, status, message, "
                "errors per parameter. General information only; not medical advice."
            ),
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        # Every operation answers without a token too: the bearer token is optional.
        "security": OPTIONAL_BEARER,
    },
}


class DirectoryApi(Api):
    """flask-smorest's Api with the directory's error shape, answered by :mod:`directory.errors`."""

    ERROR_SCHEMA = ErrorSchema
    #: Every status an operation answers is documented on it; no catch-all "default".
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self) -> None:
        """Leave error handling to directory.errors, which answers JSON for every /api/ path."""


def init_app(app: Flask) -> None:
    """Register the API blueprints, the OpenAPI document and docs page, CORS and conditional GETs."""
    for key, value in API_DEFAULTS.items():
        app.config.setdefault(key, value)
    api = DirectoryApi(app)
    api.spec.components.security_scheme(BEARER_SCHEME, BEARER_SCHEME_SPEC)
    for blueprint in API_BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.register_blueprint(docs.bp)
    init_cors(app)
    app.after_request(conditional_get)
    app.extensions["directory_api"] = api

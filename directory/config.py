"""Configuration: defaults for one laptop, environment variables for production."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from directory.operations.verification import reverify_months_setting
from directory.response_policy import TransportSettingError, configure_transport
from directory.site_address import SiteAddressError, configure_site_address


class ConfigError(RuntimeError):
    """Raised when the app cannot start with the configuration it was given."""


#: Environment variables read at start-up, and the config keys they set.
ENVIRONMENT_KEYS = (
    "DATABASE_URL",
    "SEARCH_INDEX_DIR",
    "SECRET_KEY",
    "DIRECTORY_ENV",
    "PROXY_COUNT",
    "TRUSTED_PROXIES",
    "RATELIMIT_STORAGE_URI",
    "PUBLIC_BASE_URL",
    "TRUSTED_HOSTS",
    "SESSION_COOKIE_SECURE",
    "STAFF_SESSION_IDLE_HOURS",
    "REVERIFY_MONTHS",
    "STAFF_INVITATION_HOURS",
    "RESEARCH_TEAM_EMAIL",
    "API_RATE_LIMIT",
    "API_STAFF_RATE_LIMIT",
    "API_TOKEN_RATE_LIMIT",
    "API_CORS_ORIGINS",
    "API_DOCS_ASSETS",
)


def default_config(instance_path: str) -> dict[str, Any]:
    """Return the defaults: SQLite and the search index in the instance folder."""
    instance = Path(instance_path)
    return {
        "DIRECTORY_ENV": "development",
        "DATABASE_URL": f"sqlite:///{instance / 'directory.sqlite3'}",
        "SEARCH_INDEX_DIR": str(instance / "search-index"),
        "SQLALCHEMY_ECHO": False,
        #: Forms are small; refuse bodies over 1 MB before anything parses them (413).
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        #: How many reverse proxies stand in front of the app (see directory.proxies).
        "PROXY_COUNT": 0,
        #: Which direct peers may send X-Forwarded-*: addresses or networks; empty means the loopback.
        "TRUSTED_PROXIES": "",
        #: Where rate-limit counters live; every instance of the site must share one (redis://...).
        "RATELIMIT_STORAGE_URI": "memory://",
        #: The site's address for absolute URLs (required in production; see directory.site_address).
        "PUBLIC_BASE_URL": None,
        #: Session cookie flags; Secure (and HSTS) in production (see directory.response_policy).
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": None,
        #: Months from a verification to its re-verification date (see operations.verification).
        "REVERIFY_MONTHS": 12,
        #: The research team's shared address, published in HSDS exports (default: research@ the site's host).
        "RESEARCH_TEAM_EMAIL": None,
        #: API rate limits (Flask-Limiter syntax): anonymous reads per address, staff sessions per
        #: account, partners' API tokens (public or staff scope) per token.
        "API_RATE_LIMIT": "60 per minute",
        "API_STAFF_RATE_LIMIT": "600 per minute",
        "API_TOKEN_RATE_LIMIT": "1200 per minute",
        #: Origins allowed to read the public API from a browser (comma-separated, or "*").
        "API_CORS_ORIGINS": "*",
        #: Seconds a shared cache may keep a public API answer.
        "API_CACHE_MAX_AGE": 60,
        #: Where swagger-ui-dist's files are (``make api-docs``); empty means .cache/api-docs.
        "API_DOCS_ASSETS": None,
    }


def load_config(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Fill ``app.config`` from defaults, then the environment, then ``overrides``."""
    app.config.update(default_config(app.instance_path))
    for key in ENVIRONMENT_KEYS:
        if os.environ.get(key):
            app.config[key] = os.environ[key]
    if overrides:
        app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _local_secret_key(app)
    production = app.config["DIRECTORY_ENV"] == "production"
    try:
        configure_site_address(app.config, production)
        configure_transport(app.config, production)
    except (SiteAddressError, TransportSettingError) as error:
        raise ConfigError(str(error)) from None
    try:
        reverify_months_setting(app.config)
    except ValueError as error:
        raise ConfigError(str(error)) from None


def _local_secret_key(app: Flask) -> str:
    """Read the instance folder's secret key, creating it once; refuse in production."""
    if app.config["DIRECTORY_ENV"] == "production":
        raise ConfigError("SECRET_KEY must be set in the environment when DIRECTORY_ENV=production")
    path = Path(app.instance_path) / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key

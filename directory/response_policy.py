"""What every response says about caching and transport, decided in one place for every blueprint.

- **Caching**: a response is personal, and gets ``Cache-Control: private, no-store``, when its URL
  carries a query string (search terms are health information, and any page can be asked for
  with one), when it answers anything but GET or HEAD (a form sent, a refusal), when it holds a
  CSRF token (every form), or when its view already said ``no-store``. Other pages stay
  cacheable. (Whether the session was read cannot be the test: every page reads it for flashes.)
- **Session cookie**: ``SameSite=Lax`` and ``HttpOnly`` always; ``Secure`` in production unless
  ``SESSION_COOKIE_SECURE=0`` (to try production settings over plain HTTP on one's own machine).
- **HSTS**: in production every response carries ``Strict-Transport-Security``.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from flask import Flask, current_app, g, request
from flask.wrappers import Response

PRIVATE = "private, no-store"
#: Browsers remember for a year to use only HTTPS (``STRICT_TRANSPORT_SECURITY`` in config to change).
PRODUCTION_HSTS = "max-age=31536000"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class TransportSettingError(ValueError):
    """A cookie or transport setting could not be read; the message names it."""


def configure_transport(config: MutableMapping[str, Any], production: bool) -> None:
    """Set the session cookie's flags and HSTS for the environment (production: Secure and HSTS)."""
    config["SESSION_COOKIE_HTTPONLY"] = True
    secure = config.get("SESSION_COOKIE_SECURE")
    if isinstance(secure, str):
        secure = _switch("SESSION_COOKIE_SECURE", secure)
    config["SESSION_COOKIE_SECURE"] = production if secure is None else bool(secure)
    if production:
        config.setdefault("STRICT_TRANSPORT_SECURITY", PRODUCTION_HSTS)


def _switch(name: str, value: str) -> bool:
    """Read an on/off setting from the environment."""
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise TransportSettingError(f"{name} must be 1 or 0 (true or false); it is {value[:40]!r}")


def init_app(app: Flask) -> None:
    """Apply the caching and transport headers to every response of every blueprint."""
    app.after_request(apply_response_policy)


def is_private(response: Response) -> bool:
    """Whether the response is personal: search terms in the URL, a form sent or shown, or said so."""
    return (
        bool(request.query_string)
        or request.method not in ("GET", "HEAD")
        or current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in g  # Flask-WTF keeps it there
        or bool(response.cache_control.no_store)
    )


def apply_response_policy(response: Response) -> Response:
    """Keep personal responses out of every cache, and ask browsers for HTTPS in production."""
    if is_private(response):
        response.headers["Cache-Control"] = PRIVATE
    hsts = current_app.config.get("STRICT_TRANSPORT_SECURITY")
    if hsts:
        response.headers.setdefault("Strict-Transport-Security", hsts)
    return response

"""The site's public address: the one place absolute URLs are built, and the hosts the site answers to.

Canonical links, JSON-LD, the sitemap and robots.txt name the site by absolute URL. They take it
from ``PUBLIC_BASE_URL`` (or ``SERVER_NAME`` with ``PREFERRED_URL_SCHEME``), never from the
request's ``Host`` header, which whoever sends the request chooses. Only in development, with
neither set, are they built from the request (so ``http://127.0.0.1:5000`` links to itself), and
then ``TRUSTED_HOSTS`` defaults to this machine's own names (:data:`LOCAL_HOSTS`), so no other
host can put its name into them. In production one of the two is required, and
``TRUSTED_HOSTS`` defaults to its host name. A request for a host outside ``TRUSTED_HOSTS`` is
refused with 400.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, url_for

#: The hosts a development site without a public address answers to (werkzeug cannot name [::1]).
LOCAL_HOSTS = ("localhost", "127.0.0.1")


class SiteAddressError(ValueError):
    """The configured public address is not one a site can have; the message says what to set."""


def public_base_url(config: Mapping[str, Any]) -> str | None:
    """Return the site's configured address without a trailing slash, or None to use the request's."""
    if config.get("PUBLIC_BASE_URL"):
        return str(config["PUBLIC_BASE_URL"]).rstrip("/")
    if config.get("SERVER_NAME"):
        scheme = config.get("PREFERRED_URL_SCHEME") or "http"
        root = str(config.get("APPLICATION_ROOT") or "/").rstrip("/")
        return f"{scheme}://{config['SERVER_NAME']}{root}"
    return None


def absolute_url_for(endpoint: str, **values: Any) -> str:
    """Return the absolute URL of ``endpoint`` at the site's public address (see the module docstring)."""
    base = public_base_url(current_app.config)
    if base is None:
        return url_for(endpoint, _external=True, **values)
    address = urlsplit(base)
    adapter = current_app.url_map.bind(
        address.netloc, script_name=address.path or "/", url_scheme=address.scheme
    )
    current_app.inject_url_defaults(endpoint, values)
    return adapter.build(endpoint, values, force_external=True)


def configure_site_address(config: MutableMapping[str, Any], production: bool) -> None:
    """Check the public address, required in production, and default ``TRUSTED_HOSTS`` to its host.

    In development without an address, ``TRUSTED_HOSTS`` defaults to :data:`LOCAL_HOSTS`.

    ``TRUSTED_HOSTS`` may be given as a comma-separated string (from the environment).
    """
    base = config.get("PUBLIC_BASE_URL")
    if base:
        check_base_url(str(base))
    if isinstance(config.get("TRUSTED_HOSTS"), str):
        config["TRUSTED_HOSTS"] = [h.strip() for h in config["TRUSTED_HOSTS"].split(",") if h.strip()]
    if not production:
        if public_base_url(config) is None and not config.get("TRUSTED_HOSTS"):
            config["TRUSTED_HOSTS"] = list(LOCAL_HOSTS)
        return
    address = public_base_url(config)
    if address is None:
        raise SiteAddressError(
            "PUBLIC_BASE_URL must be set in the environment when DIRECTORY_ENV=production "
            "(the site's address, such as https://directory.example.org; or set SERVER_NAME)"
        )
    if not config.get("TRUSTED_HOSTS"):
        config["TRUSTED_HOSTS"] = [urlsplit(address).hostname]


def check_base_url(base: str) -> None:
    """Refuse an address that is not ``http(s)://host[:port][/path]``."""
    address = urlsplit(base)
    if address.scheme not in ("http", "https") or not address.hostname or address.query or address.fragment:
        raise SiteAddressError(
            f"PUBLIC_BASE_URL must be the site's address, such as https://directory.example.org "
            f"(http or https, a host name, no query or fragment); it is {base[:100]!r}"
        )

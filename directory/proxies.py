"""Which client a request comes from: X-Forwarded-* is believed only from a trusted proxy.

``PROXY_COUNT`` says how many reverse proxies stand in front of the app; ``TRUSTED_PROXIES``
(addresses or networks, default the loopback) says which direct peers may speak for a client.
A request from any other peer reached the app directly: its forwarding headers are removed, so a
client cannot name itself anew on each request to escape the rate limits.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from directory.config import ConfigError

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

#: Trusted when ``TRUSTED_PROXIES`` is not set: a proxy on the same machine.
LOOPBACK = "127.0.0.0/8, ::1"
#: The request headers a proxy sets; removed from requests no trusted proxy sent.
FORWARDING_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PREFIX",
)


def init_app(app: Flask) -> None:
    """Put the trusted-proxy check in front of the app when ``PROXY_COUNT`` is more than 0."""
    count = proxy_count(app.config.get("PROXY_COUNT"))
    if count:
        trusted = parse_networks(app.config.get("TRUSTED_PROXIES") or LOOPBACK)
        app.wsgi_app = TrustedProxies(app.wsgi_app, count, trusted)  # type: ignore[method-assign]


def proxy_count(value: Any) -> int:
    """Read ``PROXY_COUNT``; raise :class:`ConfigError` unless it is a whole number, 0 or more."""
    try:
        count = int(str(value or 0).strip())
    except ValueError:
        count = -1
    if count < 0:
        raise ConfigError(f"PROXY_COUNT must be a whole number of proxies (0 or more), not {value!r}")
    return count


def parse_networks(value: str | Iterable[str]) -> list[Network]:
    """Read addresses and networks separated by commas or spaces; raise :class:`ConfigError` on a bad one."""
    return [_network(item) for item in _items(value)]


def _items(value: str | Iterable[str]) -> Iterator[str]:
    """Split a setting's text (or list) into its non-empty items."""
    texts = value.replace(",", " ").split() if isinstance(value, str) else value
    return (text.strip() for text in texts if text.strip())


def _network(text: str) -> Network:
    """Read one address or network (an address is a network of one)."""
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise ConfigError(f"TRUSTED_PROXIES: {text!r} is not an IP address or network") from None


def is_trusted(address: str | None, trusted: list[Network]) -> bool:
    """Tell whether the direct peer ``address`` is one of the ``trusted`` proxies."""
    try:
        peer = ipaddress.ip_address((address or "").split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(peer, ipaddress.IPv6Address) and peer.ipv4_mapped is not None:
        peer = peer.ipv4_mapped
    return any(peer in network for network in trusted)


class TrustedProxies:
    """WSGI middleware: apply ``PROXY_COUNT`` hops of X-Forwarded-* only when a trusted proxy sent them."""

    def __init__(self, app: WSGIApplication, count: int, trusted: list[Network]) -> None:
        self.app = app
        self.trusted = trusted
        self.forwarded = ProxyFix(app, x_for=count, x_proto=count, x_host=count)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Serve a request, believing its forwarding headers only from a trusted peer."""
        if is_trusted(environ.get("REMOTE_ADDR"), self.trusted):
            return self.forwarded(environ, start_response)
        for header in FORWARDING_HEADERS:
            environ.pop(header, None)
        return self.app(environ, start_response)

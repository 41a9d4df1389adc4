"""``flask serve``: Werkzeug's server with a private access log (no client address, no query string).

A person's health searches are private, and the search terms travel in the query string, so the
access log records only what operating the site needs: method, path, status and duration.
``flask run`` logs the client address and the whole request line; ``make run`` uses this instead.
"""

from __future__ import annotations

import logging
import socket
import sys
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import click
from flask import Flask
from flask.cli import ScriptInfo, pass_script_info
from werkzeug.serving import BaseWSGIServer, ThreadedWSGIServer, WSGIRequestHandler

from directory.logs import describe_exception, private_traceback

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

#: The access log: one line per request, never a client address or a query string.
access_log = logging.getLogger("directory.access")

_CONTROL_CHARACTERS = str.maketrans({c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)]})


def access_line(method: str | None, path: str | None, status: int | str, duration_ms: float | None) -> str:
    """Return one access-log line: method, path without its query string, status and duration."""
    path = path or "-"
    if not path.startswith("/"):  # absolute-form request target: keep only its path
        path = urlsplit(path).path or "/"
    path = path.split("?", 1)[0].split("#", 1)[0]
    method = (method or "-")[:16]
    duration = f"{duration_ms:.1f}ms" if duration_ms is not None else "-"
    return f"{method} {path} {status} {duration}".translate(_CONTROL_CHARACTERS)


class PrivateRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler, logging :func:`access_line` once per request and nothing that identifies anyone."""

    _started: float | None = None
    _status: int | str | None = None

    def handle_one_request(self) -> None:
        """Serve one request, then write its access line."""
        self._started = None
        self._status = None
        try:
            super().handle_one_request()
        finally:
            if self._status is not None:
                self.write_access_line()

    def parse_request(self) -> bool:
        """Start the request's clock once its request line has arrived."""
        self._started = time.perf_counter()
        return super().parse_request()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Remember the status; the line is written when the response is complete."""
        self._status = code

    def write_access_line(self) -> None:
        """Log method, path (no query string), status and duration."""
        duration = (time.perf_counter() - self._started) * 1000 if self._started is not None else None
        access_log.info(
            "%s",
            access_line(
                getattr(self, "command", None), getattr(self, "path", None), self._status or "-", duration
            ),
        )

    def log_error(self, format: str, *args: Any) -> None:
        """Log that a request failed, without the arguments (they can hold the request line)."""
        code = args[0] if args and isinstance(args[0], int) else None
        access_log.warning("request error%s", f" {code}" if code is not None else "")

    def log_message(self, format: str, *args: Any) -> None:
        """Drop free-form messages: they can hold the request line."""

    def log(self, type: str, message: str, *args: Any) -> None:
        """Drop Werkzeug's own lines: they start with the client address."""

    def address_string(self) -> str:
        """Never name the client in a log line."""
        return "-"

    def make_environ(self) -> WSGIEnvironment:
        """Give the app the peer's real address (Werkzeug takes it from :meth:`address_string`).

        The rate limits count per address; the logs above never read it.
        """
        environ = super().make_environ()
        if isinstance(self.client_address, tuple) and self.client_address:
            environ["REMOTE_ADDR"] = self.client_address[0]
        return environ


class _PrivateErrors:
    """Report a crash while serving without naming the client (socketserver prints its address)."""

    def log(self, type: str, message: str, *args: Any) -> None:
        """Log an error that escaped the app by its type and frames; Werkzeug's text quotes its message."""
        error = sys.exc_info()[1]
        if error is None:
            super().log(type, message, *args)  # type: ignore[misc]
            return
        access_log.error(
            "unhandled %s while serving a request\n%s", describe_exception(error), private_traceback(error)
        )

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc_type = sys.exc_info()[0]
        if exc_type is not None and issubclass(exc_type, ConnectionError | socket.timeout):
            return
        access_log.error("unhandled %s while serving a request", exc_type.__name__ if exc_type else "error")


class PrivateServer(_PrivateErrors, BaseWSGIServer):
    """A single-threaded Werkzeug server with the private log."""


class PrivateThreadedServer(_PrivateErrors, ThreadedWSGIServer):
    """A threaded Werkzeug server with the private log."""


def make_private_server(host: str, port: int, app: Flask, *, threaded: bool = True) -> BaseWSGIServer:
    """Return a Werkzeug server for ``app`` that logs through :class:`PrivateRequestHandler`."""
    server_class = PrivateThreadedServer if threaded else PrivateServer
    return server_class(host, port, app, handler=PrivateRequestHandler)


def configure_access_log() -> None:
    """Send the access log to standard error, one plain line per request."""
    if not access_log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        access_log.addHandler(handler)
    access_log.setLevel(logging.INFO)
    access_log.propagate = False


def warm_up(app: Flask) -> None:
    """Open the search index and load the ZIP tables now, so the first visitor does not wait for them."""
    from directory.search import get_search_service
    from search_index.geo import zip_centroid

    try:
        with app.app_context():
            service = get_search_service(app)
            service.ensure_ready()
            service.index.doc_count()
        zip_centroid("84101")
    except Exception:  # a cold start is slower, never fatal
        logging.getLogger(__name__).warning("search warm-up failed; the first search will be slower")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=5000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on."
)
@click.option("--threads/--no-threads", default=True, show_default=True, help="Serve requests in threads.")
@pass_script_info
def serve_command(info: ScriptInfo, host: str, port: int, threads: bool) -> None:
    """Serve the site; the access log has no client addresses and no query strings."""
    app = info.load_app()
    warm_up(app)
    configure_access_log()
    server = make_private_server(host, port, app, threaded=threads)
    server.log_startup()
    server.serve_forever()

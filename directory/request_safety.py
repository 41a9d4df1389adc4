"""Checks every request passes before any view sees it: a body within the size limit, and only storable text.

Registered on the app by :func:`init_app`, ahead of every other hook, so every blueprint (public,
health, and the API, staff and admin surfaces to come) is covered without doing anything itself.

- **Body size**: a body over ``MAX_CONTENT_LENGTH`` is refused with 413 however it is framed. A
  chunked body (no ``Content-Length``) is read up to one byte past the limit, so the limit holds
  for it exactly as for a declared length, and a body is refused even where no view reads it.
- **Host**: a request for a host outside ``TRUSTED_HOSTS`` is refused with 400 (see
  :mod:`directory.site_address`), without echoing the host.
- **Storable text**: NUL and lone surrogates cannot be stored by PostgreSQL (SQLite stores NUL but
  nothing useful is ever found with it). A path holding one, or bytes that are not UTF-8, names
  nothing (404); a query parameter, form field, uploaded file name or JSON string holding one is
  refused with 400 and a message naming where it is. The refused text itself is never echoed and never logged.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask import Flask, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import BadRequest, NotFound, RequestEntityTooLarge, SecurityError
from werkzeug.wsgi import get_content_length

from directory.api.errors import api_error_response, is_api_request

#: Characters no database here can store as text: NUL and UTF-16 surrogates without a partner.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
#: What Werkzeug reads a path's bytes that are not UTF-8 as (encoded surrogates, overlong or cut
#: sequences): such a path names nothing, and is refused before the access check would send an
#: anonymous visitor to sign in and back to it.
UNREADABLE = "\ufffd"
#: How much of a parameter or field name a message quotes.
_NAME_LIMIT = 40


class UnstorableText(BadRequest):
    """A request carried text that cannot be stored: where it was, in words a person can act on."""

    def __init__(self, where: str, place: str) -> None:
        super().__init__(f"The {where} holds a character that cannot be stored or searched, in {place}.")
        self.where = where
        self.place = place


def has_unstorable(text: str) -> bool:
    """Whether ``text`` holds a NUL or a lone surrogate."""
    return UNSTORABLE.search(text) is not None


def init_app(app: Flask) -> None:
    """Buffer unsized bodies, and refuse oversized bodies and unstorable text before any other hook."""
    app.wsgi_app = BufferedBody(app.wsgi_app, lambda: app.config.get("MAX_CONTENT_LENGTH"))  # type: ignore[method-assign]
    app.before_request_funcs.setdefault(None, [])[:0] = [
        refuse_untrusted_host,
        refuse_oversized_body,
        refuse_unstorable_text,
    ]
    app.register_error_handler(UnstorableText, unstorable_text_page)
    app.register_error_handler(SecurityError, untrusted_host_page)


class BufferedBody:
    """WSGI middleware: read a body sent without ``Content-Length`` (chunked) up to one byte past the limit.

    The body is then handed on with the length it really has, so Werkzeug's own check and
    :func:`refuse_oversized_body` see it exactly as they see a declared length. Nothing past the
    limit is ever read.
    """

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]], limit: Callable[[], int | None]) -> None:
        self.wsgi_app = wsgi_app
        self.limit = limit

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Hand the request on, with an unsized body replaced by what was read of it and its length."""
        limit = self.limit()
        if limit is not None and get_content_length(environ) is None and environ.get("wsgi.input_terminated"):
            body = read_at_most(environ["wsgi.input"], limit + 1)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            environ.pop("HTTP_TRANSFER_ENCODING", None)  # what is handed on is no longer chunked
            environ["wsgi.input_terminated"] = False
        return self.wsgi_app(environ, start_response)


def read_at_most(stream: Any, size: int) -> bytes:
    """Read from ``stream`` until its end or ``size`` bytes, whichever comes first."""
    parts: list[bytes] = []
    remaining = size
    while remaining > 0:
        part = stream.read(min(remaining, 64 * 1024))
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)


def refuse_untrusted_host() -> None:
    """Answer 400 before anything else for a Host outside ``TRUSTED_HOSTS`` (Flask notes it at routing)."""
    if isinstance(request.routing_exception, SecurityError):
        raise request.routing_exception


def refuse_oversized_body() -> None:
    """Answer 413 for a body over ``MAX_CONTENT_LENGTH``, whether or not the view would read it."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit is not None and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()


def refuse_unstorable_text() -> None:
    """Refuse a request whose path (404) or parameters, fields or JSON (400) hold unstorable text."""
    if has_unstorable(request.path) or UNREADABLE in request.path:
        raise NotFound()
    for where, text in request_texts():
        if has_unstorable(text):
            raise UnstorableText(*where)


def request_texts() -> Iterator[tuple[tuple[str, str], str]]:
    """Yield every text a person sent besides the path, with where it was (for the message)."""
    for name, value in request.args.items(multi=True):
        yield ("address of this page", _named("parameter", name)), name + value
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.is_json:
        for text in json_texts(request.get_json(silent=True)):
            yield ("data sent", "a JSON text"), text
        return
    for name, value in request.form.items(multi=True):
        yield ("form", _named("field", name)), name + value
    for name, upload in request.files.items(multi=True):
        yield ("form", _named("file field", name)), name + (upload.filename or "")


def json_texts(document: Any) -> Iterator[str]:
    """Yield every string in a JSON document, keys included."""
    if isinstance(document, str):
        yield document
    elif isinstance(document, dict):
        for key, value in document.items():
            yield key
            yield from json_texts(value)
    elif isinstance(document, list):
        for item in document:
            yield from json_texts(item)


def _named(kind: str, name: str) -> str:
    """Say which parameter or field it was, quoting its name only when that name is itself readable."""
    if has_unstorable(name) or not name.isprintable() or len(name) > _NAME_LIMIT:
        return f"a {kind} name"
    return f"the {kind} '{name}'"


def unstorable_text_page(error: UnstorableText) -> ResponseReturnValue:
    """Answer 400 with what to do: JSON for JSON clients, else a page; the text itself is never shown."""
    saved = "Nothing was searched or saved."
    if is_api_request():
        message = f"{error.description} {saved} Send it again without NUL (\\u0000) or unpaired surrogates."
        return api_error_response(400, message, {"_": [error.description]})
    if request.is_json or request.accept_mimetypes.best == "application/json":
        message = (
            f"{error.description} {saved} Send the text again without NUL (\\u0000) or unpaired surrogates."
        )
        return jsonify(code=400, status="Bad Request", message=message), 400
    retry = "Retype what you were looking for" if request.method == "GET" else "Go back, retype it"
    message = (
        f"The {error.where} holds a character that cannot be stored or searched, in {error.place} "
        f"(a NUL byte or broken Unicode, which copying and pasting can bring along). {saved} "
        f"{retry} and try again."
    )
    page = render_template(
        "request_refused.html",
        title="Something you sent cannot be read",
        message=message,
        retry_url=request.path,
    )
    return page, 400


def untrusted_host_page(_error: SecurityError) -> ResponseReturnValue:
    """Answer a request for a host this site does not serve, without repeating the host it named."""
    if is_api_request():
        return api_error_response(400, "This site does not answer to the host name this request was sent to.")
    return (
        "This site does not answer to the host name this request was sent to.\n",
        400,
        {"Content-Type": "text/plain; charset=utf-8"},
    )

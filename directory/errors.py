"""Unexpected errors: a page that tells the person what to do, and a log entry that names nobody's data.

A failing database answers 503 ("try again in a few minutes"); any other unexpected error answers
500. Either way the log gets the request's method and path, the error's type and a traceback
without messages (see :mod:`directory.logs`), never a value from the form or the query string.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType

from flask import Flask, Response, make_response, render_template, request
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, ProgrammingError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError

from directory.api.errors import api_error_response, http_error_response, is_api_request
from directory.logs import describe_exception, private_traceback

#: Seconds a person (or a client) is asked to wait when the database is unavailable.
RETRY_AFTER_SECONDS = 120

_ExcInfo = tuple[type[BaseException], BaseException, TracebackType] | tuple[None, None, None]


class DirectoryApp(Flask):
    """The Flask app, logging unhandled errors without anything the request carried."""

    def log_exception(self, exc_info: _ExcInfo) -> None:
        """Log an unhandled error: method, path (no query string), type and a message-free traceback."""
        error = exc_info[1]
        if error is None:
            return
        self.logger.error(
            "unhandled %s on %s %s\n%s",
            describe_exception(error),
            request.method,
            request.path,
            private_traceback(error),
        )


@dataclass(frozen=True)
class ErrorPage:
    """What an error page says: its heading, what to do, and (maybe) a link to try again."""

    title: str
    message: str
    retry_url: str | None = None
    retry_label: str = "Go back to the previous page"


#: Heading and advice per status; any other status gets its standard name and :data:`OTHER_ERROR`.
ERROR_TEXTS: dict[int, tuple[str, str]] = {
    400: (
        "Your request could not be read",
        "Something in what your browser sent was incomplete or malformed, so nothing was searched "
        "or saved. Go back and try again, or search the directory below.",
    ),
    404: (
        "We could not find that page",
        "The address may be mistyped, or the page may have moved or been removed. "
        "Search the directory below, or start again from the home page.",
    ),
    405: (
        "This page cannot be used that way",
        "This address does not accept what your browser sent (for example a form sent to a page that "
        "only shows information), so nothing was saved. Open the page again from the site's links.",
    ),
    413: (
        "What you sent is too large",
        "Forms accept at most 1 MB of text. Please shorten what you wrote and send it again.",
    ),
    429: (
        "Too many requests",
        "We received many requests from your network in a short time, so this one was not answered. "
        "Please wait a few minutes and try again.",
    ),
}
OTHER_ERROR = (
    "This request could not be answered. Search the directory below, or start again from the home page."
)


def init_app(app: Flask) -> None:
    """Answer unexpected errors with the error page, and every other HTTP error with the site's page."""
    app.register_error_handler(InternalServerError, server_error_page)
    app.register_error_handler(HTTPException, http_error_page)


def error_page_for(error: HTTPException) -> ErrorPage:
    """Say what went wrong for ``error``'s status, with a link back to the previous page of this site."""
    code = error.code or 500
    title, message = ERROR_TEXTS.get(code, (error.name, OTHER_ERROR))
    return ErrorPage(title=title, message=message, retry_url=same_site_referrer())


def same_site_referrer() -> str | None:
    """Return the page that linked here when it is a page of this site, else None."""
    referrer = request.referrer
    return referrer if referrer and referrer.startswith(request.host_url) else None


def http_error_page(error: HTTPException) -> Response | HTTPException:
    """Render an HTTP error (404, 405, 400, 429 ...) in the site's layout, keeping its own headers (Allow).

    Under /api/ the API's JSON error answers instead (see :mod:`directory.api.errors`).
    """
    if error.code is None or error.code < 400:
        return error  # not an error: answered as Werkzeug built it
    if is_api_request():
        return http_error_response(error)
    if error.code >= 500:
        return _server_error_response(unavailable=False, status=error.code)
    response = make_response(
        render_template("errors/http_error.html", error_page=error_page_for(error)), error.code
    )
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def database_unavailable(error: BaseException | None) -> bool:
    """Tell whether ``error`` means the database cannot serve now (down, read-only, overloaded)."""
    if isinstance(error, PoolTimeoutError):
        return True
    if not isinstance(error, DBAPIError):
        return False
    return not isinstance(error, IntegrityError | DataError | ProgrammingError) or _missing_schema(error)


def _missing_schema(error: SQLAlchemyError) -> bool:
    """Tell whether PostgreSQL says a table or column is missing (the schema is behind the code)."""
    code = getattr(getattr(error, "orig", None), "sqlstate", None)
    return code in {"42P01", "42703"}


def server_error_page(error: InternalServerError) -> Response:
    """Render the page for an unexpected error: 503 while the database is unavailable, else 500."""
    unavailable = database_unavailable(error.original_exception)
    if is_api_request():
        return api_error_response(
            503 if unavailable else 500,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)} if unavailable else None,
        )
    return _server_error_response(unavailable=unavailable, status=503 if unavailable else 500)


def _server_error_response(*, unavailable: bool, status: int) -> Response:
    """Render the server error page (it needs no database: that may be what failed), never cached."""
    response = make_response(render_template("errors/server_error.html", unavailable=unavailable), status)
    response.headers["Cache-Control"] = "no-store"
    if unavailable:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response

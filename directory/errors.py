"""Unexpected errors: a page that tells the person what to do, and a log entry that names nobody's data.

A failing database answers 503 ("try again in a few minutes"); any other unexpected error answers
500. Either way the log gets the request's method and path, the error's type and a traceback
without messages (see :mod:`directory.logs`), never a value from the form or the query string.
"""

from __future__ import annotations

from types import TracebackType

from flask import Flask, Response, make_response, render_template, request
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, ProgrammingError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import InternalServerError

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


def init_app(app: Flask) -> None:
    """Answer unexpected errors with the error page."""
    app.register_error_handler(InternalServerError, server_error_page)


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
    response = make_response(
        render_template("errors/server_error.html", unavailable=unavailable), 503 if unavailable else 500
    )
    response.headers["Cache-Control"] = "no-store"
    if unavailable:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response

"""What the app may write to a log about an error: its kind and where it happened, never its text.

An exception's message can quote what a person sent: PostgreSQL's "Failing row contains (...)",
a driver's statement parameters, a validation message echoing its input. Error logs therefore
carry the exception's type, the database's error code and the traceback's frames, and no message.
"""

from __future__ import annotations

import traceback

from sqlalchemy.exc import DBAPIError


def describe_exception(error: BaseException) -> str:
    """Name ``error`` by its type and, for a database error, the driver's error code."""
    kind = type(error)
    name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
    if isinstance(error, DBAPIError) and error.orig is not None:
        driver_error = error.orig
        code = getattr(driver_error, "sqlstate", None) or getattr(driver_error, "sqlite_errorname", None)
        name += f" ({type(driver_error).__name__}{f' {code}' if code else ''})"
    return name


def private_traceback(error: BaseException) -> str:
    """Format ``error``'s traceback and its chained causes with each exception's type, not its message."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    parts: list[str] = []
    for position, exception in enumerate(reversed(chain)):
        if position:
            parts.append("\nwhich led to\n\n")
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(exception.__traceback__))
        parts.append(describe_exception(exception) + " (message withheld: it may hold what was sent)\n")
    return "".join(parts)

"""Errors of the HSDS export and import, each listing what a person must fix."""

from __future__ import annotations

from directory.operations.errors import OperationError


class HSDSError(OperationError):
    """An HSDS package or reference cannot be used; ``problems`` names each file, row and column."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


def rejected_package(folder: object, problems: list[str]) -> HSDSError:
    """Return the error for a package that cannot be imported because of ``problems``."""
    return HSDSError(
        f"The HSDS package in {folder} cannot be imported ({len(problems)} problem(s)); nothing was written.",
        problems,
    )


class HsdsQueryError(HSDSError):
    """A parameter of an HSDS API query is invalid: ``field`` names it, the message says what to send."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, [f"{field}: {message}"])
        self.field = field
        self.message = message

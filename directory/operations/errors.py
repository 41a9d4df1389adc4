"""Errors that operations raise for callers to turn into messages or status codes."""

from __future__ import annotations


class OperationError(Exception):
    """A request that the directory's rules refuse, with a message for a person."""

    def __init__(self, message: str, field_errors: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class PermissionDenied(OperationError):
    """The actor's role or account does not allow this (views answer 403)."""

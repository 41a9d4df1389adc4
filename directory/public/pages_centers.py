"""Public pages: centers."""

from __future__ import annotations

from directory.public import bp  # noqa: F401

"""The HSDS 3.0 API's page envelope (``components/schemas/Page`` of its ``openapi.json``).

``total_items`` counts the whole result; ``total_pages`` is that divided by ``per_page``, rounded
up (0 when nothing matches); ``size`` is the number of entities in *this* page (as the HSDS
description says, not the requested page size); ``empty`` is true when this page holds none,
which is also the case for a page past the last (answered, not refused: its ``contents`` is empty,
``first_page`` false and ``last_page`` true).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from directory.hsds.errors import HsdsQueryError

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
T = TypeVar("T")


@dataclass(frozen=True)
class PageRequest:
    """A validated page number (from 1) and page size (1 to :data:`MAX_PER_PAGE`)."""

    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @classmethod
    def of(cls, page: int | None, per_page: int | None) -> PageRequest:
        """Return the page asked for; raise :class:`HsdsQueryError` for a number out of range."""
        page = 1 if page is None else page
        per_page = DEFAULT_PER_PAGE if per_page is None else per_page
        if isinstance(page, bool) or not isinstance(page, int) or page < 1:
            raise HsdsQueryError("page", "The page number must be a whole number, 1 or more.")
        if isinstance(per_page, bool) or not isinstance(per_page, int) or not 1 <= per_page <= MAX_PER_PAGE:
            raise HsdsQueryError(
                "per_page", f"Results per page must be a whole number between 1 and {MAX_PER_PAGE}."
            )
        return cls(page, per_page)

    @property
    def offset(self) -> int:
        """Return how many items come before this page."""
        return (self.page - 1) * self.per_page

    def slice(self, items: Sequence[T]) -> Sequence[T]:
        """Return this page's part of ``items``."""
        return items[self.offset : self.offset + self.per_page]


def page_envelope(contents: list[Any], total_items: int, request: PageRequest) -> dict[str, Any]:
    """Return the HSDS page envelope around one page's ``contents``."""
    total_pages = -(-total_items // request.per_page)
    return {
        "total_items": total_items,
        "total_pages": total_pages,
        "page_number": request.page,
        "size": len(contents),
        "first_page": request.page == 1,
        "last_page": request.page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }

"""Weekly counters of what specialists put on shortlists, for the advertising-influence figure.

One row per ISO week, counts only: nothing about the caller, the specialist or the search text
is kept, and no row names a center. The counters are upserted (see
:mod:`directory.operations.shortlist_counts`) in the same transaction as the action they count.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer
from sqlalchemy.orm import Mapped, mapped_column

from directory.models.base import Base


class ShortlistWeek(Base):
    """One ISO week's shortlist counters."""

    __tablename__ = "shortlist_weekly_counts"

    #: The Monday that starts the ISO week (UTC).
    week_start: Mapped[date] = mapped_column(Date, primary_key=True)
    #: Centers added to a shortlist, and how many of them were advertisers at that moment.
    centers_added: Mapped[int] = mapped_column(Integer, default=0)
    advertisers_added: Mapped[int] = mapped_column(Integer, default=0)
    #: Console searches centers were added from (each once), their results, and the advertisers among them.
    searches: Mapped[int] = mapped_column(Integer, default=0)
    search_results: Mapped[int] = mapped_column(Integer, default=0)
    search_result_advertisers: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<ShortlistWeek {self.week_start} added={self.centers_added}>"

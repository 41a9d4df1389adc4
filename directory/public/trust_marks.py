"""The trust mark every public card and center page shows: the listing's verification state, always.

A search hit (``directory.search.summarize_center``) carries ``verification`` (the public state) and
``verification_on`` (its date); :func:`trust_mark` turns that into the words, the date, the
explanation shown on hover or focus and the anchor of the promises page that explains it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from directory.public import bp
from directory.search import EXPIRED, NOT_VERIFIED, VERIFIED, WITHDRAWN


@dataclass(frozen=True)
class TrustMark:
    """How one state reads: the mark's words, its explanation and the promises page's anchor for it."""

    state: str
    label: str
    explanation: str
    anchor: str


MARKS: dict[str, TrustMark] = {
    VERIFIED: TrustMark(
        VERIFIED,
        "Verified",
        "Our research team checked the license, accreditation and services on this date.",
        "mark-verified",
    ),
    NOT_VERIFIED: TrustMark(
        NOT_VERIFIED,
        "Not yet verified",
        "Our research team has not finished checking this listing; it comes from public records "
        "or the center itself.",
        "mark-not-verified",
    ),
    EXPIRED: TrustMark(
        EXPIRED,
        "Verification expired",
        "The yearly re-check was due on this date and has not been done yet.",
        "mark-expired",
    ),
    WITHDRAWN: TrustMark(
        WITHDRAWN,
        "Verification withdrawn",
        "On this date our research team found that a license, accreditation or service no longer holds.",
        "mark-withdrawn",
    ),
}
CLOSED = TrustMark("closed", "Closed", "The center no longer offers treatment.", "mark-closed")


@bp.app_template_global()
def trust_mark(hit: dict[str, Any]) -> TrustMark:
    """Return the verification mark of a search hit (a hit without a state reads as not yet verified)."""
    state = hit.get("verification") or (VERIFIED if hit.get("verified") else NOT_VERIFIED)
    return MARKS.get(state, MARKS[NOT_VERIFIED])


@bp.app_template_global()
def closed_mark() -> TrustMark:
    """Return the mark of a closed center."""
    return CLOSED

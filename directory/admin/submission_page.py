"""What the submission screens show: the submitted listing, its duplicates, and a merge comparison."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from directory.models import Center, ListingSubmission
from directory.operations.centers import center_as_input
from directory.operations.duplicates import DuplicateCandidate, find_duplicate_candidates
from directory.operations.submission_review import MERGE_FIELDS, SUBMITTED_SCHEMES, Pick

FIELD_LABELS = {
    "name": "Name",
    "description": "Description",
    "website": "Website",
    "email": "E-mail",
    "phones": "Phones",
    "locations": "Addresses",
    "accepting_new_clients": "Accepting new clients",
    "terms": "Therapies and levels of care",
}
PICK_LABELS = {
    Pick.EXISTING: "Keep the listing's",
    Pick.SUBMITTED: "Take the submitted",
    Pick.BOTH: "Keep both",
}
_YES_NO = {True: "Yes", False: "No", None: "Not known"}


@dataclass(frozen=True)
class MergeRow:
    """One field of the merge form: both values and the picks it offers."""

    name: str
    label: str
    existing: str
    submitted: str
    picks: list[tuple[str, str]]
    #: The pick shown chosen: the one sent before, else "existing" (or "submitted" where empty).
    chosen: str


@dataclass
class SubmissionPage:
    """Everything the submission template needs."""

    submission: ListingSubmission
    center: Center | None
    values: list[tuple[str, str]]
    duplicates: list[DuplicateCandidate]
    merge_target: Center | None = None
    merge_rows: list[MergeRow] = field(default_factory=list)
    #: Messages next to a form: "<action>" or "<action>:<field>" → message.
    errors: dict[str, str] = field(default_factory=dict)
    #: What the admin had typed, when the page is shown again with a message.
    typed: dict[str, str] = field(default_factory=dict)


def present_submission(
    session: Session, submission: ListingSubmission, merge_target: Center | None, typed: Mapping[str, str]
) -> SubmissionPage:
    """Return the screen for a submission (a merge comparison with ``merge_target`` when given)."""
    center = submission.center
    if center is None:
        return SubmissionPage(submission, None, [], [], typed=dict(typed))
    submitted = center_as_input(center)
    page = SubmissionPage(
        submission,
        center,
        values=[(FIELD_LABELS[name], field_text(submitted, name)) for name in MERGE_FIELDS],
        duplicates=find_duplicate_candidates(session, center),
        merge_target=merge_target,
        typed=dict(typed),
    )
    if merge_target is not None:
        existing = center_as_input(merge_target)
        for name, offered in MERGE_FIELDS.items():
            old, new = field_text(existing, name), field_text(submitted, name)
            default = Pick.SUBMITTED.value if old in ("", "None") and new not in ("", "None") else "existing"
            page.merge_rows.append(
                MergeRow(
                    name,
                    FIELD_LABELS[name],
                    old,
                    new,
                    [(pick.value, PICK_LABELS[pick]) for pick in offered],
                    typed.get(f"pick_{name}", default),
                )
            )
    return page


def field_text(values: Mapping[str, Any], name: str) -> str:
    """Return one field of a listing (``center_as_input`` shape) in words."""
    value = values[name]
    if name == "phones":
        return "; ".join(phone["number"] for phone in value) or "None"
    if name == "locations":
        return "; ".join(
            ", ".join(part for part in (loc["address_1"], loc.get("address_2"), loc["city"]) if part)
            + f", {loc['state']} {loc['postal_code']}"
            for loc in value
        )
    if name == "terms":
        return "; ".join(
            f"{scheme}: {', '.join(value.get(scheme, [])) or 'none'}" for scheme in SUBMITTED_SCHEMES
        )
    if name == "accepting_new_clients":
        return _YES_NO[value]
    return value or "None"

"""The console's query string: the public search page's parameters plus the staff-only filters.

A public search URL opens in the console by changing its path: everything the public page
understands is parsed by :func:`directory.public.search_args.parse_search_args`, and the
staff-only parameters (``STAFF_PARAMS``: ``status``, ``verification``, ``advertiser``,
``overdue``) are parsed here. Problems from both are collected and shown together.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from directory.models import ListingStatus, VerificationStatus
from directory.public.search_args import SearchArgs, SearchArgsError, parse_search_args, shown_text
from directory.schemas.presets import STAFF_PARAMS
from directory.search import CenterQuery
from search_index import Vocabulary

STATUS_LABELS: dict[str, str] = {status.value: status.value.capitalize() for status in ListingStatus}
VERIFICATION_LABELS: dict[str, str] = {v.value: v.value.capitalize() for v in VerificationStatus}
#: The advertiser filter's values: advertisers only, or listings that do not advertise.
ADVERTISER_CHOICES: dict[str, str] = {"1": "Advertisers only", "0": "Not advertisers"}
#: Staff-only parameters that take one value.
STAFF_SINGLE = ("advertiser", "overdue")


@dataclass(frozen=True)
class StaffSearchArgs(SearchArgs):
    """A console search: the public page's state and the staff-only filters."""

    statuses: tuple[str, ...] = ()
    verification: tuple[str, ...] = ()
    advertiser: bool | None = None
    overdue: bool = False

    def to_query(self) -> CenterQuery:
        """Return the search to run as staff."""
        return dataclasses.replace(
            super().to_query(),
            statuses=self.statuses,
            verification=self.verification,
            advertiser=self.advertiser,
            overdue=self.overdue,
        )

    def staff_params(self) -> list[tuple[str, str]]:
        """Return the staff-only filters as query parameters."""
        params = [("status", status) for status in self.statuses]
        params += [("verification", value) for value in self.verification]
        if self.advertiser is not None:
            params.append(("advertiser", "1" if self.advertiser else "0"))
        if self.overdue:
            params.append(("overdue", "1"))
        return params

    def filter_params(self) -> list[tuple[str, str]]:
        """Return the public filters, then the staff-only ones."""
        return super().filter_params() + self.staff_params()

    @property
    def filtered(self) -> bool:
        """Whether any filter, public or staff-only, narrows the search."""
        return super().filtered or bool(self.staff_params())

    def without_filters(self) -> StaffSearchArgs:
        """Return the same text and place with no filter at all."""
        base = super().without_filters()
        return dataclasses.replace(base, statuses=(), verification=(), advertiser=None, overdue=False)


class StaffSearchArgsError(ValueError):
    """The console's query string cannot be searched; ``problems`` are for a person."""

    def __init__(self, problems: list[str], form: StaffSearchArgs) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems
        self.form = form


def parse_staff_search_args(
    args: MultiDict[str, str], vocabulary: Vocabulary, raw_query: bytes = b""
) -> StaffSearchArgs:
    """Parse the console's query string; raise :class:`StaffSearchArgsError` naming every problem."""
    public = MultiDict([(name, value) for name, value in args.items(multi=True) if name not in STAFF_PARAMS])
    problems: list[str] = []
    try:
        base = parse_search_args(public, vocabulary, _without_staff(raw_query))
    except SearchArgsError as error:
        base, problems = error.form, list(error.problems)
    staff = _StaffParser(args)
    result = StaffSearchArgs(
        **{f.name: getattr(base, f.name) for f in dataclasses.fields(SearchArgs)},
        statuses=staff.choices("status", STATUS_LABELS, "listing status"),
        verification=staff.choices("verification", VERIFICATION_LABELS, "verification status"),
        advertiser=staff.advertiser(),
        overdue=staff.overdue(),
    )
    problems += [problem for problem in staff.problems if problem not in problems]
    if problems:
        raise StaffSearchArgsError(problems, result)
    return result


def _without_staff(raw_query: bytes) -> bytes:
    """Return the raw query string without the staff-only parameters (checked here instead)."""
    names = {name.encode() for name in STAFF_PARAMS}
    return b"&".join(part for part in raw_query.split(b"&") if part.partition(b"=")[0] not in names)


class _StaffParser:
    """The staff-only parameters, each checked against its closed list of values."""

    def __init__(self, args: MultiDict[str, str]) -> None:
        self.args = args
        self.problems: list[str] = []

    def choices(self, name: str, allowed: dict[str, str], what: str) -> tuple[str, ...]:
        values = list(dict.fromkeys(v.strip() for v in self.args.getlist(name) if v.strip()))
        unknown = [value for value in values if value not in allowed]
        if unknown:
            shown = ", ".join(shown_text(value) for value in unknown[:3])
            self.problems.append(
                f"There is no {what} {shown}. Choose from: {', '.join(allowed.values()).lower()}."
            )
        return tuple(value for value in allowed if value in values)

    def single(self, name: str, what: str) -> str:
        values = self.args.getlist(name)
        if len(values) > 1:
            self.problems.append(f"Give the {what} only once.")
            return ""
        return values[0].strip() if values else ""

    def advertiser(self) -> bool | None:
        raw = self.single("advertiser", "advertiser choice")
        if raw in ("", "any"):
            return None
        if raw in ADVERTISER_CHOICES:
            return raw == "1"
        self.problems.append(
            "The advertiser choice can only be 1 (advertisers only) or 0 (listings that do not advertise)."
        )
        return None

    def overdue(self) -> bool:
        raw = self.single("overdue", "'Re-verification overdue' choice")
        if raw in ("", "0"):
            return False
        if raw == "1":
            return True
        self.problems.append("The 'Re-verification overdue' choice can only be 1 (yes) or 0 (no).")
        return False

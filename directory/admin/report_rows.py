"""What the corrections screens show: reports by status and source, and the listing's current values.

Public reports ("report incorrect information") are closed here. Specialists' dead-end flags are
corrections too and are listed beside them (the dashboard counts both), but they are closed from
the verification form, which has their re-verification deadlines.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from directory.models import Center, Correction, CorrectionKind, CorrectionSource, CorrectionStatus
from directory.public.center_presenter import Fact

#: The ``status`` filter of ``/admin/corrections``: open (the default), closed or all reports.
STATUS_FILTERS = ("open", "closed", "all")
#: The ``source`` filter: public reports or specialists' flags (both when not given).
SOURCE_FILTERS = {"public": CorrectionSource.PUBLIC, "staff": CorrectionSource.STAFF}
PER_PAGE = 50
_YES_NO = {True: "Yes", False: "No", None: "Not known"}


@dataclass(frozen=True)
class ReportPage:
    """One page of reports, newest first."""

    reports: list[Correction]
    total: int
    page: int
    last_page: int


def list_reports(session: Session, status: str, page: int, source: str | None = None) -> ReportPage:
    """Return a page of reports with ``status`` (:data:`STATUS_FILTERS`) and ``source``, newest first."""
    query = select(Correction)
    if source is not None:
        query = query.where(Correction.source == SOURCE_FILTERS[source])
    if status == "open":
        query = query.where(Correction.status == CorrectionStatus.NEW)
    elif status == "closed":
        query = query.where(Correction.status != CorrectionStatus.NEW)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    last_page = max(1, math.ceil(total / PER_PAGE))
    page = min(page, last_page)
    reports = session.scalars(
        query.options(joinedload(Correction.center))
        .order_by(Correction.created_at.desc(), Correction.id)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return ReportPage(list(reports), total, page, last_page)


def current_values(center: Center, kind: CorrectionKind) -> list[Fact]:
    """Return the listing's current values that a report of ``kind`` is about (all main ones for "other")."""
    groups = {
        CorrectionKind.CONTACT: _contact,
        CorrectionKind.ADDRESS: _address,
        CorrectionKind.SERVICES: _services,
        CorrectionKind.PAYMENT: _payment,
        CorrectionKind.HOURS: _availability,
        CorrectionKind.CLOSED: _availability,
    }
    if kind in groups:
        return groups[kind](center)
    return [
        *_contact(center),
        *_address(center),
        *_services(center),
        *_payment(center),
        *_availability(center),
    ]


def _contact(center: Center) -> list[Fact]:
    phones = "; ".join(
        phone.number + (f" ext. {phone.extension}" if phone.extension else "") for phone in center.phones
    )
    return [
        Fact("Phones", phones or "None"),
        Fact("E-mail", center.email or "None"),
        Fact("Website", center.website or "None"),
    ]


def _address(center: Center) -> list[Fact]:
    facts = [
        Fact(
            f"Location {index}",
            ", ".join(
                part
                for part in (
                    location.address_1,
                    location.address_2,
                    location.city,
                    f"{location.state} {location.postal_code}",
                )
                if part
            ),
        )
        for index, location in enumerate(center.locations, start=1)
    ]
    areas = ", ".join(area.state for area in center.service_areas)
    return [*facts, Fact("Telehealth service areas", areas or "None")]


def _terms(center: Center, *schemes: str) -> list[Fact]:
    labels: dict[str, list[str]] = {}
    for term in center.terms:
        if term.scheme in schemes:
            labels.setdefault(term.taxonomy.label, []).append(term.label)
    return [Fact(scheme, ", ".join(names)) for scheme, names in labels.items()] or [
        Fact("Terms", "None listed")
    ]


def _services(center: Center) -> list[Fact]:
    return [
        *_terms(center, "therapy", "route", "level_of_care", "program"),
        Fact("REMS-certified for Spravato", _YES_NO[center.spravato_rems_certified]),
    ]


def _payment(center: Center) -> list[Fact]:
    low, high = center.cash_price_min, center.cash_price_max
    prices = " to ".join(f"${value:,}" for value in (low, high) if value is not None) or "Not listed"
    return [
        Fact("Cash price", prices),
        Fact("Sliding scale", _YES_NO[center.sliding_scale]),
        Fact("Payment assistance", _YES_NO[center.payment_assistance]),
        Fact("Price notes", center.price_notes or "None"),
        *_terms(center, "payment", "insurance"),
    ]


def _availability(center: Center) -> list[Fact]:
    return [
        Fact("Listing status", center.status.value),
        Fact("Accepting new clients", _YES_NO[center.accepting_new_clients]),
    ]

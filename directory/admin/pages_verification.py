"""Admin: the verification queue and the verification form of one listing.

The form records a decision and what was checked (``operations.verification.decide_verification``);
a refusal shows the form again with the message (400 for the input, 409 for the listing's state).
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from directory.admin import bp
from directory.admin.forms import DECISIONS, VerificationForm
from directory.admin.listing_lookup import (
    acting_admin,
    center_or_404,
    confirmable_term_labels,
    reverify_months,
    today,
)
from directory.database import get_session
from directory.models import Center, TaxonomyTerm, VerificationDecision
from directory.operations.errors import OperationError, PermissionDenied
from directory.operations.listing_state import BY_NAME, refusal
from directory.operations.staff_flags import open_staff_flags
from directory.operations.verification import (
    Evidence,
    decide_verification,
    resolve_flags_by_decision,
    verification_records,
)
from directory.operations.verification_queue import PREVIEW, Section, count_section, section_page

#: The schemes whose terms a verification can confirm.
CONFIRMABLE = {"therapies_confirmed": ("therapy", "route"), "accreditations": ("accreditation",)}


@bp.get("/verification")
def verification_queue() -> tuple[str, int]:
    """Show every section with its count, or one section (``?section=``) a page at a time."""
    session, day = get_session(), today()
    raw, raw_page = request.args.get("section", ""), request.args.get("page", "1")
    if not raw:
        sections = [section_page(session, section, day, per_page=PREVIEW) for section in Section]
        return render_template(
            "admin/verification_queue.html", sections=sections, one=None, today_date=day
        ), 200
    counts = {section: count_section(session, section, day) for section in Section}
    try:
        section = Section(raw)
        page = int(raw_page) if raw_page.isdigit() else 0
        if not 1 <= page <= 10_000:
            raise ValueError
    except ValueError:
        message = "Choose a section: " + ", ".join(s.value for s in Section) + ", and a page number from 1."
        return render_template(
            "admin/verification_queue.html", sections=[], error=message, counts=counts
        ), 400
    one = section_page(session, section, day, page)
    return render_template(
        "admin/verification_queue.html", sections=[one], one=one, counts=counts, today_date=day
    ), 200


@bp.route("/centers/<slug>/verification", methods=["GET", "POST"])
def verify_center(slug: str) -> Response | tuple[str, int]:
    """Show the verification form (GET) or record a decision (POST)."""
    center = center_or_404(slug)
    session = get_session()
    form = VerificationForm(data=None if request.method == "POST" else _current_values(center))
    _set_choices(form, center)
    if request.method == "GET":
        return _form_page(center, form, 200)
    if not form.validate():
        return _form_page(center, form, 400)
    decision = VerificationDecision(form.decision.data)
    actor = acting_admin()
    try:
        record = decide_verification(
            session,
            center,
            decision,
            actor=actor,
            evidence=_evidence(form),
            reason=form.reason.data,
            today=today(),
            reverify_months=reverify_months(),
        )
        if form.resolve_flags.data:
            resolve_flags_by_decision(session, center, record, actor=actor)
    except PermissionDenied:
        session.rollback()
        abort(403)
    except OperationError as error:
        session.rollback()
        form.show_refusal(error)
        return _form_page(center, form, 400 if error.field_errors else 409)
    session.commit()
    flash(f"{center.name}: {DONE[decision]}", "info")
    return redirect(url_for("admin.center", slug=center.slug), 303)


DONE = {
    VerificationDecision.VERIFY: "verified. The re-verification date is set.",
    VerificationDecision.REQUEST_INFO: "waiting for information from the center.",
    VerificationDecision.REJECT: "verification rejected.",
    VerificationDecision.REVOKE: "verification revoked; the public page says it was withdrawn.",
}


def _current_values(center: Center) -> dict[str, object]:
    """Start the form from what the listing holds now."""
    return {"license_number": center.license_number, "license_state": center.license_state or ""}


def _set_choices(form: VerificationForm, center: Center) -> None:
    """Offer the vocabulary's terms, marking the ones the listing claims."""
    claimed = {(term.scheme, term.code) for term in center.terms}
    for name, schemes in CONFIRMABLE.items():
        terms = get_session().scalars(
            select(TaxonomyTerm)
            .where(TaxonomyTerm.scheme.in_(schemes))
            .order_by(TaxonomyTerm.scheme.desc(), TaxonomyTerm.position)
        )
        getattr(form, name).choices = [
            (
                term.code,
                term.label + (" (the listing claims it)" if (term.scheme, term.code) in claimed else ""),
            )
            for term in terms
        ]


def _evidence(form: VerificationForm) -> Evidence:
    """Collect what was checked from a valid form; unknown term codes are named as problems."""
    known = {name: {_value(choice) for choice in getattr(form, name).choices} for name in CONFIRMABLE}
    problems = {
        name: ["Choose from the listed terms."]
        for name in CONFIRMABLE
        if set(getattr(form, name).data or []) - known[name]
    }
    text = {
        name: (getattr(form, name).data or "").strip() or None
        for name in ("license_number", "evidence_note", "evidence_url")
    }
    return Evidence(
        license_number=text["license_number"],
        license_state=form.license_state.data or None,
        accreditations=tuple(form.accreditations.data or ()),
        therapies_confirmed=tuple(form.therapies_confirmed.data or ()),
        rems_confirmed=form.rems_confirmed.data,
        website_confirmed=form.website_confirmed.data,
        phone_confirmed=form.phone_confirmed.data,
        tour_confirmed=form.tour_confirmed.data,
        note=text["evidence_note"],
        url=text["evidence_url"],
        problems=problems,
    )


def _value(choice: object) -> str:
    """Return a choice's value, whichever shape this WTForms version gives it."""
    return getattr(choice, "value", None) or choice[0]  # type: ignore[index]


def _form_page(center: Center, form: VerificationForm, status: int) -> tuple[str, int]:
    session = get_session()
    refusals = {DECISIONS[name]: refusal(center, BY_NAME[name]) for name in DECISIONS}
    page = render_template(
        "admin/verify_center.html",
        center=center,
        form=form,
        refusals=refusals,
        term_labels=confirmable_term_labels(),
        records=verification_records(session, center),
        flags=open_staff_flags(session, center),
        claimed={
            scheme: [t.label for t in center.terms if t.scheme == scheme]
            for scheme in ("therapy", "route", "accreditation")
        },
    )
    return page, status

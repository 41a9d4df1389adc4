"""Admin: reports of incorrect information (``/admin/corrections``) and closing one.

The list is filtered by ``?status=open|closed|all`` (open by default) and ``?source=public|staff``
(both by default) and paged by ``?page=N``; a
report's page shows the listing's current values beside the reported problem, a link to the edit
form, and the form that closes it as fixed, not reproducible or spam. Access is in directory.access.
"""

from __future__ import annotations

import uuid

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import RadioField

from directory.admin import bp
from directory.admin.actors import signed_in_admin
from directory.admin.report_rows import SOURCE_FILTERS, STATUS_FILTERS, current_values, list_reports
from directory.database import get_session
from directory.models import Correction, CorrectionResolution, CorrectionSource
from directory.operations.corrections import close_report
from directory.operations.errors import OperationError, PermissionDenied
from directory.public.forms import UNREADABLE_TEXT, LongTextField, Required, choices, unreadable


class CloseReportForm(FlaskForm):
    """How the report was closed, and a note for the research team."""

    resolution = RadioField(
        "How was it closed?",
        [Required()],
        choices=choices([(item.value, item.label) for item in CorrectionResolution]),
        validate_choice=False,
    )
    note = LongTextField("Note", render_kw={"rows": 3, "maxlength": 2000})

    def has_errors(self) -> bool:
        """Return whether any field, or the form as a whole, has a message."""
        return bool(self.form_errors) or any(field.errors for field in self)


@bp.get("/corrections")
def corrections() -> tuple[str, int]:
    """List reports and flags, newest first: open ones of both sources unless the query says otherwise."""
    status = request.args.get("status", "open")
    source = request.args.get("source") or None
    page_text = request.args.get("page", "1")
    problems = []
    if source is not None and source not in SOURCE_FILTERS:
        problems.append(f"Source must be one of: {', '.join(SOURCE_FILTERS)}.")
        source = None
    if status not in STATUS_FILTERS:
        problems.append(f"Status must be one of: {', '.join(STATUS_FILTERS)}.")
        status = "open"
    if not page_text.isdigit() or int(page_text) < 1 or len(page_text) > 6:
        problems.append("Page must be a whole number from 1.")
        page_text = "1"
    listing = list_reports(get_session(), status, int(page_text), source)
    return render_template(
        "admin/corrections.html",
        listing=listing,
        status=status,
        source=source,
        problems=problems,
        filters=STATUS_FILTERS,
    ), (400 if problems else 200)


@bp.route("/corrections/<uuid:correction_id>", methods=["GET", "POST"])
def correction(correction_id: uuid.UUID) -> Response | tuple[str, int]:
    """Show one report beside the listing's current values, or close it."""
    session = get_session()
    report = session.get(Correction, correction_id)
    if report is None:
        abort(404)
    form = CloseReportForm()
    if request.method == "GET":
        return _page(report, form, 200)
    if not form.validate():
        return _page(report, form, 400)
    if unreadable(form.note.data or ""):
        form.note.errors.append(UNREADABLE_TEXT)
        return _page(report, form, 400)
    try:
        close_report(
            session, report, form.resolution.data or "", actor=signed_in_admin(), note=form.note.data or ""
        )
    except PermissionDenied:
        abort(403)
    except OperationError as error:
        session.rollback()
        for name, messages in error.field_errors.items():
            form[name].errors = [*form[name].errors, *messages]
        if not error.field_errors:
            form.form_errors.append(error.message)
        return _page(session.get(Correction, correction_id) or report, form, 400)
    session.commit()
    flash(f"The report about {report.center.name} is closed as {report.resolution.label.lower()}.", "info")
    return redirect(url_for("admin.corrections"), 303)


def _page(report: Correction, form: CloseReportForm, status: int) -> tuple[str, int]:
    return render_template(
        "admin/correction.html",
        report=report,
        form=form,
        facts=current_values(report.center, report.kind),
        is_public=report.source is CorrectionSource.PUBLIC,
    ), status

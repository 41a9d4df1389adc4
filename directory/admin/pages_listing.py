"""Admin: the listing edit form (``/admin/centers/<slug>/edit``), every field the public sees.

The view parses the form, calls ``edit_listing`` once, commits once and redirects to the staff view
of the listing; refused input shows the form again with what was typed and a message next to each
field (400). Access is said in directory.access; the operation checks the role itself as well.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from directory.admin import bp
from directory.admin.actors import signed_in_admin
from directory.admin.listing_form import ListingEditForm
from directory.database import get_session
from directory.models import Center, Taxonomy
from directory.operations.errors import OperationError, PermissionDenied
from directory.operations.listing_edits import edit_listing
from directory.staff.center_record import STATUS_TEXT, find_staff_center


@bp.route("/centers/<slug>/edit", methods=["GET", "POST"])
def edit_center(slug: str) -> Response | tuple[str, int]:
    """Show the edit form for a listing, or apply it."""
    session = get_session()
    center = find_staff_center(session, slug)
    if center is None:
        abort(404)
    schemes = session.scalars(
        select(Taxonomy).options(selectinload(Taxonomy.terms)).order_by(Taxonomy.position, Taxonomy.code)
    ).all()
    form = ListingEditForm.for_vocabulary(schemes)()
    form.offer_terms()
    if request.method == "GET":
        form.fill_from(center)
        return _page(center, form, 200)
    if not form.validate():
        return _page(center, form, 400)
    try:
        event = edit_listing(
            session, center, form.cleaned, actor=signed_in_admin(), reason=(form.reason.data or "").strip()
        )
    except PermissionDenied:
        abort(403)
    except OperationError as error:
        session.rollback()
        form.add_errors(error.field_errors or [error.message])
        return _page(center, form, 400)
    session.commit()
    if event is None:
        flash("Nothing was changed: the form held the listing's current values.", "info")
    else:
        flash(f"Saved your changes to {center.name}.", "info")
    return redirect(url_for("staff.center", slug=center.slug), 303)


def _page(center: Center, form: ListingEditForm, status: int) -> tuple[str, int]:
    return render_template(
        "admin/edit_center.html", center=center, form=form, status_text=STATUS_TEXT[center.status]
    ), status

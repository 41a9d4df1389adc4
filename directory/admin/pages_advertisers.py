"""Admin: current advertisers, those ending soon, and marking a verified listing as an advertiser."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for

from directory.admin import bp
from directory.admin.forms import AdvertiserForm
from directory.admin.listing_lookup import acting_admin, today
from directory.database import get_session
from directory.operations.advertisers import current_advertisers, start_advertising
from directory.operations.centers import find_center
from directory.operations.errors import OperationError, PermissionDenied

ENDING_CHOICES = ("30",)


@bp.route("/advertisers", methods=["GET", "POST"])
def advertisers() -> Response | tuple[str, int]:
    """List advertisers (``?ending=30``: those ending within 30 days); POST marks a listing as one."""
    ending = request.args.get("ending", "")
    if ending and ending not in ENDING_CHOICES:
        return _page(AdvertiserForm(formdata=None), None, 400, "The only filter is ending=30 (days).")
    within = int(ending) if ending else None
    if request.method == "GET":
        form = AdvertiserForm(
            formdata=None, data={"slug": request.args.get("slug", ""), "starts_on": today()}
        )
        return _page(form, within, 200)
    form = AdvertiserForm()
    if not form.validate():
        return _page(form, within, 400)
    session = get_session()
    found = find_center(session, form.slug.data.strip())
    if found is None:
        form.slug.errors = [*form.slug.errors, "No listing has this address name."]
        return _page(form, within, 404)
    try:
        start_advertising(
            session,
            found,
            actor=acting_admin(),
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
            contract_ref=form.contract_ref.data,
            today=today(),
        )
    except PermissionDenied:
        session.rollback()
        abort(403)
    except OperationError as error:
        session.rollback()
        form.show_refusal(error)
        return _page(form, within, 400 if error.field_errors else 409)
    session.commit()
    flash(f"{found.name} is an advertiser until {form.ends_on.data.isoformat()}.", "info")
    return redirect(url_for("admin.advertisers"), 303)


def _page(form: AdvertiserForm, within: int | None, status: int, error: str | None = None) -> tuple[str, int]:
    session, day = get_session(), today()
    page = render_template(
        "admin/advertisers.html",
        form=form,
        within=within,
        error=error,
        advertisers=current_advertisers(session, today=day, ending_within=within),
        ending_soon=len(current_advertisers(session, today=day, ending_within=30)),
        today=day,
    )
    return page, status

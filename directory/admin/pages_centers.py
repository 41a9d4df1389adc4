"""Admin: the hub of one listing (status, verification, advertising) and its status actions.

Only the transitions the state machine allows now are offered; a stale form that asks for another
is refused with the state machine's message (409), a missing reason with 400.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, abort, flash, redirect, render_template, url_for
from sqlalchemy.orm import Session

from directory.admin import bp
from directory.admin.forms import AdvertiserForm, EndAdvertisingForm, StatusForm
from directory.admin.listing_lookup import acting_admin, center_or_404, confirmable_term_labels, today
from directory.auth.forms import StaffForm
from directory.database import get_session
from directory.models import Center
from directory.operations.advertisers import end_advertising
from directory.operations.errors import OperationError, PermissionDenied
from directory.operations.listing_state import BY_NAME, Field, allowed_transitions, apply_transition, refusal
from directory.operations.staff_flags import open_staff_flags
from directory.operations.verification import verification_records

#: What each status button says and what the flash message says after it.
STATUS_ACTIONS = {
    "publish": ("Publish", "is published: it appears in public search within the index's normal delay."),
    "unpublish": ("Unpublish", "is unpublished: the public no longer sees it."),
    "close": ("Close", "is closed: its public page says so, and staff still find it."),
    "reopen": ("Reopen and publish", "is reopened and published."),
    "reopen_unpublished": ("Reopen without publishing", "is reopened, not yet public."),
}


@bp.get("/centers/<slug>")
def center(slug: str) -> tuple[str, int]:
    """Show one listing's status, verification, advertising and verification records, with its actions."""
    return hub_page(center_or_404(slug))


@bp.post("/centers/<slug>/status")
def change_center_status(slug: str) -> Response | tuple[str, int]:
    """Publish, unpublish, close or reopen the listing."""
    found = center_or_404(slug)
    form = StatusForm()
    if not form.validate():
        return hub_page(found, status_form=form, status=400)
    name = form.transition.data
    if name not in STATUS_ACTIONS:
        form.add_error("Choose publish, unpublish, close or reopen.")
        return hub_page(found, status_form=form, status=400)
    refused = _run(
        lambda session: apply_transition(
            session, found, name, actor=acting_admin(), reason=form.reason.data, today=today()
        ),
        form,
    )
    if refused is not None:
        return hub_page(found, status_form=form, status=refused)
    flash(f"{found.name} {STATUS_ACTIONS[name][1]}", "info")
    return redirect(url_for("admin.center", slug=slug), 303)


@bp.post("/centers/<slug>/advertising/end")
def end_center_advertising(slug: str) -> Response | tuple[str, int]:
    """End the listing's advertising before its end date, with a reason."""
    found = center_or_404(slug)
    form = EndAdvertisingForm()
    if not form.validate():
        return hub_page(found, end_form=form, status=400)
    refused = _run(
        lambda session: end_advertising(
            session, found, actor=acting_admin(), reason=form.reason.data, today=today()
        ),
        form,
    )
    if refused is not None:
        return hub_page(found, end_form=form, status=refused)
    flash(f"{found.name} is no longer an advertiser.", "info")
    return redirect(url_for("admin.center", slug=slug), 303)


def _run(operation: Callable[[Session], object], form: StaffForm) -> int | None:
    """Run ``operation`` and commit; on a refusal roll back, put its message on ``form`` and return
    the status to answer with (400 for bad input, 409 for the listing's state; 403 aborts)."""
    session = get_session()
    try:
        operation(session)
    except PermissionDenied:
        session.rollback()
        abort(403)
    except OperationError as error:
        session.rollback()
        form.add_error(error.message)
        return 400 if error.field_errors else 409
    session.commit()
    return None


def hub_page(
    found: Center,
    *,
    status_form: StatusForm | None = None,
    end_form: EndAdvertisingForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """Render the hub, with a refused form's messages when there is one."""
    session, admin = get_session(), acting_admin()
    advertiser_form = AdvertiserForm(formdata=None, data={"slug": found.slug, "starts_on": today()})
    page = render_template(
        "admin/center.html",
        center=found,
        status_actions=[
            (t.name, STATUS_ACTIONS[t.name][0], t.reason_required)
            for t in allowed_transitions(found, Field.STATUS, admin)
        ],
        status_form=status_form or StatusForm(formdata=None),
        end_form=end_form or EndAdvertisingForm(formdata=None),
        advertiser_form=advertiser_form,
        advertiser_refusal=None if found.is_advertiser else refusal(found, BY_NAME["start_advertising"]),
        term_labels=confirmable_term_labels(),
        records=verification_records(session, found),
        flags=open_staff_flags(session, found),
    )
    return page, status

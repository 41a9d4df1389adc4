"""The shortlist for the current call: add, remove, reorder, note, "new call", and the exports.

Thin views over :mod:`directory.staff.shortlist` (the rules) and its rows and exports. The shortlist
is the specialist's own session state, not a change to the directory, so nothing here writes to the
audit trail; an addition only adds to the aggregate weekly counters (see
:mod:`directory.staff.shortlist_influence`). Who may use each page is said in :mod:`directory.access`.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response as BaseResponse

from directory.auth.accounts import signed_in_user
from directory.auth.redirects import safe_next
from directory.database import get_session
from directory.operations.shortlist_counts import count_shortlist_addition
from directory.staff import bp
from directory.staff.flag_marks import flag_marks_by_center
from directory.staff.shortlist import (
    MAX_CENTERS,
    MAX_NOTE_LENGTH,
    SESSION_KEY,
    Shortlist,
    ShortlistError,
    add_center,
    center_key,
    move_center,
    remove_center,
    set_note,
    set_place,
)
from directory.staff.shortlist_export import as_csv, as_text, distance_text
from directory.staff.shortlist_influence import COUNTED_KEY, mark_counted, search_to_count
from directory.staff.shortlist_rows import find_center_name, shortlist_view

Answer = BaseResponse | tuple[str, int]


def current_shortlist() -> Shortlist:
    """Return the signed-in specialist's shortlist from their session."""
    return Shortlist.from_session(session.get(SESSION_KEY))


@bp.app_template_global()
def shortlist_ids() -> frozenset[str]:
    """Return the ids on the session's shortlist (templates: the buttons and the navigation's count)."""
    return frozenset(current_shortlist().center_ids)


@bp.get("/shortlist")
def shortlist() -> Answer:
    """Show the shortlist with its notes, order buttons, exports and the privacy rule."""
    return _page(current_shortlist(), [], 200)


@bp.post("/shortlist/add")
def shortlist_add() -> Answer:
    """Add a center (and the place searched near) and go back to the page it was added from."""
    back = safe_next(request.form.get("next"))
    try:
        center_id = center_key(request.form.get("center"))
        name = find_center_name(get_session(), center_id)
        if name is None:
            raise ShortlistError("That listing is no longer in the directory.", 404)
    except ShortlistError as error:
        return _page(current_shortlist(), [error.message], error.status, back)
    listed = center_id in current_shortlist()
    message = f"{name} is already on the shortlist." if listed else f"Added {name} to the shortlist."
    return _change(
        lambda s: add_center(s, center_id, request.form.get("near", "")),
        message,
        back,
        back,
        then=None if listed else lambda: _count_addition(center_id, back),
    )


def _count_addition(center_id: str, back: str | None) -> None:
    """Count the addition, and its search the first time this call adds from it, in aggregate."""
    search = search_to_count(back)
    user = signed_in_user()
    if user is None:  # the access check admits only signed-in staff
        return
    count_shortlist_addition(get_session(), center_id, actor=user, search=search.counts if search else None)
    get_session().commit()
    if search is not None:
        mark_counted(search)


@bp.post("/shortlist/remove")
def shortlist_remove() -> Answer:
    """Take a center off the shortlist."""
    return _change(lambda s: remove_center(s, _center()), "Removed the center from the shortlist.")


@bp.post("/shortlist/move")
def shortlist_move() -> Answer:
    """Move a center one place up or down."""
    return _change(
        lambda s: move_center(s, _center(), request.form.get("direction", "")),
        "Moved the center.",
        anchor=_entry_anchor(),
    )


@bp.post("/shortlist/note")
def shortlist_note() -> Answer:
    """Save the note on one center (an empty note removes it)."""
    return _change(
        lambda s: set_note(s, _center(), request.form.get("note", "")),
        "Saved the note.",
        anchor=_entry_anchor(),
    )


def _entry_anchor() -> str | None:
    """Return the page anchor of the posted center's entry, to come back to it."""
    center_id = request.form.get("center", "")
    return f"entry-{center_id}" if center_id else None


@bp.post("/shortlist/place")
def shortlist_place() -> Answer:
    """Set or clear the place distances are measured from."""
    near = request.form.get("near", "")
    done = "Distances are now measured from that place." if near.strip() else "Distances are no longer shown."
    return _change(lambda s: set_place(s, near), done)


@bp.post("/shortlist/new-call")
def shortlist_new_call() -> BaseResponse:
    """Empty the shortlist, notes and place, for the next caller."""
    session.pop(SESSION_KEY, None)
    session.pop(COUNTED_KEY, None)
    flash("New call: the shortlist is empty.", "info")
    return redirect(url_for("staff.shortlist"), 303)


@bp.get("/shortlist/text")
def shortlist_text() -> Response:
    """Export the shortlist as plain text, ready to read out, paste into an e-mail or send as a text."""
    text = as_text(shortlist_view(get_session(), current_shortlist()))
    response = Response(text, mimetype="text/plain")
    response.headers["Content-Disposition"] = 'inline; filename="shortlist.txt"'
    return response


@bp.get("/shortlist/csv")
def shortlist_csv() -> Response:
    """Export the shortlist as CSV (UTF-8 with a byte-order mark, so spreadsheets read it right)."""
    text = as_csv(shortlist_view(get_session(), current_shortlist()))
    response = Response("\ufeff" + text, mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="shortlist.csv"'
    return response


@bp.get("/shortlist/print")
def shortlist_print() -> str:
    """Show the shortlist as a page to print (the print stylesheet leaves out everything else)."""
    view = shortlist_view(get_session(), current_shortlist())
    return render_template("staff/shortlist_print.html", view=view, distance_text=distance_text)


def _center() -> str:
    return center_key(request.form.get("center"))


def _change(
    change: Callable[[Shortlist], Shortlist],
    done: str,
    target: str | None = None,
    back: str | None = None,
    anchor: str | None = None,
    then: Callable[[], None] | None = None,
) -> Answer:
    """Apply ``change`` to the session's shortlist (then ``then``) and redirect, or show the problem."""
    shortlist = current_shortlist()
    try:
        updated = change(shortlist)
    except ShortlistError as error:
        return _page(shortlist, [error.message], error.status, back)
    if then is not None:
        then()
    session[SESSION_KEY] = updated.to_session()
    flash(done, "info")
    return redirect(target or url_for("staff.shortlist", _anchor=anchor), 303)


def _page(shortlist: Shortlist, problems: list[str], status: int, back: str | None = None) -> tuple[str, int]:
    view = shortlist_view(get_session(), shortlist)
    page = render_template(
        "staff/shortlist.html",
        view=view,
        flags=flag_marks_by_center(get_session(), [row.center_id for row in view.rows]),
        near=shortlist.near,
        problems=problems,
        back=back,
        distance_text=distance_text,
        max_centers=MAX_CENTERS,
        max_note=MAX_NOTE_LENGTH,
    )
    return page, status

"""The console's presets: save the current filters as one's own, rename, delete, promote to the team.

Each form posts the current search (``search``, a query string) so the specialist lands back on it.
Every change goes through :mod:`directory.operations.presets`, which checks the role and audits it;
the view commits once. A refused change answers 4xx on the search screen with the reason.
"""

from __future__ import annotations

import uuid
from urllib.parse import parse_qsl, urlencode

from flask import Response, abort, flash, redirect, request, url_for
from werkzeug.datastructures import MultiDict

from directory.auth.accounts import signed_in_user
from directory.database import get_session
from directory.models import SearchPreset, User
from directory.operations import presets as operations
from directory.operations.errors import OperationError, PermissionDenied
from directory.search import get_search_service
from directory.staff import bp
from directory.staff.console_page import preset_params
from directory.staff.pages_search import render_console
from directory.staff.search_args import StaffSearchArgsError, parse_staff_search_args

#: The longest search a preset form may carry back (the query string of the console's own URL).
MAX_SEARCH_LENGTH = 4000


@bp.post("/presets")
def save_preset() -> Response | tuple[str, int]:
    """Save the current search's filters as the signed-in staff member's own preset."""
    search = _search()
    try:
        args = parse_staff_search_args(search, get_search_service().index.vocabulary)
    except StaffSearchArgsError as error:
        return _refused(error.problems, 400)
    session = get_session()
    data = {"name": request.form.get("name", ""), "params": operations.params_from_query(preset_params(args))}
    try:
        preset = operations.save_preset(session, data, actor=_actor())
    except OperationError as error:
        return _refused([error.message], 403 if isinstance(error, PermissionDenied) else 400)
    session.commit()
    flash(f"Saved your preset “{preset.name}”.", "info")
    return _back()


@bp.post("/presets/<uuid:preset_id>/rename")
def rename_preset(preset_id: uuid.UUID) -> Response | tuple[str, int]:
    """Rename a preset (one's own; a team preset as an admin)."""
    session = get_session()
    preset = _preset(preset_id)
    try:
        operations.rename_preset(session, preset, request.form.get("name", ""), actor=_actor())
    except OperationError as error:
        return _refused([error.message], 403 if isinstance(error, PermissionDenied) else 400)
    session.commit()
    flash(f"Renamed the preset to “{preset.name}”.", "info")
    return _back()


@bp.post("/presets/<uuid:preset_id>/delete")
def delete_preset(preset_id: uuid.UUID) -> Response | tuple[str, int]:
    """Delete a preset (one's own; a team preset as an admin)."""
    session = get_session()
    preset = _preset(preset_id)
    name = preset.name
    try:
        operations.delete_preset(session, preset, actor=_actor())
    except OperationError as error:
        return _refused([error.message], 403 if isinstance(error, PermissionDenied) else 400)
    session.commit()
    flash(f"Deleted the preset “{name}”.", "info")
    return _back()


@bp.post("/presets/<uuid:preset_id>/promote")
def promote_preset(preset_id: uuid.UUID) -> Response | tuple[str, int]:
    """Share a personal preset with the whole team (admins only: see the access table)."""
    session = get_session()
    preset = _preset(preset_id)
    try:
        operations.promote_preset(session, preset, actor=_actor())
    except OperationError as error:
        return _refused([error.message], 403 if isinstance(error, PermissionDenied) else 400)
    session.commit()
    flash(f"“{preset.name}” is now a team preset.", "info")
    return _back()


def _actor() -> User:
    user = signed_in_user()
    if user is None:  # the account was removed while signed in
        abort(403)
    return user


def _preset(preset_id: uuid.UUID) -> SearchPreset:
    """Return a preset this staff member may see, or answer 404 (another's preset is not shown)."""
    preset = operations.find_visible_preset(get_session(), preset_id, _actor())
    if preset is None:
        abort(404)
    return preset


def _search() -> MultiDict[str, str]:
    """Return the search the form came from (empty when missing or too long to be the console's)."""
    raw = request.form.get("search", "")
    if len(raw) > MAX_SEARCH_LENGTH:
        return MultiDict()
    try:
        return MultiDict(parse_qsl(raw, max_num_fields=200))
    except ValueError:  # more fields than any console search has
        return MultiDict()


def _back() -> Response:
    """Go back to the search the form came from (a path on this site: only the query is the form's)."""
    query = urlencode(list(_search().items(multi=True)))
    target = url_for("staff.search") + (f"?{query}" if query else "")
    return redirect(target, 303)


def _refused(problems: list[str], status: int) -> tuple[str, int]:
    """Show the search screen again with why the preset change was refused."""
    get_session().rollback()
    return render_console(_search(), preset_problems=problems, status=status)

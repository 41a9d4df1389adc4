"""Search presets: save, rename, delete, share with the team, and apply.

A personal preset belongs to the specialist who saved it; only they rename or delete it. A team
preset (``shared``) is visible to every staff member; only an admin promotes a preset to the team,
or renames or deletes a team preset. Applying a preset turns it back into the search page's
query-string parameters. Every change is audited; operations flush, never commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from marshmallow import ValidationError
from sqlalchemy import Row, Select, or_, select
from sqlalchemy.orm import Session

from directory.models import SearchPreset, Taxonomy, TaxonomyTerm, User, preset_name_key
from directory.operations.audit import record_event
from directory.operations.errors import OperationError, PermissionDenied
from directory.operations.staff_roles import is_admin, require_admin, require_staff
from directory.schemas.presets import PAGE_PARAMS, PresetInput, unknown_terms

#: Parameters that describe the caller's place: applying a preset without its own keeps these.
PLACE_PARAMS: tuple[str, ...] = ("near", "radius")


class PresetEntry(NamedTuple):
    """A preset as a list shows it, read as plain columns (the console lists them on every search)."""

    id: uuid.UUID
    name: str
    shared: bool
    owner_id: uuid.UUID | None
    params: dict[str, list[str]]


#: The columns a :class:`PresetEntry` is read from, in its order.
_ENTRY_COLUMNS = (
    SearchPreset.id,
    SearchPreset.name,
    SearchPreset.shared,
    SearchPreset.owner_id,
    SearchPreset.params,
)


def _visible_to(user_id: Any) -> Any:
    """Return the condition for the presets ``user_id`` sees: the team's and their own."""
    return or_(SearchPreset.shared, SearchPreset.owner_id == user_id)


#: The order presets are listed in: the team's first, then one's own, each by name.
_LIST_ORDER = (SearchPreset.shared.desc(), SearchPreset.name_key)


def visible_presets(session: Session, user: User) -> list[SearchPreset]:
    """Return the team presets, then ``user``'s own, each by name."""
    query = select(SearchPreset).where(_visible_to(user.id)).order_by(*_LIST_ORDER)
    return list(session.scalars(query))


def visible_preset_entries(session: Session, user_id: uuid.UUID) -> list[PresetEntry]:
    """Return what :func:`visible_presets` returns as plain rows: one light query, no ORM objects."""
    query = select(*_ENTRY_COLUMNS).where(_visible_to(user_id)).order_by(*_LIST_ORDER)
    return [PresetEntry(*row) for row in session.execute(query)]


def with_visible_presets(account_query: Select[Any]) -> Select[Any]:
    """Extend a query of one ``users`` row with the presets that user sees, one result row per preset.

    Staff pages read the account on every request and the console lists its presets on every
    search: one round trip for both keeps the console within its time budget (directory.public.bench).
    Read the result with :func:`split_account_rows`.
    """
    return (
        account_query.add_columns(*_ENTRY_COLUMNS)
        .outerjoin(SearchPreset, _visible_to(User.id))
        .order_by(*_LIST_ORDER)
    )


def split_account_rows(rows: Sequence[Row[Any]], width: int) -> tuple[Row[Any] | None, list[PresetEntry]]:
    """Return the account (the first ``width`` columns; None without rows) and its presets."""
    if not rows:
        return None, []
    presets = [PresetEntry(*row[width:]) for row in rows if row[width] is not None]
    return rows[0], presets


def find_visible_preset(session: Session, preset_id: uuid.UUID | str, user: User) -> SearchPreset | None:
    """Return the preset if ``user`` may see it (a team preset or their own), else None."""
    try:
        key = preset_id if isinstance(preset_id, uuid.UUID) else uuid.UUID(str(preset_id))
    except ValueError:
        return None
    preset = session.get(SearchPreset, key)
    if preset is None or not (preset.shared or preset.owner_id == user.id):
        return None
    return preset


def params_from_query(args: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Return a search page's query parameters (``args.items(multi=True)``) as a preset keeps them."""
    params: dict[str, list[str]] = {}
    for name, value in args:
        if name not in PAGE_PARAMS:
            params.setdefault(name, []).append(value)
    return params


def apply_preset(
    preset: SearchPreset | PresetEntry, current: Mapping[str, Sequence[str]] | None = None
) -> list[tuple[str, str]]:
    """Return the preset as query parameters, keeping the current search's place if it has none."""
    params: dict[str, list[str]] = {name: list(values) for name, values in preset.params.items()}
    if current and "near" not in params and current.get("near"):
        for name in PLACE_PARAMS:
            if name not in params and current.get(name):
                params[name] = [str(current[name][0])]
    return [(name, value) for name, values in params.items() for value in values]


def save_preset(session: Session, data: Mapping[str, Any], *, actor: User) -> SearchPreset:
    """Save ``{"name", "params"}`` as ``actor``'s personal preset; audit it. Flushes only."""
    require_staff(actor)
    name, params = _validated(session, data)
    _check_name_free(session, name, owner_id=actor.id, shared=False)
    preset = SearchPreset(name=name, name_key=preset_name_key(name), params=params, owner_id=actor.id)
    session.add(preset)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="preset.saved",
        record_type="search_preset",
        record_id=preset.id,
        after=_snapshot(preset),
    )
    return preset


def rename_preset(session: Session, preset: SearchPreset, name: str, *, actor: User) -> SearchPreset:
    """Rename a preset (one's own, or a team preset as an admin); audit it. Flushes only."""
    _check_may_change(preset, actor, "rename a team preset")
    new_name, _params = _validated(session, {"name": name, "params": preset.params})
    if preset_name_key(new_name) != preset.name_key:
        _check_name_free(session, new_name, owner_id=preset.owner_id, shared=preset.shared)
    before = _snapshot(preset)
    preset.name = new_name
    preset.name_key = preset_name_key(new_name)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="preset.renamed",
        record_type="search_preset",
        record_id=preset.id,
        before={"name": before["name"]},
        after={"name": preset.name},
    )
    return preset


def delete_preset(session: Session, preset: SearchPreset, *, actor: User) -> None:
    """Delete a preset (one's own, or a team preset as an admin); audit it. Flushes only."""
    _check_may_change(preset, actor, "delete a team preset")
    before = _snapshot(preset)
    session.delete(preset)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="preset.deleted",
        record_type="search_preset",
        record_id=before["id"],
        before=before,
    )


def promote_preset(session: Session, preset: SearchPreset, *, actor: User) -> SearchPreset:
    """Share a personal preset with the whole team (admins only); audit it. Flushes only."""
    require_admin(actor, "share a preset with the team")
    if preset.shared:
        raise OperationError(f"“{preset.name}” is already a team preset.")
    _check_name_free(session, preset.name, owner_id=None, shared=True)
    preset.shared = True
    session.flush()
    record_event(
        session,
        actor=actor,
        action="preset.promoted",
        record_type="search_preset",
        record_id=preset.id,
        before={"shared": False},
        after={"shared": True, "name": preset.name},
    )
    return preset


def save_team_preset(
    session: Session, data: Mapping[str, Any], *, actor: User | str
) -> tuple[SearchPreset, str]:
    """Insert or update a shipped team preset by name (the sample loader); return it and
    ``created``, ``updated`` or ``unchanged``. Flushes only."""
    name, params = _validated(session, data)
    preset = session.scalar(
        select(SearchPreset).where(SearchPreset.shared, SearchPreset.name_key == preset_name_key(name))
    )
    if preset is not None and preset.name == name and preset.params == params:
        return preset, "unchanged"
    outcome = "updated"
    before = None
    if preset is None:
        outcome = "created"
        preset = SearchPreset(name=name, name_key=preset_name_key(name), params=params, shared=True)
        session.add(preset)
    else:
        before = _snapshot(preset)
        preset.name, preset.params = name, params
    session.flush()
    record_event(
        session,
        actor=actor,
        action=f"preset.{outcome}",
        record_type="search_preset",
        record_id=preset.id,
        before=before,
        after=_snapshot(preset),
    )
    return preset, outcome


def _validated(session: Session, data: Mapping[str, Any]) -> tuple[str, dict[str, list[str]]]:
    """Return the name (spacing tidied) and parameters, or raise naming every problem."""
    try:
        loaded = PresetInput().load(dict(data))
    except ValidationError as error:
        raise OperationError(_first_message(error.messages), field_errors=error.messages) from error  # type: ignore[arg-type]
    params = loaded["params"]
    names = list(params)
    schemes = set(session.scalars(select(Taxonomy.code).where(Taxonomy.code.in_(names))))
    terms = {
        (scheme, code)
        for scheme, code in session.execute(
            select(TaxonomyTerm.scheme, TaxonomyTerm.code).where(TaxonomyTerm.scheme.in_(names))
        )
    }
    unknown = unknown_terms(params, schemes, terms)
    if unknown:
        message = f"This directory has no {', '.join(unknown[:5])}. Choose from the filters."
        raise OperationError(message, field_errors={"params": [message]})
    return " ".join(loaded["name"].split()), params


def _check_may_change(preset: SearchPreset, actor: User, doing: str) -> None:
    require_staff(actor)
    if preset.shared:
        require_admin(actor, doing)
    elif preset.owner_id != actor.id and not is_admin(actor):
        raise PermissionDenied("Only the specialist who saved this preset can change it.")


def _check_name_free(session: Session, name: str, *, owner_id: uuid.UUID | None, shared: bool) -> None:
    query = select(SearchPreset.id).where(SearchPreset.name_key == preset_name_key(name))
    if shared:
        query = query.where(SearchPreset.shared)
        taken = f"The team already has a preset named “{name}”. Rename one of them first."
    else:
        query = query.where(~SearchPreset.shared, SearchPreset.owner_id == owner_id)
        taken = f"A personal preset named “{name}” already exists for its owner. Choose another name."
    if session.scalar(query) is not None:
        raise OperationError(taken, field_errors={"name": [taken]})


def _first_message(messages: Any) -> str:
    """Return the first message of a marshmallow error tree, prefixed by the field it concerns."""
    if isinstance(messages, str):
        return messages
    if isinstance(messages, list):
        return _first_message(messages[0])
    field, nested = next(iter(messages.items()))
    inner = _first_message(nested)
    return inner if field in ("name", "params", "_schema") else f"{field}: {inner}"


def _snapshot(preset: SearchPreset) -> dict[str, Any]:
    return {
        "id": str(preset.id),
        "name": preset.name,
        "params": preset.params,
        "shared": preset.shared,
        "owner_id": str(preset.owner_id) if preset.owner_id else None,
    }

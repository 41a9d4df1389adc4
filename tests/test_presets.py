"""Search presets: saving, renaming, deleting, sharing with the team and applying, with audit."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from directory.auth.accounts import ACCOUNT_COLUMNS
from directory.models import AuditEvent, Role, SearchPreset, User, preset_name_key
from directory.operations.errors import OperationError, PermissionDenied
from directory.operations.presets import (
    apply_preset,
    delete_preset,
    find_visible_preset,
    params_from_query,
    promote_preset,
    rename_preset,
    save_preset,
    split_account_rows,
    visible_preset_entries,
    visible_presets,
    with_visible_presets,
)
from tests.staff_accounts import make_staff

KETAMINE = {"therapy": ["ketamine-assisted-therapy"], "payment": ["self-pay"]}


@pytest.fixture
def staff(vocabulary):
    """A specialist, a second specialist, an admin and a deactivated specialist."""
    session = vocabulary
    return {
        "specialist": make_staff(session),
        "other": make_staff(session),
        "admin": make_staff(session, Role.ADMIN),
        "deactivated": make_staff(session, active=False),
    }


def events(session, action):
    return session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_saving_a_preset_writes_it_and_its_audit_event_in_one_transaction(session, staff):
    me = staff["specialist"]
    preset = save_preset(session, {"name": "  Ketamine,   self-pay ", "params": KETAMINE}, actor=me)
    assert preset.name == "Ketamine, self-pay"
    assert preset.owner_id == me.id and not preset.shared
    assert preset.params == KETAMINE
    [event] = events(session, "preset.saved")
    assert event.actor_id == me.id and event.record_id == str(preset.id)
    assert event.after["params"] == KETAMINE
    session.rollback()
    assert session.scalar(select(func.count()).select_from(SearchPreset)) == 0
    assert events(session, "preset.saved") == []


def test_saved_parameters_are_tidied_like_the_search_page_reads_them(session, staff):
    params = {
        "therapy": ["esketamine", "esketamine", " "],
        "state": ["ut"],
        "city": ["salt  lake city, ut"],
        "radius": ["25.0"],
        "near": ["84101"],
        "q": "spravato",
        "status": ["published", "suspended"],
        "verification": ["verified"],
        "advertiser": ["0"],
    }
    preset = save_preset(session, {"name": "Staff view", "params": params}, actor=staff["specialist"])
    assert preset.params == {
        "therapy": ["esketamine"],
        "state": ["UT"],
        "city": ["salt lake city, UT"],
        "radius": ["25"],
        "near": ["84101"],
        "q": ["spravato"],
        "status": ["published", "suspended"],
        "verification": ["verified"],
        "advertiser": ["0"],
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "params": KETAMINE}, "Give the preset a name of 1 to 80 characters."),
        ({"name": "x" * 81, "params": KETAMINE}, "Give the preset a name of 1 to 80 characters."),
        ({"name": "Empty", "params": {}}, "at least one filter or search words"),
        ({"name": "Unknown", "params": {"colour": ["red"]}}, "no filter 'colour'"),
        ({"name": "Bad term", "params": {"therapy": ["reiki"]}}, "no therapy 'reiki'"),
        ({"name": "Paged", "params": {"therapy": ["tms"], "page": ["2"]}}, "not a page of results"),
        ({"name": "Far", "params": {"radius": ["900"]}}, "between 0.5 and 500"),
        ({"name": "Sorted", "params": {"sort": ["distance"]}}, "Sorting by distance needs a place"),
        ({"name": "Twice", "params": {"q": ["a", "b"]}}, "only one value"),
        ({"name": "Nowhere", "params": {"near": ["00000"]}}, "00000"),
        ({"name": "Status", "params": {"status": ["gone"]}}, "is not one of: draft"),
        ({"name": "NUL", "params": {"q": ["ket\x00amine"]}}, "NUL"),
        ({"name": "Shape", "params": ["therapy"]}, "object of parameter names"),
        ({"name": "Extra", "params": KETAMINE, "owner": "me"}, "Unknown field"),
    ],
)
def test_a_preset_that_cannot_be_searched_is_refused_with_a_reason(session, staff, data, message):
    with pytest.raises(OperationError) as refused:
        save_preset(session, data, actor=staff["specialist"])
    assert message in str(refused.value.message) + str(refused.value.field_errors)
    assert session.scalar(select(func.count()).select_from(SearchPreset)) == 0
    assert events(session, "preset.saved") == []


def test_names_are_unique_per_owner_ignoring_case_and_spacing(session, staff):
    save_preset(
        session,
        {"name": "Spanish outpatient", "params": {"language": ["spanish"]}},
        actor=staff["specialist"],
    )
    with pytest.raises(OperationError, match=r"personal preset named .* already exists"):
        save_preset(session, {"name": "spanish  OUTPATIENT", "params": KETAMINE}, actor=staff["specialist"])
    other = save_preset(session, {"name": "Spanish outpatient", "params": KETAMINE}, actor=staff["other"])
    assert other.name_key == preset_name_key("spanish outpatient")


def test_the_database_refuses_two_team_presets_of_one_name(session, staff):
    for owner in (staff["specialist"], staff["other"]):
        session.add(
            SearchPreset(name="Team", name_key="team", params=KETAMINE, owner_id=owner.id, shared=True)
        )
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_a_specialist_renames_and_deletes_only_their_own_presets(session, staff):
    mine = save_preset(session, {"name": "Mine", "params": KETAMINE}, actor=staff["specialist"])
    with pytest.raises(PermissionDenied, match="Only the specialist who saved"):
        rename_preset(session, mine, "Theirs now", actor=staff["other"])
    with pytest.raises(PermissionDenied):
        delete_preset(session, mine, actor=staff["other"])
    rename_preset(session, mine, "Self-pay ketamine", actor=staff["specialist"])
    [renamed] = events(session, "preset.renamed")
    assert (renamed.before, renamed.after) == ({"name": "Mine"}, {"name": "Self-pay ketamine"})
    preset_id = mine.id
    delete_preset(session, mine, actor=staff["specialist"])
    assert session.get(SearchPreset, preset_id) is None
    [deleted] = events(session, "preset.deleted")
    assert deleted.record_id == str(preset_id) and deleted.before["name"] == "Self-pay ketamine"


def test_renaming_to_a_taken_name_is_refused(session, staff):
    save_preset(session, {"name": "One", "params": KETAMINE}, actor=staff["specialist"])
    two = save_preset(session, {"name": "Two", "params": KETAMINE}, actor=staff["specialist"])
    with pytest.raises(OperationError, match=r"personal preset named .* already exists"):
        rename_preset(session, two, "ONE", actor=staff["specialist"])
    assert rename_preset(session, two, "two", actor=staff["specialist"]).name == "two"


def test_only_an_admin_promotes_a_preset_to_the_team(session, staff):
    preset = save_preset(
        session, {"name": "Medicare Spravato", "params": KETAMINE}, actor=staff["specialist"]
    )
    assert find_visible_preset(session, preset.id, staff["other"]) is None
    with pytest.raises(PermissionDenied, match="Only an admin can share a preset"):
        promote_preset(session, preset, actor=staff["specialist"])
    assert events(session, "preset.promoted") == []
    promote_preset(session, preset, actor=staff["admin"])
    assert preset.shared and preset.owner_id == staff["specialist"].id
    [event] = events(session, "preset.promoted")
    assert event.actor_id == staff["admin"].id and event.after == {
        "shared": True,
        "name": "Medicare Spravato",
    }
    assert find_visible_preset(session, str(preset.id), staff["other"]) is preset
    with pytest.raises(OperationError, match="already a team preset"):
        promote_preset(session, preset, actor=staff["admin"])


def test_a_team_preset_is_changed_only_by_an_admin(session, staff):
    preset = save_preset(session, {"name": "Team one", "params": KETAMINE}, actor=staff["specialist"])
    promote_preset(session, preset, actor=staff["admin"])
    with pytest.raises(PermissionDenied, match="Only an admin can rename a team preset"):
        rename_preset(session, preset, "Changed", actor=staff["specialist"])
    with pytest.raises(PermissionDenied, match="Only an admin can delete a team preset"):
        delete_preset(session, preset, actor=staff["specialist"])
    rename_preset(session, preset, "Team renamed", actor=staff["admin"])
    delete_preset(session, preset, actor=staff["admin"])
    assert session.scalar(select(func.count()).select_from(SearchPreset)) == 0


def test_promotion_refuses_a_name_the_team_already_uses(session, staff):
    first = save_preset(
        session, {"name": "Rural TMS", "params": {"therapy": ["tms"]}}, actor=staff["specialist"]
    )
    second = save_preset(session, {"name": "rural tms", "params": {"therapy": ["tms"]}}, actor=staff["other"])
    promote_preset(session, first, actor=staff["admin"])
    with pytest.raises(OperationError, match="team already has a preset named"):
        promote_preset(session, second, actor=staff["admin"])
    assert not second.shared


def test_a_deactivated_account_changes_nothing(session, staff):
    with pytest.raises(PermissionDenied, match="deactivated"):
        save_preset(session, {"name": "Late", "params": KETAMINE}, actor=staff["deactivated"])
    staff["admin"].active = False
    preset = save_preset(session, {"name": "Mine", "params": KETAMINE}, actor=staff["specialist"])
    with pytest.raises(PermissionDenied, match="deactivated"):
        promote_preset(session, preset, actor=staff["admin"])


def test_a_specialist_sees_team_presets_then_their_own(session, staff):
    mine = save_preset(session, {"name": "B mine", "params": KETAMINE}, actor=staff["specialist"])
    theirs = save_preset(session, {"name": "A theirs", "params": KETAMINE}, actor=staff["other"])
    team = save_preset(session, {"name": "Z team", "params": KETAMINE}, actor=staff["other"])
    promote_preset(session, team, actor=staff["admin"])
    assert visible_presets(session, staff["specialist"]) == [team, mine]
    entries = visible_preset_entries(session, staff["specialist"].id)
    assert [entry.id for entry in entries] == [team.id, mine.id]
    assert entries[1] == (mine.id, "B mine", False, staff["specialist"].id, KETAMINE)
    assert apply_preset(entries[0], {"near": ["84101"]}) == apply_preset(team, {"near": ["84101"]})
    assert find_visible_preset(session, theirs.id, staff["specialist"]) is None
    assert find_visible_preset(session, "not-a-uuid", staff["specialist"]) is None


def test_the_account_and_its_presets_come_in_one_query(session, staff):
    def account_and_presets(user):
        query = with_visible_presets(select(*ACCOUNT_COLUMNS).where(User.id == user.id))
        return split_account_rows(session.execute(query).all(), len(ACCOUNT_COLUMNS))

    account, presets = account_and_presets(staff["specialist"])
    assert (account.id, account.email, presets) == (staff["specialist"].id, staff["specialist"].email, [])
    mine = save_preset(session, {"name": "B mine", "params": KETAMINE}, actor=staff["specialist"])
    save_preset(session, {"name": "A theirs", "params": KETAMINE}, actor=staff["other"])
    team = save_preset(session, {"name": "Z team", "params": KETAMINE}, actor=staff["other"])
    promote_preset(session, team, actor=staff["admin"])
    account, presets = account_and_presets(staff["specialist"])
    assert account.password_hash == staff["specialist"].password_hash
    assert presets == visible_preset_entries(session, staff["specialist"].id)
    assert [entry.id for entry in presets] == [team.id, mine.id]
    nobody = with_visible_presets(select(*ACCOUNT_COLUMNS).where(User.email == "nobody@example.org"))
    assert split_account_rows(session.execute(nobody).all(), len(ACCOUNT_COLUMNS)) == (None, [])


def test_applying_a_preset_gives_query_parameters_and_keeps_the_callers_place(session, staff):
    params = {
        "therapy": ["ketamine-assisted-therapy"],
        "payment": ["self-pay", "sliding-scale"],
        "radius": ["50"],
    }
    preset = save_preset(session, {"name": "Near caller", "params": params}, actor=staff["specialist"])
    assert apply_preset(preset) == [
        ("therapy", "ketamine-assisted-therapy"),
        ("payment", "self-pay"),
        ("payment", "sliding-scale"),
        ("radius", "50"),
    ]
    current = {"near": ["84101"], "radius": ["10"], "therapy": ["tms"]}
    applied = apply_preset(preset, current)
    assert ("near", "84101") in applied and ("radius", "50") in applied and ("radius", "10") not in applied
    assert ("therapy", "tms") not in applied


def test_query_parameters_become_a_preset_without_the_page(session, staff):
    args = [("therapy", "esketamine"), ("payment", "medicare"), ("page", "3"), ("per_page", "50")]
    params = params_from_query(args)
    assert params == {"therapy": ["esketamine"], "payment": ["medicare"]}
    preset = save_preset(session, {"name": "From the page", "params": params}, actor=staff["specialist"])
    assert apply_preset(preset) == args[:2]


def test_an_admin_renaming_a_specialists_preset_checks_the_owners_names(session, staff):
    admin, owner = staff["admin"], staff["specialist"]
    save_preset(session, {"name": "Admin's own", "params": KETAMINE}, actor=admin)
    save_preset(session, {"name": "Owner's other", "params": KETAMINE}, actor=owner)
    preset = save_preset(session, {"name": "Typo", "params": KETAMINE}, actor=owner)
    assert rename_preset(session, preset, "Admin's own", actor=admin).owner_id == owner.id
    with pytest.raises(OperationError, match=r"personal preset named .* already exists"):
        rename_preset(session, preset, "Owner's other", actor=admin)

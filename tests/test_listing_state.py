"""The listing state machine: every allowed transition, refusals that say why, audit in one transaction."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from directory.models import (
    AuditEvent,
    Center,
    ListingStatus,
    Role,
    VerificationDecision,
    VerificationRecord,
    VerificationStatus,
)
from directory.operations.advertisers import end_advertising, end_advertising_on_end_dates, start_advertising
from directory.operations.errors import OperationError, PermissionDenied
from directory.operations.listing_state import (
    TRANSITIONS,
    AdvertiserState,
    Field,
    Who,
    allowed_transitions,
    apply_transition,
    change_listing_status,
    current_state,
)
from directory.operations.verification import Evidence, add_months, decide_verification
from tests.staff_accounts import make_staff

TODAY = date(2026, 11, 30)
SYSTEM = "verification schedule"
VERIFIED = {"verification_status": "verified", "verified_at": datetime(2026, 5, 1, tzinfo=UTC)}
CHECKED = Evidence(license_number="LIC-0042", license_state="UT", phone_confirmed=True)


def audit_count(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent))


def center_in(create_center, field: Field, state: str) -> Center:
    """Create a center whose ``field`` is in ``state``."""
    if field is Field.STATUS:
        return create_center(status=state)
    if field is Field.VERIFICATION:
        extra = {"verified_at": VERIFIED["verified_at"]} if state == "verified" else {}
        return create_center(verification_status=state, **extra)
    if state == AdvertiserState.ACTIVE:
        return create_center(**VERIFIED, is_advertiser=True, advertiser_ends_on=TODAY + timedelta(days=90))
    return create_center(**VERIFIED)


ALLOWED = [
    pytest.param(transition, source, id=f"{transition.name}-from-{source}")
    for transition in TRANSITIONS
    for source in sorted(transition.sources)
]


@pytest.mark.parametrize(("transition", "source"), ALLOWED)
def test_every_allowed_transition_moves_and_audits(session, create_center, transition, source):
    center = center_in(create_center, transition.field, source)
    actor = make_staff(session, Role.ADMIN) if Who.ADMIN in transition.who else SYSTEM
    event = apply_transition(session, center, transition.name, actor=actor, reason="checked", today=TODAY)
    session.commit()
    session.expire_all()
    reloaded = session.get(Center, center.id)
    assert current_state(reloaded, transition.field) == transition.target
    assert event.action == transition.action and event.record_id == str(center.id)
    assert event.before[transition.field.audit_key] == source
    assert event.after[transition.field.audit_key] == transition.target


@pytest.mark.parametrize(
    ("field", "state", "name", "message"),
    [
        (Field.STATUS, "closed", "publish", "A closed listing must be reopened before it is published."),
        (Field.STATUS, "draft", "reopen", "Cannot reopen a listing: its status is draft"),
        (Field.VERIFICATION, "unverified", "revoke", "its verification is unverified"),
        (Field.VERIFICATION, "verified", "reject", "revoke its verification instead"),
        (Field.VERIFICATION, "verified", "request_info", "A verified listing stays verified"),
        (Field.ADVERTISER, AdvertiserState.ACTIVE, "start_advertising", "already an advertiser"),
        (Field.ADVERTISER, AdvertiserState.NONE, "end_advertising", "not an advertiser"),
    ],
)
def test_refused_transitions_say_why_and_write_nothing(session, create_center, field, state, name, message):
    center = center_in(create_center, field, state)
    admin = make_staff(session, Role.ADMIN)
    session.commit()
    before = audit_count(session)
    with pytest.raises(OperationError, match=message):
        apply_transition(session, center, name, actor=admin, reason="because", today=TODAY)
    assert audit_count(session) == before
    assert current_state(center, field) == state


@pytest.mark.parametrize("status", ["unverified", "pending", "needs_info", "expired", "revoked", "rejected"])
def test_only_a_verified_listing_can_advertise(session, create_center, status):
    center = create_center(verification_status=status)
    admin = make_staff(session, Role.ADMIN)
    with pytest.raises(OperationError, match="Only a verified listing can be an advertiser; this one is"):
        start_advertising(
            session,
            center,
            actor=admin,
            starts_on=TODAY,
            ends_on=TODAY + timedelta(days=30),
            contract_ref="AD-1",
            today=TODAY,
        )
    assert center.is_advertiser is False


def test_specialists_and_admins_are_refused_what_is_not_theirs(session, create_center):
    center = create_center(status="pending", **VERIFIED)
    specialist = make_staff(session, Role.SPECIALIST)
    admin = make_staff(session, Role.ADMIN)
    with pytest.raises(PermissionDenied, match=r"Only an admin can publish a listing\."):
        change_listing_status(session, center, ListingStatus.PUBLISHED, actor=specialist)
    with pytest.raises(PermissionDenied, match=r"Only an admin can revoke a verification\."):
        decide_verification(session, center, VerificationDecision.REVOKE, actor=specialist, reason="x")
    with pytest.raises(PermissionDenied, match="Only the daily verification job"):
        apply_transition(session, center, "expire", actor=admin)
    with pytest.raises(PermissionDenied, match="Only an admin"):
        decide_verification(session, center, VerificationDecision.VERIFY, actor=SYSTEM, evidence=CHECKED)
    assert audit_count(session) == 0
    assert center.status is ListingStatus.PENDING


def test_deactivated_admin_is_refused(session, create_center):
    center = create_center(status="pending")
    admin = make_staff(session, Role.ADMIN, active=False)
    with pytest.raises(PermissionDenied, match="deactivated"):
        change_listing_status(session, center, ListingStatus.PUBLISHED, actor=admin)


def test_change_listing_status_finds_the_transition(session, create_center):
    admin = make_staff(session, Role.ADMIN)
    center = create_center(status="pending")
    assert change_listing_status(session, center, ListingStatus.PUBLISHED, actor=admin).action == (
        "listing.published"
    )
    with pytest.raises(OperationError, match="Give a reason to close a listing"):
        change_listing_status(session, center, ListingStatus.CLOSED, actor=admin, reason="  ")
    change_listing_status(session, center, ListingStatus.CLOSED, actor=admin, reason="Clinic moved away")
    event = change_listing_status(session, center, ListingStatus.SUSPENDED, actor=admin)
    assert event.action == "listing.reopened_unpublished" and center.status is ListingStatus.SUSPENDED
    with pytest.raises(OperationError, match="cannot go back to draft"):
        change_listing_status(session, center, ListingStatus.DRAFT, actor=admin)
    with pytest.raises(OperationError, match="already suspended"):
        change_listing_status(session, center, ListingStatus.SUSPENDED, actor=admin)


def test_closing_an_advertiser_ends_its_advertising_first(session, create_center):
    admin = make_staff(session, Role.ADMIN)
    center = center_in(create_center, Field.ADVERTISER, AdvertiserState.ACTIVE)
    center.status = ListingStatus.PUBLISHED
    change_listing_status(session, center, ListingStatus.CLOSED, actor=admin, reason="Out of business")
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.occurred_at)).all()
    assert actions == ["advertiser.ended_by_closure", "listing.closed"]
    assert center.is_advertiser is False


def test_verify_records_the_checks_and_sets_the_dates(app, session, create_center):
    admin = make_staff(session, Role.ADMIN)
    center = create_center(status="pending", verification_status="revoked", verification_revoked_on=TODAY)
    evidence = Evidence(
        license_number="LIC-0042",
        license_state="UT",
        accreditations=("joint-commission",),
        therapies_confirmed=("ketamine-assisted-therapy", "iv-infusion"),
        rems_confirmed=True,
        website_confirmed=True,
        tour_confirmed=True,
        note="Called the front desk; saw the IV suite on the virtual tour.",
        url="https://example.org/license/LIC-0042",
    )
    record = decide_verification(
        session, center, VerificationDecision.VERIFY, actor=admin, evidence=evidence, today=TODAY
    )
    session.commit()
    session.expire_all()
    center = session.get(Center, center.id)
    assert center.verification_status is VerificationStatus.VERIFIED
    assert center.verified_by == admin.email and center.verified_at is not None
    assert center.reverify_due_on == date(2027, 11, 30)
    assert (center.license_number, center.license_state) == ("LIC-0042", "UT")
    assert center.verification_revoked_on is None
    stored = session.get(VerificationRecord, record.id)
    assert stored.therapies_confirmed == ["ketamine-assisted-therapy", "iv-infusion"]
    assert stored.rems_confirmed and stored.tour_confirmed and not stored.phone_confirmed
    assert stored.decided_by == admin.id and stored.reverify_due_on == date(2027, 11, 30)


def test_reverification_interval_is_configurable(session, create_center):
    admin = make_staff(session, Role.ADMIN)
    center = create_center()
    decide_verification(
        session, center, "verify", actor=admin, evidence=CHECKED, today=date(2026, 8, 31), reverify_months=6
    )
    assert center.reverify_due_on == date(2027, 2, 28) == add_months(date(2026, 8, 31), 6)


@pytest.mark.parametrize(
    ("evidence", "field"),
    [
        (Evidence(), "evidence_note"),
        (Evidence(license_number="X1", license_state="ZZ"), "license_state"),
        (Evidence(note="seen", url="javascript:alert(1)"), "evidence_url"),
        (Evidence(license_state="UT", phone_confirmed=True), "license_number"),
    ],
)
def test_verify_refuses_bad_evidence_and_writes_nothing(session, create_center, evidence, field):
    admin = make_staff(session, Role.ADMIN)
    center = create_center()
    with pytest.raises(OperationError) as refused:
        decide_verification(session, center, "verify", actor=admin, evidence=evidence, today=TODAY)
    assert field in refused.value.field_errors
    assert audit_count(session) == 0
    assert session.scalar(select(func.count()).select_from(VerificationRecord)) == 0
    assert center.verification_status is VerificationStatus.UNVERIFIED


def test_request_info_then_reject_are_recorded(session, create_center):
    admin = make_staff(session, Role.ADMIN)
    center = create_center()
    decide_verification(
        session, center, "request_info", actor=admin, reason="Send the state license", today=TODAY
    )
    session.commit()
    session.expire_all()
    assert session.get(Center, center.id).verification_status is VerificationStatus.NEEDS_INFO
    center = session.get(Center, center.id)
    with pytest.raises(OperationError, match="Give a reason to reject"):
        decide_verification(session, center, "reject", actor=admin, today=TODAY)
    decide_verification(session, center, "reject", actor=admin, reason="No license exists", today=TODAY)
    session.commit()
    decisions = session.scalars(select(VerificationRecord.decision).order_by(VerificationRecord.decided_at))
    assert list(decisions) == [VerificationDecision.REQUEST_INFO, VerificationDecision.REJECT]


def test_revoke_ends_advertising_and_dates_the_withdrawal(session, create_center):
    admin = make_staff(session, Role.ADMIN)
    center = center_in(create_center, Field.ADVERTISER, AdvertiserState.ACTIVE)
    decide_verification(session, center, "revoke", actor=admin, reason="License lapsed", today=TODAY)
    session.commit()
    assert center.verification_status is VerificationStatus.REVOKED
    assert center.verification_revoked_on == TODAY
    assert center.is_advertiser is False and center.advertiser_ends_on == TODAY
    ended = session.scalar(select(AuditEvent).where(AuditEvent.action == "advertiser.ended_by_revocation"))
    assert ended.before == {"advertiser": "advertising"} and ended.after == {"advertiser": "not advertising"}
    revoked = session.scalar(select(AuditEvent).where(AuditEvent.action == "verification.revoked"))
    assert revoked.reason == "License lapsed"
    assert revoked.before["is_advertiser"] is True and revoked.after["is_advertiser"] is False


def test_start_advertising_records_dates_and_contract(session, create_center):
    admin = make_staff(session, Role.ADMIN)
    center = create_center(**VERIFIED)
    event = start_advertising(
        session,
        center,
        actor=admin,
        starts_on=TODAY,
        ends_on=date(2027, 5, 31),
        contract_ref="AD-2026-017",
        today=TODAY,
    )
    session.commit()
    assert center.is_advertiser and center.advertiser_contract_ref == "AD-2026-017"
    assert event.after == {
        "advertiser": "advertising",
        "advertiser_starts_on": "2026-11-30",
        "advertiser_ends_on": "2027-05-31",
        "advertiser_contract_ref": "AD-2026-017",
    }
    assert allowed_transitions(center, Field.ADVERTISER, admin)[0].name == "end_advertising"


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "contract_ref", "field"),
    [
        (TODAY + timedelta(days=1), TODAY + timedelta(days=30), "AD-1", "starts_on"),
        (TODAY - timedelta(days=30), TODAY, "AD-1", "ends_on"),
        (TODAY, TODAY + timedelta(days=30), "   ", "contract_ref"),
        (TODAY, TODAY + timedelta(days=30), "x" * 101, "contract_ref"),
    ],
)
def test_start_advertising_refuses_bad_terms(session, create_center, starts_on, ends_on, contract_ref, field):
    admin = make_staff(session, Role.ADMIN)
    center = create_center(**VERIFIED)
    with pytest.raises(OperationError) as refused:
        start_advertising(
            session,
            center,
            actor=admin,
            starts_on=starts_on,
            ends_on=ends_on,
            contract_ref=contract_ref,
            today=TODAY,
        )
    assert field in refused.value.field_errors and audit_count(session) == 0
    assert center.is_advertiser is False


def test_advertising_ends_early_with_a_reason(session, create_center):
    admin = make_staff(session, Role.ADMIN)
    center = center_in(create_center, Field.ADVERTISER, AdvertiserState.ACTIVE)
    with pytest.raises(OperationError, match="Give a reason"):
        end_advertising(session, center, actor=admin, reason="", today=TODAY)
    event = end_advertising(session, center, actor=admin, reason="Contract cancelled", today=TODAY)
    assert event.action == "advertiser.ended_early" and center.advertiser_ends_on == TODAY


def test_advertising_ends_on_its_end_date(session, create_center):
    due = create_center(**VERIFIED, is_advertiser=True, advertiser_ends_on=TODAY)
    later = create_center(**VERIFIED, is_advertiser=True, advertiser_ends_on=TODAY + timedelta(days=1))
    assert end_advertising_on_end_dates(session, TODAY, actor=SYSTEM) == [due]
    session.commit()
    assert due.is_advertiser is False and later.is_advertiser is True
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "advertiser.ended_on_end_date"))
    assert event.record_id == str(due.id) and event.reason == "the advertising contract ended on 2026-11-30"
    assert event.actor_label == SYSTEM and event.actor_id is None

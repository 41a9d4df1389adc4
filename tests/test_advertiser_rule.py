"""Only a verified center can be an advertiser; losing verification ends advertiser status."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from directory.models import AdvertiserRuleError, Center, VerificationStatus

VERIFIED = {"verification_status": "verified", "verified_at": datetime(2026, 5, 1, tzinfo=UTC)}


@pytest.mark.parametrize("status", ["unverified", "pending", "expired", "revoked"])
def test_model_refuses_an_unverified_advertiser(create_center, session, status):
    with pytest.raises(AdvertiserRuleError, match="only a verified center can be an advertiser"):
        create_center(verification_status=status, is_advertiser=True)


def test_model_refuses_turning_an_unverified_center_into_an_advertiser(create_center, session):
    center = create_center()
    session.commit()
    center.is_advertiser = True
    with pytest.raises(AdvertiserRuleError):
        session.flush()


def test_verified_center_can_advertise(create_center, session):
    center = create_center(**VERIFIED, is_advertiser=True, advertiser_starts_on=date(2026, 6, 1))
    session.commit()
    assert session.get(Center, center.id).is_advertiser


@pytest.mark.parametrize("lapse", [VerificationStatus.EXPIRED, VerificationStatus.REVOKED, "pending"])
def test_lapsed_verification_ends_advertiser_status(create_center, session, lapse):
    center = create_center(**VERIFIED, is_advertiser=True, advertiser_starts_on=date(2026, 6, 1))
    session.commit()
    center.verification_status = lapse
    session.commit()
    session.expire_all()
    reloaded = session.get(Center, center.id)
    assert reloaded.is_advertiser is False
    assert reloaded.advertiser_ends_on == datetime.now(UTC).date()
    assert reloaded.verification_status == VerificationStatus(lapse)


def test_lapse_keeps_an_earlier_advertiser_end_date(create_center, session):
    center = create_center(
        **VERIFIED,
        is_advertiser=True,
        advertiser_starts_on=date(2026, 1, 1),
        advertiser_ends_on=date(2026, 2, 1),
    )
    center.verification_status = "revoked"
    session.commit()
    assert center.advertiser_ends_on == date(2026, 2, 1)


def test_database_refuses_an_unverified_advertiser(create_center, session):
    center = create_center()
    session.commit()
    with pytest.raises(IntegrityError):
        session.execute(
            text("UPDATE centers SET is_advertiser = :yes WHERE id = :id"),
            {"yes": True, "id": center.id.hex if session.bind.dialect.name == "sqlite" else center.id},
        )
        session.flush()
    session.rollback()


def test_database_refuses_revoking_an_advertiser_without_ending_it(create_center, session):
    center = create_center(**VERIFIED, is_advertiser=True)
    session.commit()
    with pytest.raises(IntegrityError):
        session.execute(
            text("UPDATE centers SET verification_status = 'revoked' WHERE id = :id"),
            {"id": center.id.hex if session.bind.dialect.name == "sqlite" else center.id},
        )
    session.rollback()
    assert session.get(Center, center.id).is_advertiser is True

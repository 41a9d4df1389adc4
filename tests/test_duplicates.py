"""Duplicate candidates for a submitted listing: the same phone, or a similar name in the same ZIP or city."""

from __future__ import annotations

import pytest

from directory.models import Location, Phone
from directory.operations.duplicates import find_duplicate_candidates, name_key, similar_names


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Wasatch Ketamine Clinic", "Wasatch Ketamine Clinic, LLC"),
        ("The Wasatch Ketamine Center", "wasatch ketamine"),
        ("Bright Path Mood Clinic", "Brightpath Mood Clinic"),
    ],
)
def test_similar_names(first, second):
    assert similar_names(first, second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Wasatch Ketamine Clinic", "Cedar Mood Clinic"),
        ("Clinic", "Center"),
        ("Sunrise TMS", "Sunset Psychiatry"),
    ],
)
def test_different_names(first, second):
    assert not similar_names(first, second)


def test_name_key_drops_case_punctuation_and_generic_words():
    assert name_key("The Wasatch Ketamine Clinic, L.L.C.") == "wasatch ketamine l l c"
    assert name_key("Cedar & Pine Center, LLC") == "cedar pine"


def _with_phone(center, number):
    center.phones = [Phone(position=0, number=number)]
    return center


def test_candidates_by_phone_and_by_similar_name_nearby(session, create_center):
    submitted = _with_phone(create_center(name="Wasatch Ketamine Clinic"), "(801) 555-0101")
    same_phone = _with_phone(
        create_center(
            name="Entirely Other Name",
            location={"address_1": "9 Far Rd", "city": "Boise", "state": "ID", "postal_code": "83702"},
        ),
        "(801) 555-0101",
    )
    same_city = create_center(
        name="Wasatch Ketamine Clinic LLC",
        location={"address_1": "2 Side St", "city": "salt lake city", "state": "UT", "postal_code": "84111"},
    )
    same_zip = create_center(
        name="Wasatch Ketamine",
        location={
            "address_1": "3 Other St",
            "city": "South Salt Lake",
            "state": "UT",
            "postal_code": "84101",
        },
    )
    create_center(
        name="Wasatch Ketamine Clinic",
        location={"address_1": "1 Main St", "city": "Provo", "state": "UT", "postal_code": "84601"},
    )  # same name, elsewhere
    create_center(name="Cedar Mood Clinic")  # nearby, another name
    session.flush()
    found = {
        candidate.center.id: candidate.reasons for candidate in find_duplicate_candidates(session, submitted)
    }
    assert set(found) == {same_phone.id, same_city.id, same_zip.id}
    assert found[same_phone.id] == ["Same phone number: (801) 555-0101"]
    assert found[same_city.id][0].startswith("Similar name in the same ZIP code or city")
    session.rollback()


def test_no_candidates_for_a_listing_without_phones_alone_in_its_town(session, create_center):
    lonely = create_center(
        name="Juniper Ridge Care",
        location={"address_1": "1 Ridge Rd", "city": "Moab", "state": "UT", "postal_code": "84532"},
    )
    lonely.locations.append(
        Location(position=1, address_1="2 Ridge Rd", city="Moab", state="UT", postal_code="84532")
    )
    session.flush()
    assert find_duplicate_candidates(session, lonely) == []
    session.rollback()

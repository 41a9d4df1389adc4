"""Every input validation rule of the marshmallow schemas, pinned with its exact message and path.

No database is needed: these tests only load dictionaries through the schemas. The messages are
copied from the schema code on purpose, so that changing a message a person reads fails a test.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from marshmallow import Schema, ValidationError

from directory.models.verification import VerificationStatus
from directory.schemas.articles import ArticleInput, CitationSchema, FAQSchema
from directory.schemas.centers import CenterInput, LocationSchema, PhoneSchema
from directory.schemas.taxonomy import SchemeInput, TermInput, VocabularyInput

TAXONOMY_FILE = Path(__file__).resolve().parents[1] / "data" / "taxonomy.json"

STATE_MESSAGE = "Must be a two-letter US state code, such as 'UT'."
ZIP_MESSAGE = "Must be a 5-digit US ZIP code, such as '84101' (ZIP+4 like '84101-1234' is accepted)."
URL_MESSAGE = "Must be a full web address starting with https:// or http://."
PHONE_MESSAGE = "Must be a US phone number with area code, such as '(801) 555-0134'."
EMAIL_MESSAGE = "Must be an e-mail address, such as 'intake@example.org'."
SLUG_MESSAGE = "Use lowercase letters, digits and single hyphens only, such as 'ketamine-clinic'."
NUL_MESSAGE = "Must not contain NUL (\\x00) characters."
SURROGATE_MESSAGE = "Must not contain unpaired surrogate characters (invalid Unicode)."
TOPIC_MESSAGE = "Write topics as 'scheme:code', such as 'therapy:esketamine'."
SCHEME_CODE_MESSAGE = "Use lowercase letters joined by underscores, such as 'level_of_care'."
COORDINATES_MESSAGE = "Give both latitude and longitude, or neither."
LOCATIONS_MESSAGE = "Give between 1 and 20 locations."
REQUIRED = "Missing data for required field."
NOT_NULL = "Field may not be null."
UNKNOWN = "Unknown field."

VERIFIED = {"verification_status": "verified", "verified_at": "2026-05-01T09:30:00+00:00"}


# --- builders -------------------------------------------------------------------------------


def valid_location(**overrides: Any) -> dict[str, Any]:
    """A minimal valid street address."""
    location: dict[str, Any] = {
        "address_1": "200 S Main St",
        "city": "Salt Lake City",
        "state": "UT",
        "postal_code": "84101",
    }
    location.update(overrides)
    return location


def valid_center(**overrides: Any) -> dict[str, Any]:
    """A minimal valid center, with any field replaced by ``overrides``."""
    center: dict[str, Any] = {
        "slug": "wasatch-ketamine-clinic",
        "name": "Wasatch Ketamine Clinic",
        "locations": [valid_location()],
    }
    center.update(overrides)
    return center


def valid_article(**overrides: Any) -> dict[str, Any]:
    """A minimal valid article."""
    article: dict[str, Any] = {
        "slug": "ketamine-for-depression",
        "title": "Ketamine for depression",
        "summary": "What ketamine-assisted therapy is and who it may help.",
        "body": "Ketamine is an anaesthetic that can relieve depression quickly.",
        "author_name": "Dana Writer",
        "reviewer_name": "Dr. Sam Reviewer",
        "reviewer_credentials": "MD, board-certified psychiatrist",
    }
    article.update(overrides)
    return article


def term(code: str, **overrides: Any) -> dict[str, Any]:
    """A minimal valid taxonomy term."""
    data: dict[str, Any] = {"code": code, "label": code.replace("-", " ").title()}
    data.update(overrides)
    return data


def scheme(
    code: str = "therapy", terms: list[dict[str, Any]] | None = None, **overrides: Any
) -> dict[str, Any]:
    """A minimal valid taxonomy scheme."""
    data: dict[str, Any] = {
        "code": code,
        "label": code.replace("_", " ").title(),
        "terms": terms if terms is not None else [term("esketamine")],
    }
    data.update(overrides)
    return data


def errors_of(schema: Schema, data: dict[str, Any]) -> Any:
    """Load ``data`` expecting a failure; return ``error.messages``."""
    with pytest.raises(ValidationError) as excinfo:
        schema.load(data)
    return excinfo.value.messages


# --- the builders themselves ----------------------------------------------------------------


def test_minimal_valid_center_loads_with_defaults():
    loaded = CenterInput().load(valid_center())
    assert loaded["slug"] == "wasatch-ketamine-clinic"
    assert loaded["name"] == "Wasatch Ketamine Clinic"
    assert loaded["description"] == ""
    assert loaded["phones"] == []
    assert loaded["verification_status"] is VerificationStatus.UNVERIFIED
    assert loaded["is_advertiser"] is False
    assert loaded["locations"][0]["country"] == "US"


def test_minimal_valid_article_and_scheme_load():
    assert ArticleInput().load(valid_article())["slug"] == "ketamine-for-depression"
    assert SchemeInput().load(scheme())["terms"][0]["code"] == "esketamine"


# --- state codes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [("UT", "UT"), ("ut", "UT"), ("Ut", "UT"), (" ny ", "NY"), ("dc", "DC"), ("pr", "PR")],
)
def test_state_code_is_accepted_in_any_case_and_upper_cased(given, stored):
    loaded = CenterInput().load(valid_center(locations=[valid_location(state=given)]))
    assert loaded["locations"][0]["state"] == stored


@pytest.mark.parametrize("state", ["XX", "Utah", "", "   ", "U", "UTA", "U.T."])
def test_unknown_state_code_is_rejected_on_the_location(state):
    messages = errors_of(CenterInput(), valid_center(locations=[valid_location(state=state)]))
    assert messages == {"locations": {0: {"state": [STATE_MESSAGE]}}}


def test_service_area_states_are_upper_cased_and_each_checked():
    loaded = CenterInput().load(valid_center(service_area_states=["ut", "ID"]))
    assert loaded["service_area_states"] == ["UT", "ID"]
    messages = errors_of(CenterInput(), valid_center(service_area_states=["UT", "Utah"]))
    assert messages == {"service_area_states": {1: [STATE_MESSAGE]}}


def test_license_state_is_checked_like_any_state_code():
    assert CenterInput().load(valid_center(license_state="co"))["license_state"] == "CO"
    assert errors_of(CenterInput(), valid_center(license_state="XX")) == {"license_state": [STATE_MESSAGE]}


def test_state_is_required_on_a_location():
    location = valid_location()
    del location["state"]
    assert errors_of(LocationSchema(), location) == {"state": [REQUIRED]}


# --- ZIP codes ------------------------------------------------------------------------------


@pytest.mark.parametrize("postal_code", ["84101-1234", "841011234", "84101", " 84101-1234 "])
def test_zip_plus_four_is_normalised_to_five_digits(postal_code):
    assert LocationSchema().load(valid_location(postal_code=postal_code))["postal_code"] == "84101"


@pytest.mark.parametrize(
    "postal_code",
    ["8410", "841012", "abcde", "8410a", "84101-12", "84101 1234", "84101--1234", "", "1" * 400],
    ids=[
        "four-digits",
        "six-digits",
        "letters",
        "digit-and-letter",
        "short-plus-four",
        "space-separator",
        "double-hyphen",
        "empty",
        "400-characters",
    ],
)
def test_malformed_zip_is_rejected(postal_code):
    messages = errors_of(CenterInput(), valid_center(locations=[valid_location(postal_code=postal_code)]))
    assert messages == {"locations": {0: {"postal_code": [ZIP_MESSAGE]}}}


# --- web addresses --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "website",
    [
        "https://wasatchketamine.example.com",
        "http://example.org/clinics/salt-lake?ref=1",
        "https://example.org/",
    ],
)
def test_http_and_https_addresses_are_accepted(website):
    assert CenterInput().load(valid_center(website=website))["website"] == website


def test_web_address_is_trimmed():
    assert (
        CenterInput().load(valid_center(website="  https://example.org  "))["website"]
        == "https://example.org"
    )


@pytest.mark.parametrize(
    "website",
    [
        "ftp://example.org/file",
        "not a url",
        "javascript:alert(1)",
        "example.org",
        "https://",
        "mailto:a@example.org",
    ],
)
def test_non_web_address_is_rejected(website):
    assert errors_of(CenterInput(), valid_center(website=website)) == {"website": [URL_MESSAGE]}


def test_website_may_be_omitted_or_null():
    assert CenterInput().load(valid_center())["website"] is None
    assert CenterInput().load(valid_center(website=None))["website"] is None


# --- phone numbers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "+1 801.555.0134",
        "801-555-0134",
        "(801) 555-0134",
        "801.555.0134",
        "8015550134",
        "1-801-555-0134",
        "+1 (801) 555-0134",
        "  801 555 0134  ",
        "801" + " " * 21 + "555-0134",  # 32 characters: the longest accepted
    ],
)
def test_phone_number_is_normalised_to_area_code_format(number):
    assert PhoneSchema().load({"number": number})["number"] == "(801) 555-0134"


@pytest.mark.parametrize(
    "number",
    [
        "801-555-013",
        "555-0134",
        "801-CALL-NOW",
        "801 555 O134",
        "(101) 555-0134",
        "(001) 555-0134",
        "1 (101) 555-0134",
        "+1 012 555 0134",
        "+44 20 7946 0958",
        "801-555-01345",
        "",
        "801" + " " * 22 + "555-0134",  # 33 characters, though the digits are fine
    ],
    ids=[
        "too-short",
        "no-area-code",
        "letters",
        "letter-o-for-zero",
        "area-code-starts-with-1",
        "area-code-starts-with-0",
        "country-code-then-area-code-1",
        "country-code-then-area-code-0",
        "foreign",
        "too-long",
        "empty",
        "over-32-characters",
    ],
)
def test_invalid_phone_number_is_rejected(number):
    assert errors_of(PhoneSchema(), {"number": number}) == {"number": [PHONE_MESSAGE]}


def test_phone_error_is_reported_at_its_position_in_the_center():
    phones = [{"number": "801-555-0134"}, {"number": "555-0134"}]
    assert errors_of(CenterInput(), valid_center(phones=phones)) == {
        "phones": {1: {"number": [PHONE_MESSAGE]}}
    }


def test_phone_type_defaults_to_voice_and_rejects_unknown_types():
    assert PhoneSchema().load({"number": "801-555-0134"})["type"].value == "voice"
    messages = errors_of(PhoneSchema(), {"number": "801-555-0134", "type": "pager"})
    assert messages == {"type": ["Must be one of: voice, fax, text, hotline, tty."]}


# --- e-mail ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("intake@example.org", "intake@example.org"),
        ("Intake@Example.ORG", "intake@example.org"),
        ("  INTAKE@wasatch.example.com ", "intake@wasatch.example.com"),
    ],
)
def test_email_is_accepted_and_lower_cased(given, stored):
    assert CenterInput().load(valid_center(email=given))["email"] == stored


@pytest.mark.parametrize(
    "email", ["nope", "a@b", "intake@", "@example.org", "intake@@example.org", "intake example@example.org"]
)
def test_invalid_email_is_rejected(email):
    assert errors_of(CenterInput(), valid_center(email=email)) == {"email": [EMAIL_MESSAGE]}


# --- lengths and required text --------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "limit", "message"),
    [
        ("name", 200, "Length must be between 1 and 200."),
        ("slug", 120, "Length must be between 1 and 120."),
        ("description", 5000, "Length must be between 0 and 5000."),
    ],
)
def test_text_one_character_over_its_limit_is_rejected(field, limit, message):
    assert CenterInput().load(valid_center(**{field: "a" * limit}))[field] == "a" * limit
    assert errors_of(CenterInput(), valid_center(**{field: "a" * (limit + 1)})) == {field: [message]}


@pytest.mark.parametrize("name", ["", " ", "   ", "\t\n"])
def test_blank_or_whitespace_only_name_is_rejected(name):
    assert errors_of(CenterInput(), valid_center(name=name)) == {
        "name": ["Length must be between 1 and 200."]
    }


def test_missing_or_null_name_is_rejected():
    center = valid_center()
    del center["name"]
    assert errors_of(CenterInput(), center) == {"name": [REQUIRED]}
    assert errors_of(CenterInput(), valid_center(name=None)) == {"name": [NOT_NULL]}


def test_surrounding_whitespace_is_trimmed_before_the_length_check():
    padded = "  " + "a" * 200 + "  "
    assert CenterInput().load(valid_center(name=padded))["name"] == "a" * 200


@pytest.mark.parametrize("field", ["address_1", "city"])
def test_blank_required_address_line_is_rejected(field):
    limit = {"address_1": 200, "city": 100}[field]
    messages = errors_of(LocationSchema(), valid_location(**{field: "  "}))
    assert messages == {field: [f"Length must be between 1 and {limit}."]}


# --- slugs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["a", "ketamine-clinic", "clinic-2", "24-7-care", " padded-slug "])
def test_lowercase_hyphenated_slug_is_accepted(slug):
    assert CenterInput().load(valid_center(slug=slug))["slug"] == slug.strip()


@pytest.mark.parametrize(
    "slug",
    [
        "Ketamine-Clinic",
        "ketamine clinic",
        "ketamine--clinic",
        "-ketamine",
        "ketamine-",
        "ketamine_clinic",
        "café-clinic",
        "ketamine/clinic",
        "",
    ],
)
def test_malformed_slug_is_rejected(slug):
    assert errors_of(CenterInput(), valid_center(slug=slug)) == {"slug": [SLUG_MESSAGE]}


def test_related_center_slugs_in_an_article_are_checked():
    messages = errors_of(ArticleInput(), valid_article(related_centers=["good-one", "Bad One"]))
    assert messages == {"related_centers": {1: [SLUG_MESSAGE]}}


# --- the shared safe-string rule ------------------------------------------------------------

#: (schema, build data around a text value, path of the error in ``error.messages``)
SAFE_TEXT_CASES: dict[str, tuple[type[Schema], Any, Any]] = {
    "center-name": (
        CenterInput,
        lambda text: valid_center(name=f"Wasatch {text} Clinic"),
        lambda message: {"name": [message]},
    ),
    "center-description": (
        CenterInput,
        lambda text: valid_center(description=f"Calm rooms {text} and care."),
        lambda message: {"description": [message]},
    ),
    "location-city": (
        CenterInput,
        lambda text: valid_center(locations=[valid_location(city=f"Salt {text} Lake")]),
        lambda message: {"locations": {0: {"city": [message]}}},
    ),
    "center-website": (
        CenterInput,
        lambda text: valid_center(website=f"https://exa{text}mple.org"),
        lambda message: {"website": [message]},
    ),
    "center-email": (
        CenterInput,
        lambda text: valid_center(email=f"in{text}take@example.org"),
        lambda message: {"email": [message]},
    ),
    "faq-answer": (
        ArticleInput,
        lambda text: valid_article(faqs=[{"question": "Does it hurt?", "answer": f"Rarely {text} so."}]),
        lambda message: {"faqs": {0: {"answer": [message]}}},
    ),
    "term-label": (
        SchemeInput,
        lambda text: scheme(terms=[term("esketamine", label=f"Esk{text}etamine")]),
        lambda message: {"terms": {0: {"label": [message]}}},
    ),
    "scheme-label": (
        VocabularyInput,
        lambda text: {"schemes": [scheme(label=f"Ther{text}apy")]},
        lambda message: {"schemes": {0: {"label": [message]}}},
    ),
}


@pytest.mark.parametrize(
    ("bad", "message"),
    [("\x00", NUL_MESSAGE), ("\ud800", SURROGATE_MESSAGE), ("\udfff", SURROGATE_MESSAGE)],
    ids=["nul", "lone-high-surrogate", "lone-low-surrogate"],
)
@pytest.mark.parametrize("case", list(SAFE_TEXT_CASES))
def test_nul_byte_and_lone_surrogate_are_rejected(case, bad, message):
    schema_class, build, path = SAFE_TEXT_CASES[case]
    assert errors_of(schema_class(), build(bad)) == path(message)


@pytest.mark.parametrize("bad", ["\x00", "\ud800"], ids=["nul", "lone-surrogate"])
def test_unsafe_text_alone_is_rejected_even_though_it_would_trim_away(bad):
    assert errors_of(CenterInput(), valid_center(description=f" {bad} ")) == {
        "description": [NUL_MESSAGE if bad == "\x00" else SURROGATE_MESSAGE]
    }


@pytest.mark.parametrize(
    "text",
    [
        "Español — café ✓",
        "Clínica Niño Ñandú",
        "Mind & Mood 🧠😀",
        "心理健康 · Sức khỏe",
        "Ketamine\u00a0Care",
    ],
)
def test_valid_non_ascii_text_is_accepted_unchanged(text):
    center = CenterInput().load(
        valid_center(name=text, description=text, locations=[valid_location(city=text)])
    )
    assert (center["name"], center["description"], center["locations"][0]["city"]) == (text, text, text)
    faq = FAQSchema().load({"question": text, "answer": text})
    assert faq == {"question": text, "answer": text}
    assert TermInput().load(term("esketamine", label=text))["label"] == text


# --- center-wide rules ----------------------------------------------------------------------


def test_minimum_cash_price_above_maximum_is_rejected_on_the_maximum():
    messages = errors_of(CenterInput(), valid_center(cash_price_min=500, cash_price_max=400))
    assert messages == {"cash_price_max": ["Must not be lower than cash_price_min."]}


@pytest.mark.parametrize(("low", "high"), [(400, 400), (300, 700), (None, 100), (100, None), (0, 0)])
def test_cash_price_range_in_order_or_open_is_accepted(low, high):
    loaded = CenterInput().load(valid_center(cash_price_min=low, cash_price_max=high))
    assert (loaded["cash_price_min"], loaded["cash_price_max"]) == (low, high)


@pytest.mark.parametrize("status", ["unverified", "pending", "expired", "revoked"])
def test_only_a_verified_center_can_be_an_advertiser(status):
    messages = errors_of(CenterInput(), valid_center(verification_status=status, is_advertiser=True))
    assert messages == {"is_advertiser": ["Only a verified center can be an advertiser."]}


def test_advertiser_defaults_to_unverified_and_is_therefore_rejected():
    messages = errors_of(CenterInput(), valid_center(is_advertiser=True))
    assert messages == {"is_advertiser": ["Only a verified center can be an advertiser."]}


def test_verified_center_with_a_verification_time_can_advertise():
    loaded = CenterInput().load(valid_center(**VERIFIED, is_advertiser=True))
    assert loaded["is_advertiser"] is True
    assert loaded["verification_status"] is VerificationStatus.VERIFIED
    assert loaded["verified_at"] == datetime(2026, 5, 1, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("verified_at", ["absent", None])
def test_verified_center_needs_a_verification_time(verified_at):
    center = valid_center(verification_status="verified")
    if verified_at != "absent":
        center["verified_at"] = verified_at
    assert errors_of(CenterInput(), center) == {"verified_at": ["Required when the center is verified."]}


def test_advertising_cannot_end_before_it_starts():
    center = valid_center(**VERIFIED, is_advertiser=True, advertiser_starts_on="2026-06-01")
    center["advertiser_ends_on"] = "2026-05-31"
    assert errors_of(CenterInput(), center) == {
        "advertiser_ends_on": ["Must not be before advertiser_starts_on."]
    }


def test_advertising_may_start_and_end_on_the_same_day():
    center = valid_center(advertiser_starts_on="2026-06-01", advertiser_ends_on="2026-06-01")
    loaded = CenterInput().load(center)
    assert loaded["advertiser_starts_on"] == loaded["advertiser_ends_on"] == date(2026, 6, 1)


def test_every_broken_center_wide_rule_is_reported_at_once():
    center = valid_center(
        cash_price_min=900,
        cash_price_max=100,
        is_advertiser=True,
        advertiser_starts_on="2026-06-01",
        advertiser_ends_on="2026-01-01",
    )
    assert errors_of(CenterInput(), center) == {
        "cash_price_max": ["Must not be lower than cash_price_min."],
        "is_advertiser": ["Only a verified center can be an advertiser."],
        "advertiser_ends_on": ["Must not be before advertiser_starts_on."],
    }


@pytest.mark.parametrize(
    "coordinates", [{"latitude": 40.76}, {"longitude": -111.89}, {"latitude": 40.76, "longitude": None}]
)
def test_one_coordinate_without_the_other_is_rejected_on_latitude(coordinates):
    messages = errors_of(CenterInput(), valid_center(locations=[valid_location(**coordinates)]))
    assert messages == {"locations": {0: {"latitude": [COORDINATES_MESSAGE]}}}


@pytest.mark.parametrize(
    ("coordinates", "expected"),
    [({}, (None, None)), ({"latitude": 40.76, "longitude": -111.89}, (40.76, -111.89))],
)
def test_both_coordinates_or_neither_are_accepted(coordinates, expected):
    loaded = LocationSchema().load(valid_location(**coordinates))
    assert (loaded["latitude"], loaded["longitude"]) == expected


@pytest.mark.parametrize(
    ("field", "value"), [("latitude", 90.5), ("latitude", -91), ("longitude", 180.1), ("longitude", -181)]
)
def test_coordinates_out_of_range_are_rejected(field, value):
    other, bound = ("longitude", 90) if field == "latitude" else ("latitude", 180)
    messages = errors_of(LocationSchema(), valid_location(**{field: value, other: 0}))
    assert messages == {
        field: [f"Must be greater than or equal to -{bound} and less than or equal to {bound}."]
    }


def test_only_us_addresses_are_listed():
    assert errors_of(LocationSchema(), valid_location(country="CA")) == {
        "country": ["Only US addresses are listed."]
    }


@pytest.mark.parametrize(
    ("schema_class", "data", "path"),
    [
        (CenterInput, valid_center(colour="teal"), {"colour": [UNKNOWN]}),
        (
            CenterInput,
            valid_center(locations=[valid_location(zip="84101")]),
            {"locations": {0: {"zip": [UNKNOWN]}}},
        ),
        (
            CenterInput,
            valid_center(phones=[{"number": "801-555-0134", "ext": "2"}]),
            {"phones": {0: {"ext": [UNKNOWN]}}},
        ),
        (ArticleInput, valid_article(author="Dana"), {"author": [UNKNOWN]}),
        (
            ArticleInput,
            valid_article(faqs=[{"question": "Q?", "answer": "A.", "order": 1}]),
            {"faqs": {0: {"order": [UNKNOWN]}}},
        ),
        (
            CitationSchema,
            {"title": "Trial", "source": "NEJM", "doi": "10.1/x"},
            {"doi": [UNKNOWN]},
        ),
        (
            SchemeInput,
            scheme(terms=[term("tms", synonyms=["rTMS"])]),
            {"terms": {0: {"synonyms": [UNKNOWN]}}},
        ),
        (VocabularyInput, {"schemes": [scheme()], "version": 2}, {"version": [UNKNOWN]}),
    ],
    ids=["center", "location", "phone", "article", "faq", "citation", "term", "vocabulary"],
)
def test_unknown_fields_are_rejected(schema_class, data, path):
    assert errors_of(schema_class(), data) == path


def test_locations_are_required():
    center = valid_center()
    del center["locations"]
    assert errors_of(CenterInput(), center) == {"locations": [REQUIRED]}


@pytest.mark.parametrize("count", [0, 21])
def test_a_center_has_between_one_and_twenty_locations(count):
    center = valid_center(locations=[valid_location() for _ in range(count)])
    assert errors_of(CenterInput(), center) == {"locations": [LOCATIONS_MESSAGE]}


def test_twenty_locations_are_accepted():
    loaded = CenterInput().load(valid_center(locations=[valid_location() for _ in range(20)]))
    assert len(loaded["locations"]) == 20


@pytest.mark.parametrize("verified_at", ["2026-05-01T09:30:00", "2026-05-01 09:30"])
def test_naive_verification_time_is_rejected(verified_at):
    center = valid_center(verification_status="verified", verified_at=verified_at)
    assert errors_of(CenterInput(), center) == {"verified_at": ["Not a valid aware datetime."]}


def test_verification_time_with_an_offset_is_kept_aware():
    loaded = CenterInput().load(valid_center(verified_at="2026-05-01T09:30:00-06:00"))
    assert loaded["verified_at"].utcoffset() is not None
    assert loaded["verified_at"].astimezone(UTC) == datetime(2026, 5, 1, 15, 30, tzinfo=UTC)


@pytest.mark.parametrize("year", [1799, date.today().year + 1])
def test_year_opened_must_be_plausible(year):
    messages = errors_of(CenterInput(), valid_center(year_opened=year))
    assert messages == {"year_opened": [f"Must be a year from 1800 to {date.today().year}."]}


# --- articles -------------------------------------------------------------------------------


def test_article_cannot_be_updated_before_it_was_published():
    article = valid_article(published_on="2026-02-01", updated_on="2026-01-31")
    assert errors_of(ArticleInput(), article) == {"updated_on": ["Must not be before published_on."]}


@pytest.mark.parametrize(
    ("published_on", "updated_on"),
    [("2026-02-01", "2026-02-01"), ("2026-02-01", "2026-03-01"), (None, "2026-03-01"), ("2026-02-01", None)],
)
def test_article_dates_in_order_or_partly_missing_are_accepted(published_on, updated_on):
    loaded = ArticleInput().load(valid_article(published_on=published_on, updated_on=updated_on))
    assert loaded["updated_on"] == (date.fromisoformat(updated_on) if updated_on else None)


@pytest.mark.parametrize(
    "topic", ["therapy:esketamine", "level_of_care:outpatient", "therapy:mdma-assisted-therapy"]
)
def test_topic_written_as_scheme_and_code_is_accepted(topic):
    assert ArticleInput().load(valid_article(topics=[topic]))["topics"] == [topic]


@pytest.mark.parametrize(
    "topic",
    [
        "esketamine",
        "therapy:",
        ":esketamine",
        "Therapy:esketamine",
        "therapy:Esketamine",
        "therapy::esketamine",
        "therapy:esketamine:extra",
        "therapy:esk etamine",
        "level-of-care:outpatient",
        "therapy:esketamine-",
    ],
)
def test_topic_not_written_as_scheme_and_code_is_rejected(topic):
    messages = errors_of(ArticleInput(), valid_article(topics=["therapy:esketamine", topic]))
    assert messages == {"topics": {1: [TOPIC_MESSAGE]}}


@pytest.mark.parametrize("url", ["ftp://example.org/paper.pdf", "not a url", "javascript:alert(1)"])
def test_citation_url_must_be_a_web_address(url):
    citations = [{"title": "A trial", "source": "NEJM", "url": url}]
    assert errors_of(ArticleInput(), valid_article(citations=citations)) == {
        "citations": {0: {"url": [URL_MESSAGE]}}
    }


def test_citation_url_is_optional_and_kept_when_valid():
    citations = [
        {"title": "Esketamine trial", "source": "NEJM", "url": "https://www.nejm.org/doi/full/10.1056/x"},
        {"title": "Clinic guide", "source": "APA"},
    ]
    loaded = ArticleInput().load(valid_article(citations=citations))
    assert [citation["url"] for citation in loaded["citations"]] == [citations[0]["url"], None]


@pytest.mark.parametrize(
    ("faq", "message"),
    [
        ({"answer": "Usually not."}, REQUIRED),
        ({"question": None, "answer": "Usually not."}, NOT_NULL),
        ({"question": "   ", "answer": "Usually not."}, "Length must be between 1 and 500."),
    ],
    ids=["missing", "null", "blank"],
)
def test_faq_question_is_required(faq, message):
    assert errors_of(ArticleInput(), valid_article(faqs=[faq])) == {"faqs": {0: {"question": [message]}}}


def test_faq_answer_is_required():
    assert errors_of(FAQSchema(), {"question": "Does it hurt?"}) == {"answer": [REQUIRED]}


# --- taxonomy -------------------------------------------------------------------------------


def test_duplicate_term_codes_are_rejected_and_listed_once_each_in_order():
    terms = [term("tms"), term("ect"), term("tms"), term("cbt"), term("ect"), term("tms")]
    assert errors_of(SchemeInput(), scheme(terms=terms)) == {"terms": ["Duplicate term codes: ect, tms."]}


def test_parent_that_is_not_a_term_of_the_scheme_is_rejected():
    terms = [term("psilocybin", parent="psychedelics"), term("mdma", parent="entactogens"), term("tms")]
    assert errors_of(SchemeInput(), scheme(terms=terms)) == {
        "terms": ["Unknown parent terms: entactogens, psychedelics."]
    }


def test_parent_from_another_scheme_is_unknown():
    vocabulary = {
        "schemes": [
            scheme("condition", [term("depression")]),
            scheme("therapy", [term("tms", parent="depression")]),
        ]
    }
    assert errors_of(VocabularyInput(), vocabulary) == {
        "schemes": {1: {"terms": ["Unknown parent terms: depression."]}}
    }


def test_parent_in_the_same_scheme_is_accepted_in_any_order():
    terms = [
        term("psilocybin-assisted-therapy", parent="psychedelic-assisted-therapy"),
        term("psychedelic-assisted-therapy"),
    ]
    loaded = SchemeInput().load(scheme(terms=terms))
    assert [t["parent"] for t in loaded["terms"]] == ["psychedelic-assisted-therapy", None]


@pytest.mark.parametrize("code", ["therapy", "level_of_care", "age_group"])
def test_lowercase_underscored_scheme_code_is_accepted(code):
    assert SchemeInput().load(scheme(code))["code"] == code


@pytest.mark.parametrize(
    "code",
    ["Level_of_care", "level-of-care", "level__of_care", "_care", "care_", "care1", "age group", "LEVEL"],
)
def test_scheme_code_must_be_lowercase_words_joined_by_underscores(code):
    messages = errors_of(VocabularyInput(), {"schemes": [scheme(code, label="Level of care")]})
    assert messages == {"schemes": {0: {"code": [SCHEME_CODE_MESSAGE]}}}


def test_empty_scheme_code_is_rejected_for_length_and_format():
    messages = errors_of(SchemeInput(), scheme("", label="Nothing"))
    assert messages == {"code": ["Length must be between 1 and 40.", SCHEME_CODE_MESSAGE]}


def test_scheme_code_over_forty_characters_is_rejected():
    messages = errors_of(SchemeInput(), scheme("a" * 41))
    assert messages == {"code": ["Length must be between 1 and 40."]}


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"schemes": []}, {"schemes": ["Shorter than minimum length 1."]}),
        ({}, {"schemes": [REQUIRED]}),
        ({"schemes": [scheme(terms=[])]}, {"schemes": {0: {"terms": ["Shorter than minimum length 1."]}}}),
    ],
    ids=["no-schemes", "schemes-missing", "scheme-without-terms"],
)
def test_vocabulary_needs_schemes_and_schemes_need_terms(data, path):
    assert errors_of(VocabularyInput(), data) == path


@pytest.mark.parametrize("code", ["Esketamine", "tms_therapy", "a" * 81])
def test_term_code_is_a_slug_of_at_most_eighty_characters(code):
    messages = errors_of(TermInput(), term(code))
    expected = "Length must be between 1 and 80." if len(code) > 80 else SLUG_MESSAGE
    assert messages == {"code": [expected]}


@pytest.fixture(scope="module")
def vocabulary() -> dict[str, Any]:
    """The real vocabulary file, loaded through the schema."""
    return VocabularyInput().load(json.loads(TAXONOMY_FILE.read_text(encoding="utf-8")))


def term_codes(vocabulary: dict[str, Any], scheme_code: str) -> dict[str, str | None]:
    """Term code → parent code for one scheme of ``vocabulary``."""
    [found] = [s for s in vocabulary["schemes"] if s["code"] == scheme_code]
    return {t["code"]: t["parent"] for t in found["terms"]}


def test_real_taxonomy_file_has_the_expected_schemes(vocabulary):
    codes = [s["code"] for s in vocabulary["schemes"]]
    expected = {
        "therapy",
        "route",
        "condition",
        "level_of_care",
        "payment",
        "insurance",
        "age_group",
        "language",
        "program",
    }
    assert expected <= set(codes)
    assert len(codes) == len(set(codes))


def test_real_taxonomy_file_has_the_therapies_with_psychedelic_parents(vocabulary):
    therapy = term_codes(vocabulary, "therapy")
    expected = {
        "ketamine-assisted-therapy",
        "esketamine",
        "psychedelic-assisted-therapy",
        "psilocybin-assisted-therapy",
        "mdma-assisted-therapy",
        "depression-rehab",
        "tms",
        "ect",
        "cbt",
        "dbt",
        "emdr",
    }
    assert expected <= set(therapy)
    assert therapy["psilocybin-assisted-therapy"] == "psychedelic-assisted-therapy"
    assert therapy["mdma-assisted-therapy"] == "psychedelic-assisted-therapy"
    assert therapy["psychedelic-assisted-therapy"] is None
    assert therapy["esketamine"] is None


def test_real_taxonomy_file_has_the_routes(vocabulary):
    assert {"iv-infusion", "intramuscular", "oral-sublingual", "nasal-spray"} <= set(
        term_codes(vocabulary, "route")
    )


def test_phone_exchange_code_must_not_start_with_zero_or_one():
    assert errors_of(PhoneSchema(), {"number": "(801) 055-0134"}) == {
        "number": ["Must be a US phone number with area code, such as '(801) 555-0134'."]
    }


@pytest.mark.parametrize(
    ("terms", "looping"),
    [
        ([{"code": "a", "label": "A", "parent": "a"}], "a"),
        (
            [
                {"code": "a", "label": "A", "parent": "b"},
                {"code": "b", "label": "B", "parent": "a"},
                {"code": "c", "label": "C", "parent": "a"},
            ],
            "a, b",
        ),
    ],
)
def test_taxonomy_parent_loops_are_rejected(terms, looping):
    assert errors_of(SchemeInput(), {"code": "x", "label": "X", "terms": terms}) == {
        "terms": [f"Parent loops through terms: {looping}."]
    }


def test_year_opened_may_be_this_year_but_not_next():
    this_year = date.today().year
    assert CenterInput().load(valid_center(year_opened=this_year))["year_opened"] == this_year
    assert errors_of(CenterInput(), valid_center(year_opened=this_year + 1)) == {
        "year_opened": [f"Must be a year from 1800 to {this_year}."]
    }

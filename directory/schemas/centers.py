"""Center representations: what the loader, the API and staff forms accept, and what they return."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from directory.models.centers import ListingStatus
from directory.models.locations import PhoneType
from directory.models.verification import VerificationStatus
from directory.schemas.fields import (
    EmailAddress,
    PhoneNumber,
    SafeString,
    Slug,
    StateCode,
    WebAddress,
    ZipCode,
    text,
)

#: Scheme code → term codes, e.g. ``{"therapy": ["esketamine"]}``; codes are checked against the taxonomy.
TermsField = fields.Dict(
    keys=SafeString(validate=validate.Length(min=1, max=40)),
    values=fields.List(Slug(max_length=80), validate=validate.Length(max=60)),
    load_default=dict,
)


def _check_year(year: int) -> None:
    """Accept a year from 1800 to the current year (read at validation time)."""
    this_year = date.today().year
    if not 1800 <= year <= this_year:
        raise ValidationError(f"Must be a year from 1800 to {this_year}.")


def optional_bool() -> fields.Boolean:
    """Return a yes/no/unknown field."""
    return fields.Boolean(allow_none=True, load_default=None)


class PhoneSchema(Schema):
    """A phone number with its kind."""

    class Meta:
        unknown = RAISE

    number = PhoneNumber(required=True)
    type = fields.Enum(PhoneType, by_value=True, load_default=PhoneType.VOICE)
    extension = text(10, allow_none=True, load_default=None)
    description = text(500, allow_none=True, load_default=None)


class LocationSchema(Schema):
    """A street address with its coordinates."""

    class Meta:
        unknown = RAISE

    name = text(200, allow_none=True, load_default=None)
    address_1 = text(200, required=True)
    address_2 = text(200, allow_none=True, load_default=None)
    city = text(100, required=True)
    state = StateCode(required=True)
    postal_code = ZipCode(required=True)
    country = fields.String(
        load_default="US", validate=validate.OneOf(["US"], error="Only US addresses are listed.")
    )
    latitude = fields.Float(
        allow_none=True, load_default=None, validate=validate.Range(-90, 90), allow_nan=False
    )
    longitude = fields.Float(
        allow_none=True, load_default=None, validate=validate.Range(-180, 180), allow_nan=False
    )

    @validates_schema
    def _coordinates_together(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise ValidationError("Give both latitude and longitude, or neither.", "latitude")


class CenterInput(Schema):
    """A center as written by the loader, importers, the API and staff forms."""

    class Meta:
        unknown = RAISE

    slug = Slug(required=True)
    name = text(200, required=True)
    description = text(5000, load_default="")
    website = WebAddress(allow_none=True, load_default=None)
    email = EmailAddress(allow_none=True, load_default=None)
    phones = fields.List(fields.Nested(PhoneSchema), load_default=list, validate=validate.Length(max=10))
    locations = fields.List(
        fields.Nested(LocationSchema),
        required=True,
        validate=validate.Length(min=1, max=20, error="Give between {min} and {max} locations."),
    )
    service_area_states = fields.List(StateCode(), load_default=list)
    status = fields.Enum(ListingStatus, by_value=True, load_default=ListingStatus.DRAFT)
    accepting_new_clients = optional_bool()

    cash_price_min = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(0, 1_000_000))
    cash_price_max = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(0, 1_000_000))
    sliding_scale = optional_bool()
    payment_assistance = optional_bool()
    price_notes = text(2000, allow_none=True, load_default=None)

    spravato_rems_certified = optional_bool()
    offers_in_clinic = optional_bool()
    offers_at_home = optional_bool()
    session_monitoring = text(2000, allow_none=True, load_default=None)
    private_treatment_room = optional_bool()
    support_person_allowed = optional_bool()
    integration_therapy = optional_bool()
    year_opened = fields.Integer(allow_none=True, load_default=None, validate=_check_year)

    terms = TermsField

    verification_status = fields.Enum(
        VerificationStatus, by_value=True, load_default=VerificationStatus.UNVERIFIED
    )
    verified_at = fields.AwareDateTime(allow_none=True, load_default=None)
    verified_by = text(200, allow_none=True, load_default=None)
    reverify_due_on = fields.Date(allow_none=True, load_default=None)
    license_number = text(60, allow_none=True, load_default=None)
    license_state = StateCode(allow_none=True, load_default=None)
    verification_notes = text(5000, allow_none=True, load_default=None)

    is_advertiser = fields.Boolean(load_default=False)
    advertiser_starts_on = fields.Date(allow_none=True, load_default=None)
    advertiser_ends_on = fields.Date(allow_none=True, load_default=None)

    source = text(40, allow_none=True, load_default=None)
    source_edition = text(20, allow_none=True, load_default=None)
    external_key = text(400, allow_none=True, load_default=None)
    source_codes = fields.List(
        SafeString(validate=validate.Length(min=1, max=20)), allow_none=True, load_default=None
    )

    @validates_schema
    def _consistent(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        low, high = data.get("cash_price_min"), data.get("cash_price_max")
        if low is not None and high is not None and low > high:
            errors["cash_price_max"] = ["Must not be lower than cash_price_min."]
        status = data.get("verification_status")
        if data.get("is_advertiser") and status != VerificationStatus.VERIFIED:
            errors["is_advertiser"] = ["Only a verified center can be an advertiser."]
        if status == VerificationStatus.VERIFIED and data.get("verified_at") is None:
            errors["verified_at"] = ["Required when the center is verified."]
        starts, ends = data.get("advertiser_starts_on"), data.get("advertiser_ends_on")
        if starts and ends and ends < starts:
            errors["advertiser_ends_on"] = ["Must not be before advertiser_starts_on."]
        if errors:
            raise ValidationError(errors)


class PhoneOutput(Schema):
    """A phone number as shown."""

    number = fields.String()
    type = fields.Enum(PhoneType, by_value=True)
    extension = fields.String(allow_none=True)
    description = fields.String(allow_none=True)


class LocationOutput(Schema):
    """An address as shown."""

    name = fields.String(allow_none=True)
    address_1 = fields.String()
    address_2 = fields.String(allow_none=True)
    city = fields.String()
    state = fields.String()
    postal_code = fields.String()
    country = fields.String()
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)


class CenterOutput(Schema):
    """A center as the API and exports return it."""

    id = fields.UUID()
    slug = fields.String()
    name = fields.String()
    description = fields.String()
    website = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phones = fields.List(fields.Nested(PhoneOutput))
    locations = fields.List(fields.Nested(LocationOutput))
    service_area_states = fields.Method("_service_area_states")
    status = fields.Enum(ListingStatus, by_value=True)
    accepting_new_clients = fields.Boolean(allow_none=True)
    cash_price_min = fields.Integer(allow_none=True)
    cash_price_max = fields.Integer(allow_none=True)
    sliding_scale = fields.Boolean(allow_none=True)
    payment_assistance = fields.Boolean(allow_none=True)
    price_notes = fields.String(allow_none=True)
    spravato_rems_certified = fields.Boolean(allow_none=True)
    offers_in_clinic = fields.Boolean(allow_none=True)
    offers_at_home = fields.Boolean(allow_none=True)
    session_monitoring = fields.String(allow_none=True)
    private_treatment_room = fields.Boolean(allow_none=True)
    support_person_allowed = fields.Boolean(allow_none=True)
    integration_therapy = fields.Boolean(allow_none=True)
    year_opened = fields.Integer(allow_none=True)
    terms = fields.Method("_terms")
    verification_status = fields.Enum(VerificationStatus, by_value=True)
    verified_at = fields.AwareDateTime(allow_none=True)
    verified_by = fields.String(allow_none=True)
    reverify_due_on = fields.Date(allow_none=True)
    license_number = fields.String(allow_none=True)
    license_state = fields.String(allow_none=True)
    verification_notes = fields.String(allow_none=True)
    is_advertiser = fields.Boolean()
    advertiser_starts_on = fields.Date(allow_none=True)
    advertiser_ends_on = fields.Date(allow_none=True)
    source = fields.String(allow_none=True)
    source_edition = fields.String(allow_none=True)
    external_key = fields.String(allow_none=True)
    source_codes = fields.List(fields.String(), allow_none=True)
    missing_from_source_since = fields.Date(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()

    def _service_area_states(self, center: Any) -> list[str]:
        return [area.state for area in center.service_areas]

    def _terms(self, center: Any) -> dict[str, list[str]]:
        return center.term_codes()

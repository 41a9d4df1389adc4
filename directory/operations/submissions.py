"""Listing a center through the public form: a pending, unverified listing that staff review.

The listing stays out of public search (only ``published`` listings are public) until a staff
member publishes it. The submitter's name and e-mail are kept in a ``ListingSubmission`` row,
apart from the listing and out of the append-only audit trail, so that they are never published
and are deleted with a rejected listing.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.models import (
    Center,
    ListingStatus,
    ListingSubmission,
    Location,
    Phone,
    TaxonomyTerm,
    User,
    VerificationStatus,
)
from directory.operations.audit import record_event
from directory.operations.centers import jsonable
from directory.operations.errors import OperationError
from directory.operations.taxonomy import TermIndex
from directory.schemas.fields import (
    EmailAddress,
    PhoneNumber,
    SafeString,
    Slug,
    StateCode,
    WebAddress,
    ZipCode,
)
from directory.schemas.geography import US_STATES
from search_index.geo import zip_centroid, zip_state
from search_index.schema import slugify

#: ``centers.source`` of listings that came through the public form.
SUBMISSION_SOURCE = "submission"
#: The vocabulary schemes the form offers, by input field (the terms themselves come from the database).
TERM_FIELDS = {"therapies": "therapy", "levels_of_care": "level_of_care"}
#: Input fields about the person who sent the form: stored for staff only, never in the audit trail.
PRIVATE_FIELDS = frozenset({"contact_name", "contact_email", "represents_center"})
#: Input fields stored on the ``ListingSubmission`` for staff, not on the listing.
SUBMISSION_FIELDS = frozenset({"therapy_proof"})
#: Markup tags typed into a name: kept in the name as typed, left out of its slug.
_TAG = re.compile(r"<[^<>]*>")


def _required(message: str) -> dict[str, str]:
    """Return error messages that say what a person must do when a required field is empty."""
    return {"required": message, "null": message}


def too_long(max_length: int) -> validate.Length:
    """Return a length limit whose message says what to do ("Use at most 200 characters.")."""
    return validate.Length(max=max_length, error="Use at most {max} characters.")


def _text(max_length: int, *, required_message: str | None = None, **kwargs: Any) -> SafeString:
    """Return a trimmed text field of at most ``max_length`` characters, required with a message."""
    if required_message is not None:
        kwargs.update(required=True, error_messages=_required(required_message))
        validators = [validate.Length(min=1, error=required_message), too_long(max_length)]
    else:
        validators = [too_long(max_length)]
    return SafeString(validate=validators, **kwargs)


def _limited(field: fields.Field, max_length: int) -> fields.Field:
    """Return ``field`` with its length limit (if any) saying what to do, or with one added."""
    others = [v for v in field.validators if not isinstance(v, validate.Length)]
    field.validators = [*others, too_long(max_length)]
    return field


class ListingSubmissionInput(Schema):
    """A center as the public "list your center" form sends it (blank optional fields left out)."""

    class Meta:
        unknown = RAISE

    name = _text(200, required_message="Enter the center's name.")
    description = _text(5000, load_default="")
    website = _limited(WebAddress(allow_none=True, load_default=None), 500)
    email = _limited(EmailAddress(allow_none=True, load_default=None), 254)
    phone = _limited(
        PhoneNumber(required=True, error_messages=_required("Enter the center's phone number.")), 32
    )
    address_1 = _text(200, required_message="Enter the street address.")
    address_2 = _text(200, allow_none=True, load_default=None)
    city = _text(100, required_message="Enter the city.")
    state = StateCode(
        required=True,
        error_messages={**_required("Choose the state."), "state": "Choose the state from the list."},
    )
    postal_code = _limited(ZipCode(required=True, error_messages=_required("Enter the ZIP code.")), 10)
    license_number = _text(
        60, required_message="Enter the center's license number, as it appears on the license."
    )
    license_state = StateCode(
        required=True,
        error_messages={
            **_required("Choose the state that issued the license."),
            "state": "Choose the state that issued the license from the list.",
        },
    )
    therapy_proof = _text(
        1000,
        required_message="Tell us how we can confirm the center offers these therapies: "
        "a web page that says so, or a short note.",
    )
    therapies = fields.List(
        Slug(max_length=80),
        required=True,
        validate=validate.Length(min=1, max=60, error="Choose at least one therapy the center offers."),
        error_messages=_required("Choose at least one therapy the center offers."),
    )
    levels_of_care = fields.List(Slug(max_length=80), load_default=list, validate=validate.Length(max=60))
    #: True, False, or None for "not sure".
    accepting_new_clients = fields.Boolean(
        allow_none=True, load_default=None, error_messages={"invalid": "Choose Yes, No or Not sure."}
    )
    contact_name = _text(200, required_message="Enter your name.")
    contact_email = _limited(
        EmailAddress(required=True, error_messages=_required("Enter your e-mail address.")), 254
    )
    represents_center = fields.Boolean(
        required=True,
        validate=validate.Equal(True, error="Confirm that you represent this center."),
        error_messages=_required("Confirm that you represent this center."),
    )

    @validates_schema(skip_on_field_errors=False)
    def _zip_in_state(self, data: Mapping[str, Any], **_kwargs: Any) -> None:
        """Refuse a ZIP code that belongs to another state; a ZIP the data does not know passes.

        The ZIP list (the ``zipcodes`` package) can lag behind new ZIP codes, and staff review
        every listing before it is published, so an unknown ZIP is no reason to turn a center away.
        """
        zip5, state = data.get("postal_code"), data.get("state")
        if not zip5 or not state:
            return
        actual = zip_state(zip5)
        if actual is not None and actual != state:
            raise ValidationError(
                f"The ZIP code {zip5} is in {US_STATES.get(actual, actual)}, not in "
                f"{US_STATES.get(state, state)}. Check the ZIP code, or choose its state.",
                field_name="postal_code",
            )


def term_choices(session: Session, scheme: str) -> list[tuple[str, str]]:
    """Return ``(code, label)`` of every term of ``scheme``, in the vocabulary's order."""
    rows = session.execute(
        select(TaxonomyTerm.code, TaxonomyTerm.label)
        .where(TaxonomyTerm.scheme == scheme)
        .order_by(TaxonomyTerm.position, TaxonomyTerm.code)
    )
    return [(code, label) for code, label in rows]


def choose_slug(session: Session, name: str, city: str, state: str) -> str:
    """Return a slug from the name and place that no listing has yet.

    Markup tags typed into the name (``<b>Calm</b> Clinic``) are left out, so the slug reads
    ``calm-clinic-...``; :func:`slugify` keeps only lowercase letters, digits and hyphens.
    """
    base = slugify(f"{_TAG.sub(' ', name)} {city} {state}")[:100].strip("-") or "listing"
    slug = base
    while session.scalar(select(Center.id).where(Center.slug == slug)) is not None:
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug


def create_pending_listing(session: Session, data: Mapping[str, Any], *, actor: User | str) -> Center:
    """Create a pending, unverified listing from ``ListingSubmissionInput().load`` output; audit it.

    Raises :class:`OperationError` (field errors keyed like the input) for an unknown term code.
    Flushes, never commits.
    """
    terms = _resolve_terms(session, data)
    postal_code = data["postal_code"]
    latitude, longitude = zip_centroid(postal_code) or (None, None)
    center = Center(
        slug=choose_slug(session, data["name"], data["city"], data["state"]),
        name=data["name"],
        description=data.get("description") or "",
        website=data.get("website"),
        email=data.get("email"),
        status=ListingStatus.PENDING,
        verification_status=VerificationStatus.UNVERIFIED,
        accepting_new_clients=data.get("accepting_new_clients"),
        license_number=data.get("license_number"),
        license_state=data.get("license_state"),
        source=SUBMISSION_SOURCE,
    )
    center.locations = [
        Location(
            position=0,
            address_1=data["address_1"],
            address_2=data.get("address_2"),
            city=data["city"],
            state=data["state"],
            postal_code=postal_code,
            latitude=latitude,
            longitude=longitude,
        )
    ]
    center.phones = [Phone(position=0, number=data["phone"])]
    center.terms = terms
    session.add(center)
    contact = ListingSubmission(
        contact_name=data["contact_name"],
        contact_email=data["contact_email"],
        therapy_proof=data.get("therapy_proof"),
    )
    contact.center = center
    session.add(contact)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="center.submitted",
        record_type="center",
        record_id=center.id,
        after=_listing_values(center, data),
        reason="Listed through the public form by someone who confirmed they represent the center; "
        "pending staff review.",
    )
    return center


def _resolve_terms(session: Session, data: Mapping[str, Any]) -> list[TaxonomyTerm]:
    """Resolve the chosen codes; report unknown ones under the input field that named them."""
    index = TermIndex.load(session)
    terms: list[TaxonomyTerm] = []
    errors: dict[str, object] = {}
    for field_name, scheme in TERM_FIELDS.items():
        codes = data.get(field_name) or []
        if not codes:
            continue
        try:
            terms.extend(index.resolve({scheme: codes}))
        except OperationError as error:
            nested = error.field_errors.get("terms", {})
            errors[field_name] = nested.get(scheme, [error.message]) if isinstance(nested, dict) else nested
    if errors:
        raise OperationError("Unknown taxonomy terms.", errors)
    return terms


def _listing_values(center: Center, data: Mapping[str, Any]) -> dict[str, Any]:
    """Return what the audit event records: the listing as submitted, without the person behind it."""
    values = {name: value for name, value in data.items() if name not in PRIVATE_FIELDS | SUBMISSION_FIELDS}
    values.update(
        slug=center.slug,
        status=center.status,
        verification_status=center.verification_status,
        source=center.source,
    )
    return jsonable(values)

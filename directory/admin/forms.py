"""The research team's forms: a verification decision, a listing status change, advertising."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, DateField, HiddenField, RadioField, SelectField, ValidationError
from wtforms.validators import URL, DataRequired, InputRequired, Length, Optional

from directory.auth.forms import StaffForm
from directory.public.forms import (
    UNREADABLE_TEXT,
    CheckboxesField,
    LongTextField,
    TextField,
    WebAddressField,
    choices,
    unreadable,
)
from directory.schemas.fields import check_safe_text
from directory.schemas.geography import US_STATES

REASON_MAX = 2000
DATE_MESSAGE = "Enter a date as YYYY-MM-DD, for example 2027-01-31."


def safe_text(_form: Any, field: Any) -> None:
    """Refuse text that the databases or the page cannot hold (NUL, lone surrogates, bad bytes)."""
    value = field.data or ""
    if unreadable(value):
        raise ValidationError(UNREADABLE_TEXT)
    try:
        check_safe_text(value)
    except Exception as error:  # marshmallow's ValidationError carries a list of messages
        raise ValidationError(" ".join(getattr(error, "messages", [str(error)]))) from None


def _reason(label: str, required: bool) -> LongTextField:
    checks: list[Any] = [DataRequired("Give a reason.")] if required else [Optional()]
    return LongTextField(label, validators=[*checks, Length(max=REASON_MAX), safe_text])


#: The decisions a person makes (expiry is the daily job's), as (value, label).
DECISIONS = {
    "verify": "Verify: everything needed was confirmed",
    "request_info": "Ask the center for more information",
    "reject": "Reject: the listing could not be confirmed",
    "revoke": "Revoke the current verification",
}


class DayField(DateField):
    """A date input whose parse error says which format to use."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Parse YYYY-MM-DD, naming the format when the value is not one."""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(DATE_MESSAGE) from None


class VerificationForm(StaffForm):
    """A verification decision and what was checked for it."""

    decision = RadioField(
        "Decision", choices=choices(DECISIONS.items()), validators=[InputRequired("Choose a decision.")]
    )
    license_number = TextField("License number", validators=[Optional(), Length(max=60), safe_text])
    license_state = SelectField(
        "License state",
        choices=choices([("", "Choose a state…"), *sorted(US_STATES.items(), key=lambda item: item[1])]),
        validators=[Optional()],
    )
    accreditations = CheckboxesField("Accreditation bodies confirmed")
    therapies_confirmed = CheckboxesField("Therapies and routes confirmed")
    rems_confirmed = BooleanField("Esketamine (Spravato) REMS certification confirmed")
    website_confirmed = BooleanField("Website confirmed")
    phone_confirmed = BooleanField("Phone number confirmed (someone answered)")
    tour_confirmed = BooleanField("Virtual tour or photos of the premises confirmed")
    evidence_note = LongTextField(
        "Evidence: what you checked and how", validators=[Length(max=4000), safe_text]
    )
    evidence_url = WebAddressField(
        "Evidence link",
        validators=[
            Optional(),
            Length(max=500),
            URL(message="Enter a full web address (https://…)."),
            safe_text,
        ],
    )
    reason = _reason("Reason (required to ask for information, reject or revoke)", required=False)
    resolve_flags = BooleanField("Mark the specialists' open flags on this listing as checked", default=True)


class StatusForm(StaffForm):
    """A listing status transition (publish, unpublish, close, reopen) with an optional reason."""

    transition = HiddenField(validators=[DataRequired("Choose an action.")])
    reason = _reason("Reason", required=False)


class EndAdvertisingForm(StaffForm):
    """Ending advertising before its end date."""

    reason = _reason("Why does advertising end early?", required=True)


class AdvertiserForm(StaffForm):
    """Marking a verified listing as an advertiser."""

    slug = TextField(
        "Listing (its address name, as in /centers/address-name)",
        validators=[DataRequired("Name the listing."), Length(max=120), safe_text],
    )
    starts_on = DayField("Start date", validators=[InputRequired(DATE_MESSAGE)])
    ends_on = DayField("End date", validators=[InputRequired(DATE_MESSAGE)])
    contract_ref = TextField(
        "Contract reference",
        validators=[DataRequired("Give the contract reference."), Length(max=100), safe_text],
    )

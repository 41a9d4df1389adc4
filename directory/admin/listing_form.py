"""The listing edit form: every field the public sees, judged by ``listing_edit_schema()``.

WTForms renders the controls, keeps what was typed and checks the CSRF token; the marshmallow schema
says what is valid, and its messages are attached to the control they concern (a phone or a
location row's own fields too). Phones and locations are rows: the existing ones plus one blank row
to add another; a row left wholly blank is dropped. Taxonomy terms are one group of checkboxes per
scheme, built from the vocabulary in the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import SimpleNamespace
from typing import Any

from flask_wtf import FlaskForm
from marshmallow import ValidationError
from wtforms import FieldList, Form, FormField, RadioField, SelectField

from directory.models import Center, PhoneType, Taxonomy
from directory.operations.listing_edits import listing_edit_schema
from directory.public.forms import (
    UNREADABLE_TEXT,
    CheckboxesField,
    EmailInputField,
    LongTextField,
    PhoneField,
    Required,
    TextField,
    WebAddressField,
    _flatten,
    choices,
    unreadable,
)
from directory.schemas.geography import US_STATES

#: Yes / No / Not known, as the schema's True / False / None.
YES_NO = choices([("yes", "Yes"), ("no", "No"), ("unknown", "Not known")])
_ANSWERS = {"yes": True, "no": False, "unknown": None}
_AS_ANSWER = {True: "yes", False: "no", None: "unknown"}
STATE_CHOICES = choices([("", "Choose a state"), *sorted(US_STATES.items(), key=lambda item: item[1])])
#: What a person reads instead of marshmallow's "Missing data for required field."
REQUIRED = {
    "name": "Enter the center's name.",
    "address_1": "Enter the street address.",
    "city": "Enter the city.",
    "state": "Choose the state.",
    "postal_code": "Enter the ZIP code.",
    "number": "Enter the phone number.",
}
#: The yes/no/not-known questions, in the order the form asks them.
QUESTIONS = (
    ("accepting_new_clients", "Accepting new clients?"),
    ("sliding_scale", "Sliding-scale fees?"),
    ("payment_assistance", "Payment assistance?"),
    ("spravato_rems_certified", "REMS-certified for Spravato (esketamine)?"),
    ("offers_in_clinic", "Treatment in the clinic?"),
    ("offers_at_home", "Treatment at home?"),
    ("private_treatment_room", "Private treatment room?"),
    ("support_person_allowed", "A support person may stay?"),
    ("integration_therapy", "Integration therapy offered?"),
)
#: Plain text inputs: passed to the schema as typed, blank as None (``description`` blank as "").
TEXTS = ("name", "description", "website", "email", "price_notes", "session_monitoring")
NUMBERS = ("cash_price_min", "cash_price_max", "year_opened")
TERM_PREFIX = "terms_"
LOCATION_OPTIONAL = ("name", "address_2", "latitude", "longitude")


class PhoneRow(Form):
    """One phone number of the listing."""

    number = PhoneField("Number", [Required()])
    type = SelectField(
        "Kind",
        choices=choices([(kind.value, kind.value.title()) for kind in PhoneType]),
        validate_choice=False,
    )
    extension = TextField("Extension")
    description = TextField("What it is for")


class LocationRow(Form):
    """One address of the listing."""

    name = TextField("Location name")
    address_1 = TextField("Street address", [Required()])
    address_2 = TextField("Suite, floor or building")
    city = TextField("City", [Required()])
    state = SelectField("State", [Required()], choices=STATE_CHOICES, validate_choice=False)
    postal_code = TextField("ZIP code", [Required()])
    latitude = TextField("Latitude")
    longitude = TextField("Longitude")


class ListingEditForm(FlaskForm):
    """The research team's edit form for one listing."""

    name = TextField("Center name", [Required()])
    description = LongTextField("Description", render_kw={"rows": 8})
    website = WebAddressField("Website", render_kw={"spellcheck": "false"})
    email = EmailInputField("E-mail address", render_kw={"spellcheck": "false"})
    phones = FieldList(FormField(PhoneRow), min_entries=1)
    locations = FieldList(FormField(LocationRow), min_entries=1)
    service_area_states = TextField("Telehealth service areas")
    cash_price_min = TextField("Lowest cash price (US$)", render_kw={"inputmode": "numeric"})
    cash_price_max = TextField("Highest cash price (US$)", render_kw={"inputmode": "numeric"})
    price_notes = LongTextField("Price and payment notes", render_kw={"rows": 3})
    session_monitoring = LongTextField("How sessions are monitored", render_kw={"rows": 3})
    year_opened = TextField("Year opened", render_kw={"inputmode": "numeric"})
    reason = TextField("Why (for the audit trail)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The schema's output once :meth:`validate` passed.
        self.cleaned: dict[str, Any] = {}
        #: Which form row each phone and location the schema saw came from.
        self._rows: dict[str, list[int]] = {"phones": [], "locations": []}

    # Building the form -------------------------------------------------------------------------

    @classmethod
    def for_vocabulary(cls, schemes: Sequence[Taxonomy]) -> type[ListingEditForm]:
        """Return a form class with a yes/no question per :data:`QUESTIONS` and checkboxes per scheme."""
        attributes: dict[str, Any] = {
            name: RadioField(label, choices=YES_NO, default="unknown", validate_choice=False)
            for name, label in QUESTIONS
        }
        for scheme in schemes:
            attributes[TERM_PREFIX + scheme.code] = CheckboxesField(scheme.label)
        form_class = type("ListingEditFormWithTerms", (cls,), attributes)
        form_class.schemes = [(scheme.code, [(t.code, t.label) for t in scheme.terms]) for scheme in schemes]
        return form_class

    schemes: list[tuple[str, list[tuple[str, str]]]] = []

    def offer_terms(self) -> None:
        """Give each scheme's checkboxes its terms."""
        for code, terms in self.schemes:
            self[TERM_PREFIX + code].choices = choices(terms)

    def fill_from(self, center: Center) -> None:
        """Show the listing's current values (for the first GET), with one blank phone and location row."""
        for name in (*TEXTS, *NUMBERS):
            value = getattr(center, name)
            self[name].data = "" if value is None else str(value)
        for name, _label in QUESTIONS:
            self[name].data = _AS_ANSWER[getattr(center, name)]
        self.service_area_states.data = ", ".join(area.state for area in center.service_areas)
        _fill_rows(self.phones, [_phone_values(phone) for phone in center.phones])
        _fill_rows(self.locations, [_location_values(location) for location in center.locations])
        codes = center.term_codes()
        for code, _terms in self.schemes:
            self[TERM_PREFIX + code].data = codes.get(code, [])

    def term_fields(self) -> list[Any]:
        """Return the checkbox groups, one per scheme, in the vocabulary's order."""
        return [self[TERM_PREFIX + code] for code, _terms in self.schemes]

    def question_fields(self) -> list[Any]:
        """Return the yes/no/not-known questions."""
        return [self[name] for name, _label in QUESTIONS]

    # Reading what was sent -----------------------------------------------------------------------

    def collect(self) -> dict[str, Any]:
        """Return the submitted values in the schema's shape."""
        values: dict[str, Any] = {}
        for name in TEXTS:
            value = (self[name].data or "").strip()
            if value or name != "name":
                values[name] = value or ("" if name == "description" else None)
        for name in NUMBERS:
            values[name] = (self[name].data or "").strip() or None
        for name, _label in QUESTIONS:
            answer = self[name].data
            values[name] = _ANSWERS.get(answer, answer) if answer else None
        states = (self.service_area_states.data or "").replace(",", " ").split()
        values["service_area_states"] = states
        values["phones"] = self._collect_rows("phones", ("type",))
        values["locations"] = self._collect_rows("locations", ("state",))
        values["terms"] = {code: list(self[TERM_PREFIX + code].data or []) for code, _terms in self.schemes}
        return values

    def _collect_rows(self, name: str, defaults: tuple[str, ...]) -> list[dict[str, Any]]:
        """Return the rows that were filled in (fields given only by a default do not count)."""
        rows = []
        self._rows[name] = []
        for index, entry in enumerate(self[name].entries):
            row = {key: (field.data or "").strip() for key, field in entry.form._fields.items()}
            if not any(value for key, value in row.items() if key not in defaults):
                continue
            rows.append({key: value for key, value in row.items() if value} | _nulls(name, row))
            self._rows[name].append(index)
        return rows

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        """Check the CSRF token, then load the values through the schema; attach every message."""
        valid = super().validate(extra_validators)
        try:
            self.cleaned = listing_edit_schema().load(self.collect())
        except ValidationError as error:
            self.cleaned = {}
            self.add_errors(error.messages)
        for field in self._text_controls():
            if isinstance(field.data, str) and not field.errors and unreadable(field.data):
                field.errors.append(UNREADABLE_TEXT)
        return valid and not self.has_errors()

    def _text_controls(self) -> list[Any]:
        controls = [self[name] for name in (*TEXTS, *NUMBERS, "service_area_states", "reason")]
        for name in ("phones", "locations"):
            controls += [field for entry in self[name].entries for field in entry.form]
        return controls

    def add_errors(self, messages: Mapping[str, Any] | list[Any] | str) -> None:
        """Attach messages keyed like the schema's input (rows by index) to their controls."""
        if not isinstance(messages, Mapping):
            self.form_errors.extend(_flatten(messages))
            return
        for name, field_messages in messages.items():
            if name in self._rows and isinstance(field_messages, Mapping):
                self._add_row_errors(name, field_messages)
            elif name == "terms" and isinstance(field_messages, Mapping):
                for scheme, scheme_messages in field_messages.items():
                    self._attach(TERM_PREFIX + str(scheme), scheme_messages)
            else:
                self._attach(str(name), field_messages)

    def _add_row_errors(self, name: str, messages: Mapping[Any, Any]) -> None:
        rows = self._rows[name]
        for index, row_messages in messages.items():
            if not isinstance(index, int) or index >= len(rows) or not isinstance(row_messages, Mapping):
                self._attach(name, row_messages)
                continue
            entry = self[name].entries[rows[index]].form
            for key, field_messages in row_messages.items():
                target = entry._fields.get(str(key))
                if target is None:
                    self._attach(name, field_messages)
                else:
                    _extend(target, _readable(str(key), field_messages))

    def _attach(self, name: str, messages: Any) -> None:
        target = self._fields.get(name)
        if target is None or isinstance(target, FieldList):
            prefix = f"{name.replace('_', ' ').capitalize()}: "
            self.form_errors.extend(prefix + message for message in _flatten(messages))
        else:
            _extend(target, _readable(name, messages))

    def has_errors(self) -> bool:
        """Return whether any control, or the form as a whole, has a message."""
        return bool(self.form_errors) or any(field.errors for field in self._all_controls())

    def _all_controls(self) -> list[Any]:
        controls = [field for field in self if not isinstance(field, FieldList)]
        for name in ("phones", "locations"):
            controls += [field for entry in self[name].entries for field in entry.form]
        return controls

    def summary(self) -> list[tuple[str, str, str]]:
        """Return ``(control id, label, message)`` for the error summary, every control included."""
        return [
            (field.id, field.label.text, message)
            for field in self._all_controls()
            if field.type != "CSRFTokenField"
            for message in field.errors
        ]


def _readable(name: str, messages: Any) -> list[str]:
    """Return the messages, with "missing data" said as what to do."""
    flat = _flatten(messages)
    return [
        REQUIRED.get(name, message) if message.startswith("Missing data") else message for message in flat
    ]


def _extend(field: Any, messages: list[str]) -> None:
    if not isinstance(field.errors, list):
        field.errors = list(field.errors)
    field.errors.extend(message for message in messages if message not in field.errors)


def _nulls(name: str, row: Mapping[str, str]) -> dict[str, Any]:
    """Return the optional row fields left blank, as the schema's None."""
    optional = (
        ("extension", "description") if name == "phones" else ("name", "address_2", "latitude", "longitude")
    )
    return {key: None for key in optional if not row.get(key)}


def _fill_rows(rows: FieldList, values: list[dict[str, str]]) -> None:
    """Replace the rows with ``values`` and one blank row."""
    while rows.entries:
        rows.pop_entry()
    for value in [*values, {}]:
        rows.append_entry(SimpleNamespace(**value))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _phone_values(phone: Any) -> dict[str, str]:
    return {
        "number": phone.number,
        "type": phone.type.value,
        "extension": _text(phone.extension),
        "description": _text(phone.description),
    }


def _location_values(location: Any) -> dict[str, str]:
    return {
        name: _text(getattr(location, name))
        for name in (
            "name",
            "address_1",
            "address_2",
            "city",
            "state",
            "postal_code",
            "latitude",
            "longitude",
        )
    }

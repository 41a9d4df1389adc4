"""The public forms: "list your center" and "report incorrect information".

WTForms renders the controls and checks the CSRF token; every rule about the values belongs to the
marshmallow input schema of the operation the form feeds (``ListingSubmissionInput``,
``CorrectionInput``), so a person sees exactly the messages the API and the loaders give. A form
collects its fields into the schema's shape, loads them, and attaches each message to its field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar
from urllib.parse import unquote_to_bytes

from flask_wtf import FlaskForm
from marshmallow import Schema, ValidationError, validate
from wtforms import BooleanField, Field, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.fields import EmailField, TelField, TextAreaField, URLField
from wtforms.widgets import CheckboxInput, ListWidget

try:  # WTForms 3.3 deprecates choices given as tuples
    from wtforms import SelectChoice
except ImportError:  # pragma: no cover - older WTForms
    SelectChoice = None  # type: ignore[assignment,misc]

from directory.models.corrections import CORRECTION_KIND_LABELS
from directory.operations.corrections import CorrectionInput
from directory.operations.submissions import ListingSubmissionInput
from directory.schemas.geography import US_STATES

#: What Werkzeug leaves of percent-encoded bytes that are not UTF-8: the escapes themselves.
_REQUOTED_BYTES = re.compile(r"(?:%[0-9A-F]{2})+")
UNREADABLE_TEXT = "Contains characters that could not be read (not valid UTF-8). Please retype it."
#: Replaces what a page must not echo back: NUL and lone surrogates (which cannot be encoded).
_UNPRINTABLE = re.compile("[\x00\ud800-\udfff]")


def unreadable(value: str) -> bool:
    """Return whether ``value`` shows signs of bytes that were not UTF-8 when they were sent."""
    if "\ufffd" in value:
        return True
    for match in _REQUOTED_BYTES.finditer(value):
        raw = unquote_to_bytes(match.group())
        if max(raw) >= 0x80:
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return True
    return False


def displayable(value: str) -> str:
    """Return ``value`` safe to echo back into a page (NUL and lone surrogates replaced)."""
    return _UNPRINTABLE.sub("\ufffd", value)


def max_lengths(schema: Schema) -> dict[str, int]:
    """Return each schema field's character limit (the smallest ``Length`` maximum it checks)."""
    limits: dict[str, int] = {}
    for name, schema_field in schema.fields.items():
        maxima = [
            v.max for v in schema_field.validators if isinstance(v, validate.Length) and v.max is not None
        ]
        if maxima:
            limits[name] = min(maxima)
    return limits


class Required:
    """Mark a field required for rendering only (the ``required`` attribute); the schema checks it."""

    field_flags: ClassVar[dict[str, bool]] = {"required": True}

    def __call__(self, form: Any, field: Field) -> None:
        """Accept anything: the marshmallow schema gives the message."""


class _Echoes:
    """Render a submitted value back safely, whatever bytes it holds."""

    def _value(self) -> str:
        return displayable(super()._value())  # type: ignore[misc]


class TextField(_Echoes, StringField):
    """A one-line text input."""


class EmailInputField(_Echoes, EmailField):
    """An ``type=email`` input."""


class WebAddressField(_Echoes, URLField):
    """An ``type=url`` input."""


class PhoneField(_Echoes, TelField):
    """An ``type=tel`` input."""


class LongTextField(_Echoes, TextAreaField):
    """A textarea."""


class CheckboxesField(SelectMultipleField):
    """A group of checkboxes; any value is passed on for the schema and the vocabulary to judge."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label: str | None = None, **kwargs: Any) -> None:
        super().__init__(label, validate_choice=False, **kwargs)


def _honeypot() -> TextField:
    """Return the field people never see and bots fill in."""
    return TextField(
        "Leave this empty",
        render_kw={"autocomplete": "off", "tabindex": "-1"},
    )


class PublicForm(FlaskForm):
    """A public form validated by a marshmallow schema, with a honeypot field."""

    #: The schema that judges the collected values.
    schema: ClassVar[type[Schema]]
    #: Fields whose text the schema receives (checked for unreadable bytes as well).
    text_fields: ClassVar[Sequence[str]] = ()

    homepage = _honeypot()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The schema's output once :meth:`validate` passed.
        self.cleaned: dict[str, Any] = {}
        self._set_max_lengths()

    def _set_max_lengths(self) -> None:
        """Give every text input and textarea the ``maxlength`` of its schema field."""
        for name, limit in max_lengths(self.schema()).items():
            target = self._fields.get(name)
            if isinstance(target, (StringField, TextAreaField)):
                target.render_kw = {**(target.render_kw or {}), "maxlength": limit}

    @property
    def is_bot(self) -> bool:
        """Whether the honeypot was filled in."""
        return bool((self.homepage.data or "").strip())

    def collect(self) -> dict[str, Any]:
        """Return the submitted values in the schema's shape; blank text fields are left out."""
        values: dict[str, Any] = {}
        for name in self.text_fields:
            value = self[name].data
            if isinstance(value, str) and value.strip():
                values[name] = value
        return values

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        """Check the CSRF token and choices, then load the values through the schema."""
        valid = super().validate(extra_validators)
        try:
            self.cleaned = self.schema().load(self.collect())
        except ValidationError as error:
            self.cleaned = {}
            self.add_errors(error.messages)
        for name in self.text_fields:
            value = self[name].data
            if isinstance(value, str) and not self[name].errors and unreadable(value):
                self[name].errors.append(UNREADABLE_TEXT)
        return valid and not self.has_errors()

    def add_errors(self, messages: Mapping[str, Any] | list[Any] | str) -> None:
        """Attach messages keyed by input field (as marshmallow and operations give them)."""
        if not isinstance(messages, Mapping):
            self.form_errors.extend(_flatten(messages))
            return
        for name, field_messages in messages.items():
            target = self._fields.get(str(name))
            errors = _flatten(field_messages)
            if target is None:
                self.form_errors.extend(errors)
                continue
            if not isinstance(target.errors, list):
                target.errors = list(target.errors)
            target.errors.extend(message for message in errors if message not in target.errors)

    def has_errors(self) -> bool:
        """Return whether any field, or the form as a whole, has a message."""
        return bool(self.form_errors) or any(field.errors for field in self)


def _flatten(messages: Any) -> list[str]:
    """Return marshmallow's messages (lists, or dicts by list index) as one list of strings."""
    if isinstance(messages, str):
        return [messages]
    if isinstance(messages, Mapping):
        return [message for value in messages.values() for message in _flatten(value)]
    return list(dict.fromkeys(message for value in messages for message in _flatten(value)))


def choices(pairs: Iterable[tuple[str, str]]) -> list[Any]:
    """Return ``(value, label)`` pairs as the choices this WTForms version expects."""
    return [SelectChoice(value, label) if SelectChoice else (value, label) for value, label in pairs]


#: "Yes / No / Not sure" as the schema's True / False / None.
ACCEPTING_CHOICES = choices([("yes", "Yes"), ("no", "No"), ("unknown", "Not sure")])
_ACCEPTING_VALUES = {"yes": True, "no": False, "unknown": None}


#: Every state, by name, after a blank "Choose a state".
STATE_CHOICES = choices([("", "Choose a state"), *sorted(US_STATES.items(), key=lambda item: item[1])])


class ListingForm(PublicForm):
    """List your center for free: a new listing, pending staff review."""

    schema = ListingSubmissionInput
    text_fields = (
        "name",
        "description",
        "website",
        "email",
        "phone",
        "address_1",
        "address_2",
        "city",
        "state",
        "postal_code",
        "license_number",
        "license_state",
        "therapy_proof",
        "contact_name",
        "contact_email",
    )

    name = TextField("Center name", [Required()], render_kw={"autocomplete": "organization"})
    description = LongTextField("Description", render_kw={"rows": 6})
    website = WebAddressField("Website", render_kw={"autocomplete": "url", "spellcheck": "false"})
    email = EmailInputField("E-mail address for enquiries", render_kw={"spellcheck": "false"})
    phone = PhoneField("Phone number", [Required()], render_kw={"autocomplete": "tel"})
    address_1 = TextField("Street address", [Required()], render_kw={"autocomplete": "address-line1"})
    address_2 = TextField("Suite, floor or building", render_kw={"autocomplete": "address-line2"})
    city = TextField("City", [Required()], render_kw={"autocomplete": "address-level2"})
    state = SelectField(
        "State",
        [Required()],
        choices=STATE_CHOICES,
        validate_choice=False,
        render_kw={"autocomplete": "address-level1"},
    )
    postal_code = TextField(
        "ZIP code",
        [Required()],
        render_kw={"autocomplete": "postal-code", "inputmode": "numeric"},
    )
    license_number = TextField("License number", [Required()], render_kw={"spellcheck": "false"})
    license_state = SelectField(
        "State that issued the license", [Required()], choices=STATE_CHOICES, validate_choice=False
    )
    therapies = CheckboxesField("Therapies offered")
    therapy_proof = LongTextField(
        "How can we confirm the center offers these therapies?", [Required()], render_kw={"rows": 3}
    )
    levels_of_care = CheckboxesField("Levels of care")
    accepting_new_clients = RadioField(
        "Accepting new clients?", choices=ACCEPTING_CHOICES, default="unknown", validate_choice=False
    )
    contact_name = TextField("Your name", [Required()], render_kw={"autocomplete": "name"})
    contact_email = EmailInputField(
        "Your e-mail address", [Required()], render_kw={"autocomplete": "email", "spellcheck": "false"}
    )
    represents_center = BooleanField(
        "I work for this center or represent it, and the information above is correct", [Required()]
    )

    def set_term_choices(
        self, therapies: list[tuple[str, str]], levels_of_care: list[tuple[str, str]]
    ) -> None:
        """Offer the vocabulary's therapy and level-of-care terms as checkboxes."""
        self.therapies.choices = therapies
        self.levels_of_care.choices = levels_of_care

    def collect(self) -> dict[str, Any]:
        """Return the values in ``ListingSubmissionInput``'s shape."""
        values = super().collect()
        for name in ("therapies", "levels_of_care"):
            if self[name].data:
                values[name] = list(self[name].data)
        answer = self.accepting_new_clients.data
        values["accepting_new_clients"] = _ACCEPTING_VALUES.get(answer, answer) if answer else None
        if self.represents_center.data:
            values["represents_center"] = True
        return values


KIND_CHOICES = choices(
    [("", "Choose one")] + [(kind.value, label) for kind, label in CORRECTION_KIND_LABELS.items()]
)


class CorrectionForm(PublicForm):
    """Report incorrect information about a listing."""

    schema = CorrectionInput
    text_fields = ("kind", "details", "reporter_email")

    kind = SelectField(
        "What is wrong?",
        [Required()],
        choices=KIND_CHOICES,
        validate_choice=False,
    )
    details = LongTextField("Details", [Required()], render_kw={"rows": 8})
    reporter_email = EmailInputField(
        "Your e-mail address", render_kw={"autocomplete": "email", "spellcheck": "false"}
    )

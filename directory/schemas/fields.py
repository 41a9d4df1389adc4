"""Validated fields shared by every schema, each with a message a person can act on."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import ValidationError, fields, validate

from directory.schemas.geography import US_STATES

#: Term and slug codes: lowercase words joined by single hyphens.
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ZIP_PATTERN = re.compile(r"^(\d{5})(?:-?(\d{4}))?$")
PHONE_CHARS = re.compile(r"^[0-9+().\-\s]+$")


def check_safe_text(value: str) -> None:
    """Reject NUL bytes and lone surrogates, which crash Whoosh and the databases."""
    if "\x00" in value:
        raise ValidationError("Must not contain NUL (\\x00) characters.")
    if any(0xD800 <= ord(char) <= 0xDFFF for char in value):
        raise ValidationError("Must not contain unpaired surrogate characters (invalid Unicode).")


class SafeString(fields.String):
    """A string with surrounding whitespace trimmed, free of NUL bytes and lone surrogates."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        check_safe_text(text)
        return text.strip()


def text(max_length: int, *, required: bool = False, min_length: int = 0, **kwargs: Any) -> SafeString:
    """Return a safe string field limited to ``max_length`` characters."""
    minimum = max(min_length, 1 if required else 0)
    return SafeString(
        required=required,
        validate=validate.Length(min=minimum, max=max_length),
        **kwargs,
    )


class Slug(SafeString):
    """A lowercase, hyphenated identifier used in URLs."""

    default_error_messages = {
        "slug": "Use lowercase letters, digits and single hyphens only, such as 'ketamine-clinic'."
    }

    def __init__(self, max_length: int = 120, **kwargs: Any) -> None:
        super().__init__(validate=validate.Length(min=1, max=max_length), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        slug = super()._deserialize(value, attr, data, **kwargs)
        if not SLUG_PATTERN.match(slug):
            raise self.make_error("slug")
        return slug


class StateCode(SafeString):
    """A two-letter US state or territory code, upper-cased."""

    default_error_messages = {"state": "Must be a two-letter US state code, such as 'UT'."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        code = super()._deserialize(value, attr, data, **kwargs).upper()
        if code not in US_STATES:
            raise self.make_error("state")
        return code


class ZipCode(SafeString):
    """A US ZIP code: five digits; ZIP+4 is accepted and shortened to five."""

    default_error_messages = {
        "zip": "Must be a 5-digit US ZIP code, such as '84101' (ZIP+4 like '84101-1234' is accepted)."
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        match = ZIP_PATTERN.match(super()._deserialize(value, attr, data, **kwargs))
        if not match:
            raise self.make_error("zip")
        return match.group(1)


class PhoneNumber(SafeString):
    """A US phone number, stored as ``(801) 555-0134``."""

    default_error_messages = {"phone": "Must be a US phone number with area code, such as '(801) 555-0134'."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        raw = super()._deserialize(value, attr, data, **kwargs)
        if len(raw) > 32 or not PHONE_CHARS.match(raw):
            raise self.make_error("phone")
        digits = re.sub(r"\D", "", raw)
        if len(digits) == 11 and digits.startswith("1"):
            digits = digits[1:]
        if len(digits) != 10 or digits[0] in "01" or digits[3] in "01":
            raise self.make_error("phone")
        return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


class WebAddress(fields.URL):
    """An absolute http(s) address of at most 500 characters."""

    default_error_messages = {"invalid": "Must be a full web address starting with https:// or http://."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            schemes={"http", "https"},
            require_tld=True,
            validate=validate.Length(max=500),
            **kwargs,
        )

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, str):
            check_safe_text(value)
            value = value.strip()
        return super()._deserialize(value, attr, data, **kwargs)


class EmailAddress(fields.Email):
    """An e-mail address of at most 254 characters, lower-cased."""

    default_error_messages = {"invalid": "Must be an e-mail address, such as 'intake@example.org'."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=validate.Length(max=254), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, str):
            check_safe_text(value)
            value = value.strip().lower()
        return super()._deserialize(value, attr, data, **kwargs)

"""The API-token forms of the admin pages (WTForms with Flask-WTF's CSRF token)."""

from __future__ import annotations

from wtforms import RadioField
from wtforms.validators import DataRequired, InputRequired, Length

from directory.admin.forms import DATE_MESSAGE, DayField, safe_text
from directory.auth.forms import StaffForm
from directory.models import TokenScope
from directory.operations.api_tokens import NAME_MAX
from directory.public.forms import TextField, choices

SCOPE_CHOICES = [
    (TokenScope.PUBLIC.value, "Public read: what anyone may read, under a partner's higher rate limit"),
    (TokenScope.STAFF.value, "Staff read: also the staff-only filters and fields"),
]


class NewTokenForm(StaffForm):
    """A new API token: who it is for, what it may read, and its last day."""

    name = TextField(
        "Name (who uses the token)",
        validators=[
            DataRequired("Give the token a name that says who uses it, for example the partner's name."),
            Length(max=NAME_MAX, message=f"The name must be at most {NAME_MAX} characters."),
            safe_text,
        ],
        render_kw={"autocomplete": "off"},
    )
    scope = RadioField(
        "What the token may read",
        choices=choices(SCOPE_CHOICES),
        default=TokenScope.PUBLIC.value,
        validators=[DataRequired("Choose public read or staff read.")],
    )
    expires_on = DayField("Last day the token works", validators=[InputRequired(DATE_MESSAGE)])


class RevokeTokenForm(StaffForm):
    """Confirming a revocation: only the CSRF token."""

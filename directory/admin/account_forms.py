"""The staff-account forms of the admin pages (WTForms with Flask-WTF's CSRF token)."""

from __future__ import annotations

from wtforms import RadioField, SelectField
from wtforms.validators import DataRequired, Length

from directory.auth.forms import StaffForm
from directory.models import Role
from directory.public.forms import EmailInputField, choices

ROLE_CHOICES = [(Role.SPECIALIST.value, "Support specialist"), (Role.ADMIN.value, "Admin (research team)")]
METHOD_CHOICES = [
    ("invitation", "Invitation link: the person sets their own password (the link works once)"),
    ("temporary", "Temporary password: the person must change it when they first sign in"),
]


class NewAccountForm(StaffForm):
    """A new staff account: address, role, and how the person gets their first password."""

    email = EmailInputField(
        "E-mail address",
        validators=[DataRequired("Enter the person's e-mail address."), Length(max=254)],
        render_kw={"autocomplete": "off"},
    )
    role = SelectField("Role", choices=choices(ROLE_CHOICES), validators=[DataRequired("Choose a role.")])
    method = RadioField(
        "How they get their password",
        choices=choices(METHOD_CHOICES),
        default="invitation",
        validators=[DataRequired("Choose how the person gets their password.")],
    )


class RoleForm(StaffForm):
    """Another role for an existing account."""

    role = SelectField("Role", choices=choices(ROLE_CHOICES), validators=[DataRequired("Choose a role.")])


class ActionForm(StaffForm):
    """A one-button form (deactivate, reactivate, new invitation link): only the CSRF token."""

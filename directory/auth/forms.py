"""The sign-in and change-password forms (WTForms with Flask-WTF's CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from directory.operations.errors import OperationError
from directory.operations.users import MIN_PASSWORD_LENGTH
from directory.public.forms import EmailInputField

#: Longer input is refused before any hashing (a very long password costs the hash time).
MAX_PASSWORD_LENGTH = 200


class StaffForm(FlaskForm):
    """A staff form that can carry form-level messages for the error summary."""

    def add_error(self, message: str) -> None:
        """Show ``message`` at the top of the form."""
        if not isinstance(self.form_errors, list):
            self.form_errors = list(self.form_errors)
        self.form_errors.append(message)

    def show_refusal(self, error: OperationError) -> None:
        """Attach an operation's refusal: each field's messages to its control, the rest at the top."""
        for name, messages in error.field_errors.items():
            field = self._fields.get(name)
            if field is None:
                self.add_error(" ".join(map(str, messages)) if isinstance(messages, list) else str(messages))
            else:
                field.errors = [*field.errors, *(messages if isinstance(messages, list) else [messages])]
        if not error.field_errors:
            self.add_error(error.message)

    def has_errors(self) -> bool:
        """Return whether any field, or the form as a whole, has a message."""
        return bool(self.form_errors) or any(field.errors for field in self)


class LoginForm(StaffForm):
    """E-mail address and password, plus where to go afterwards."""

    email = EmailInputField(
        "E-mail address",
        validators=[DataRequired("Enter your e-mail address."), Length(max=254)],
        render_kw={"autocomplete": "username", "autofocus": True},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class PasswordForm(StaffForm):
    """The current password and the new one, twice."""

    current_password = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password."), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        "New password",
        validators=[
            DataRequired("Enter a new password."),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=f"Use {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters.",
            ),
        ],
        render_kw={"autocomplete": "new-password"},
        description=f"At least {MIN_PASSWORD_LENGTH} characters.",
    )
    confirm_password = PasswordField(
        "New password again",
        validators=[
            DataRequired("Type the new password again."),
            EqualTo("new_password", "The two new passwords differ."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class InvitationForm(StaffForm):
    """The invitation's token (carried from the link) and the new password, twice."""

    token = HiddenField()
    new_password = PasswordForm.new_password
    confirm_password = PasswordForm.confirm_password

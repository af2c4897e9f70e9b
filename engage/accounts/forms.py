"""Staff account forms: signing in, changing a password, and administrators' account pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length

from engage.accounts.models import Role
from engage.platform.forms import Form

# Lazy: the radios show each role's name in the page's language.
ROLE_CHOICES = [SelectChoice(role.value, _l(role.english_label)) for role in Role]


class LoginForm(Form):
    email = StringField(
        _l("Email address"),
        widget=GovTextInput(),
        validators=[
            DataRequired(message=_l("Enter your email address")),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        widget=GovPasswordInput(),
        validators=[
            DataRequired(message=_l("Enter your password")),
            Length(max=256, message=_l("Password must be 256 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Sign in"), widget=GovSubmitInput())


class ChangePasswordForm(Form):
    current_password = PasswordField(
        _l("Current password"),
        widget=GovPasswordInput(),
        validators=[DataRequired(message=_l("Enter your current password"))],
    )
    new_password = PasswordField(
        _l("New password"),
        widget=GovPasswordInput(),
        description=_l("Use 12 characters or more. A few random words together work well."),
        validators=[DataRequired(message=_l("Enter a new password"))],
    )
    confirm_password = PasswordField(
        _l("Confirm new password"),
        widget=GovPasswordInput(),
        validators=[
            DataRequired(message=_l("Confirm your new password")),
            EqualTo("new_password", message=_l("The passwords do not match")),
        ],
    )
    submit = SubmitField(_l("Change password"), widget=GovSubmitInput())


class StaffAccountForm(Form):
    name = StringField(
        _l("Full name"),
        widget=GovTextInput(),
        validators=[
            DataRequired(message=_l("Enter their full name")),
            Length(max=120, message=_l("Full name must be 120 characters or fewer")),
        ],
    )
    email = StringField(
        _l("Work email address"),
        widget=GovTextInput(),
        validators=[
            DataRequired(message=_l("Enter their work email address")),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
            Email(
                message=_l("Enter an email address in the correct format, like name@example.gov.uk"),
                check_deliverability=False,
            ),
        ],
    )
    role = RadioField(
        _l("Role"),
        widget=GovRadioInput(),
        choices=ROLE_CHOICES,
        validators=[DataRequired(message=_l("Select a role"))],
    )
    submit = SubmitField(_l("Create account"), widget=GovSubmitInput())


class EditStaffForm(Form):
    name = StaffAccountForm.name
    role = StaffAccountForm.role
    submit = SubmitField(_l("Save changes"), widget=GovSubmitInput())

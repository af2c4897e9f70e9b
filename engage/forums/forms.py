"""The forums' forms. Officers: a forum, a meeting, an email to members, the consent
wording. The public: signing up, changing your details, staying a member, asking for a
link, update emails and meeting bookings.

They parse (text rule, numbers, dates) and draw. The rules about what a forum, meeting,
email or wording may be are in :mod:`engage.forums.services` (``ForumDetails.problems``,
``NewMeeting.problems``, ``MemberEmail.problems``, ``wording_problems``), so the page shows
every problem at once: the form's own and the service's.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any, ClassVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, SelectMultipleField, StringField, TextAreaField

from engage.forums.models import INTEREST_AREAS, ORGANISATION_TYPES, ConsentWording, Forum
from engage.forums.services import (
    AUDIENCES,
    FORUM_CAPACITY_MAX,
    LABELS,
    ForumDetails,
    MemberEmail,
    NewMeeting,
    SignUp,
)
from engage.platform import inputs
from engage.platform.forms import Form, OptionalDateField, choices

EXAMPLE = "1 3 2027"


def _lines(value: str | None) -> list[str]:
    return list(dict.fromkeys(line.strip() for line in (value or "").split("\n") if line.strip()))


class ForumForm(Form):
    text_labels: ClassVar[dict[str, str]] = {
        "name": "The forum's name",
        "slug": "The web address",
        "purpose": "The purpose",
        "localities": "The areas",
    }

    name = StringField("Name", widget=GovTextInput())
    slug = StringField("Web address", widget=GovTextInput())
    purpose = TextAreaField("What the forum is for", widget=GovTextArea())
    localities = TextAreaField("Areas covered", widget=GovTextArea())
    interests = SelectMultipleField(
        "Interest areas",
        widget=GovCheckboxesInput(),
        choices=choices(INTEREST_AREAS.items()),
        validate_choice=False,
    )
    capacity = StringField("Capacity (optional)", widget=GovTextInput())
    opens_on = OptionalDateField("Registration opens (optional)", noun="The opening date", example="1 3 2027")
    closes_on = OptionalDateField(
        "Registration closes (optional)", noun="The closing date", example="1 3 2027"
    )

    def details(self, slug: str | None = None) -> ForumDetails:
        """What was typed, as the service checks it (``slug`` is the forum's own when editing)."""
        capacity = (self.capacity.data or "").strip()
        return ForumDetails(
            name=(self.name.data or "").strip(),
            slug=slug if slug is not None else (self.slug.data or "").strip().lower(),
            purpose=(self.purpose.data or "").strip(),
            localities=_lines(self.localities.data),
            interests=[i for i in self.interests.data or [] if i in INTEREST_AREAS],
            capacity=inputs.whole_number(capacity, 1, FORUM_CAPACITY_MAX) if capacity else None,
            capacity_typed=capacity,
            opens_on=self.opens_on.data if isinstance(self.opens_on.data, date) else None,
            closes_on=self.closes_on.data if isinstance(self.closes_on.data, date) else None,
        )

    @classmethod
    def of(cls, details: ForumDetails) -> dict[str, Any]:
        """A forum's details as the form's starting values."""
        return {
            "name": details.name,
            "slug": details.slug,
            "purpose": details.purpose,
            "localities": "\n".join(details.localities),
            "interests": details.interests,
            "capacity": str(details.capacity or ""),
            "opens_on": details.opens_on,
            "closes_on": details.closes_on,
        }


class MeetingForm(Form):
    text_labels: ClassVar[dict[str, str]] = {
        "title": "The title",
        "time": "The start time",
        "place": "The place",
        "details": "The details",
    }

    title = StringField("Title", widget=GovTextInput())
    date = OptionalDateField("Date", noun="The date", example="27 3 2027")
    time = StringField("Start time", widget=GovTextInput())
    place = StringField("Place", widget=GovTextInput())
    capacity = StringField("Places", widget=GovTextInput())
    details = TextAreaField("Details (optional)", widget=GovTextArea())

    def meeting(self) -> NewMeeting:
        return NewMeeting(
            title=(self.title.data or "").strip(),
            day=self.date.data if isinstance(self.date.data, date) else None,
            day_typed=any(self.date.parts),
            time=(self.time.data or "").strip(),
            place=(self.place.data or "").strip(),
            capacity=(self.capacity.data or "").strip(),
            details=(self.details.data or "").strip(),
        )


class MemberEmailForm(Form):
    text_labels: ClassVar[dict[str, str]] = {"subject": "The subject", "body": "The message"}

    # A forged audience is the service's to refuse, in its own words.
    audience = RadioField(
        "Who is it for?",
        widget=GovRadioInput(),
        choices=choices((key, _l(label)) for key, label in AUDIENCES.items()),
        default="all",
        validate_choice=False,
    )
    subject = StringField("Subject", widget=GovTextInput())
    body = TextAreaField("Message", widget=GovTextArea())
    # "yes" once the officer has seen who it goes to and pressed Send.
    confirmed = HiddenField()

    def message(self) -> MemberEmail:
        return MemberEmail(self.subject.data or "", self.body.data or "", self.audience.data or "")


class ConsentForm(Form):
    """The wording's introduction and one statement per purpose (the purposes are fixed)."""

    introduction = TextAreaField("Introduction", widget=GovTextArea())

    @staticmethod
    @cache
    def for_purposes(keys: tuple[str, ...]) -> type[ConsentForm]:
        """The form for a wording with these purposes (one class per set of purposes)."""
        fields = {key: TextAreaField(f"Statement for {key}", widget=GovTextArea()) for key in keys}
        labels = dict.fromkeys(["introduction", *keys], "The statement")
        return type("ConsentWordingForm", (ConsentForm,), {**fields, "text_labels": labels})

    def statements(self) -> dict[str, str]:
        return {field.name: (field.data or "").strip() for field in self if isinstance(field, TextAreaField)}


# --- the public side: signing up and managing your membership --------------------------


class _InLanguage:
    """A GOV.UK widget whose error message starts with "Error:" for a screen reader in the
    page's language ("Gwall:"); the library always says "Error"."""

    def map_gov_params(self, field: Any, **kwargs: Any) -> dict[str, Any]:
        params: dict[str, Any] = super().map_gov_params(field, **kwargs)  # type: ignore[misc]
        if params.get("errorMessage"):
            params["errorMessage"]["visuallyHiddenText"] = _("Error")
        return params


class TextInput(_InLanguage, GovTextInput):
    pass


class TextArea(_InLanguage, GovTextArea):
    pass


class Radios(_InLanguage, GovRadioInput):
    pass


class Checkboxes(_InLanguage, GovCheckboxesInput):
    pass


# The choices' words as a member reads them, in the page's language (the models' own
# labels are the officers' English).
ORGANISATION_WORDS: dict[str, Any] = {
    "resident": _l("Resident, not representing an organisation"),
    "community-group": _l("Community or voluntary group"),
    "charity": _l("Charity or social enterprise"),
    "school-college": _l("School, college or university"),
    "health-care": _l("Health or care provider"),
    "business": _l("Business"),
    "arts-heritage": _l("Arts, culture or heritage organisation"),
    "public-body": _l("Council or other public body"),
    "volunteer": _l("Library or heritage volunteer"),
    "other": _l("Other"),
}
INTEREST_WORDS: dict[str, Any] = {
    "learning-skills": _l("Learning and skills"),
    "health-wellbeing": _l("Health and wellbeing"),
    "culture-creativity": _l("Culture and creativity"),
    "digital-inclusion": _l("Digital inclusion"),
    "community-cohesion": _l("Community cohesion"),
    "economic-development": _l("Economic development"),
}
STATUS_WORDS: dict[str, Any] = {
    "pending": _l("Waiting for email confirmation"),
    "active": _l("Member"),
    "waiting": _l("On the waiting list"),
    "erased": _l("Left and erased"),
    "lapsed": _l("Lapsed and erased"),
}


def organisation_words() -> dict[str, str]:
    return {key: str(ORGANISATION_WORDS.get(key, label)) for key, label in ORGANISATION_TYPES.items()}


def interest_words() -> dict[str, str]:
    return {key: str(INTEREST_WORDS.get(key, label)) for key, label in INTEREST_AREAS.items()}


def consent_words(text: str) -> str:
    """A consent statement in the page's language when it is the default wording (which the
    catalogues translate); an officer's own wording as written."""
    return _(text) if text else text


class SignUpForm(Form):
    """Registering interest in a forum, and changing your details later (without ``purposes``).

    The choices are the forum's own areas and interests and the consent wording's purposes;
    ``services.validate`` checks what was chosen against them, and the rest of the rules.
    """

    text_labels: ClassVar[dict[str, str]] = dict(LABELS)

    name = StringField(_l("Your name"), widget=TextInput())
    email = StringField(_l("Email address"), widget=TextInput())
    organisation = StringField(_l("Organisation (optional)"), widget=TextInput())
    role = StringField(_l("Your role in the organisation (optional)"), widget=TextInput())
    organisation_type = RadioField(
        _l("Who are you joining as?"),
        widget=Radios(),
        choices=[],
        validate_choice=False,
    )
    localities = SelectMultipleField(
        _l("Which areas are you interested in?"),
        widget=Checkboxes(),
        choices=[],
        validate_choice=False,
    )
    interests = SelectMultipleField(
        _l("What are you interested in?"), widget=Checkboxes(), choices=[], validate_choice=False
    )
    access_needs = TextAreaField(
        _l("Do you have any accessibility needs for meetings? (optional)"), widget=TextArea()
    )
    purposes = SelectMultipleField(
        _l("How we use your details"), widget=Checkboxes(), choices=[], validate_choice=False
    )
    # Never shown to people (hidden by CSS): a bot that fills it in is ignored.
    website = StringField(_l("Leave this field empty"), widget=TextInput())

    def __init__(
        self, *args: Any, forum: Forum | None = None, wording: ConsentWording | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # Made per request, so the words are in the page's language.
        self.organisation_type.choices = choices(organisation_words().items())
        if forum is not None:
            words = interest_words()
            self.localities.choices = choices((name, name) for name in forum.localities)
            self.interests.choices = choices((key, words.get(key, key)) for key in forum.interests)
        if wording is not None:
            self.purposes.choices = choices((p["key"], consent_words(p["text"])) for p in wording.purposes)

    @classmethod
    def of(cls, data: SignUp) -> dict[str, Any]:
        """A member's details as the form's starting values."""
        return {name: getattr(data, name) for name in SignUp.__dataclass_fields__}

    def sign_up(self) -> SignUp:
        return SignUp(
            name=self.name.data or "",
            email=(self.email.data or "")[:300],
            organisation=self.organisation.data or "",
            role=self.role.data or "",
            organisation_type=self.organisation_type.data or "",
            localities=list(self.localities.data or []),
            interests=list(self.interests.data or []),
            access_needs=self.access_needs.data or "",
            purposes=list(self.purposes.data or []),
        )

    @property
    def is_bot(self) -> bool:
        return bool(self.website.raw_data and self.website.raw_data[0])


class StayForm(Form):
    """Staying a member for another period: agreeing to the wording as it is now."""

    purposes = SelectMultipleField(
        _l("How we use your details"), widget=Checkboxes(), choices=[], validate_choice=False
    )

    def __init__(self, *args: Any, wording: ConsentWording | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if wording is not None:
            self.purposes.choices = choices((p["key"], consent_words(p["text"])) for p in wording.purposes)


class LinkRequestForm(Form):
    text_labels: ClassVar[dict[str, str]] = {"email": LABELS["email"]}
    email = StringField(_l("Email address"), widget=TextInput())


class UpdatesForm(Form):
    """Whether a member wants update emails (a single checkbox)."""

    updates = HiddenField()


class BookingForm(Form):
    """Book a place at a meeting, or (``action=cancel``) give it up."""

    action = HiddenField()

"""Forms for the survey builder. Messages follow the GOV.UK error message patterns."""

from __future__ import annotations

import math
import re
from typing import Any, ClassVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from engage.builder.editing import EditError, topics_from_text
from engage.platform.forms import Form, OptionalDateField
from surveys.definition import MAX_SCALE_POINTS, Condition, Question

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
YES_NO = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]
ROUTE_CHOICES = [
    SelectChoice("everyone", _l("Show this to everyone")),
    SelectChoice("only_if", _l("Only show it if an earlier answer matches")),
]
KEEP_ROUTE = SelectChoice("keep", _l("Keep the current rule"))
TEST_CHOICES = [
    SelectChoice("equals", _l("is")),
    SelectChoice("any_of", _l("is any of")),
    SelectChoice("not_answered", _l("was not answered")),
]


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class WholeNumberField(StringField):
    """An optional whole number with a GOV.UK message when it is not one."""

    widget = GovTextInput()

    def __init__(self, label: str, *, minimum: int, maximum: int, noun: str, **kwargs: Any) -> None:
        kwargs.setdefault("filters", [_strip])
        super().__init__(label, **kwargs)
        self.minimum, self.maximum, self.noun = minimum, maximum, noun
        self.number: int | None = None

    def pre_validate(self, form: Any) -> None:
        self.number = None
        text = (self.data or "").replace(",", "")
        if not text:
            return
        if not re.fullmatch(r"-?\d+", text):
            raise ValidationError(
                _(
                    "%(noun)s must be a whole number, like %(example)s",
                    noun=self.noun,
                    example=self.minimum + 4,
                )
            )
        value = int(text) if len(text) <= 12 else None  # int() refuses more than 4,300 digits
        if value is None or not self.minimum <= value <= self.maximum:
            raise ValidationError(
                _(
                    "%(noun)s must be between %(low)s and %(high)s",
                    noun=self.noun,
                    low=self.minimum,
                    high=format(self.maximum, ","),
                )
            )
        self.number = value


class DecimalNumberField(StringField):
    """An optional number (whole or decimal)."""

    widget = GovTextInput()

    def __init__(self, label: str, *, noun: str, **kwargs: Any) -> None:
        kwargs.setdefault("filters", [_strip])
        super().__init__(label, **kwargs)
        self.noun = noun
        self.number: int | float | None = None

    def pre_validate(self, form: Any) -> None:
        self.number = None
        text = (self.data or "").replace(",", "")
        if not text:
            return
        try:
            value = float(text)
        except ValueError:
            raise ValidationError(_("%(noun)s must be a number, like 10", noun=self.noun)) from None
        if not math.isfinite(value):
            raise ValidationError(_("%(noun)s must be a number, like 10", noun=self.noun))
        self.number = int(value) if value.is_integer() else value


def _text(label: str, missing: str, max_length: int, noun: str, **kwargs: Any) -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            DataRequired(message=missing),
            Length(
                max=max_length,
                message=_l(
                    "%(noun)s must be %(number)s characters or fewer",
                    noun=noun,
                    number=format(max_length, ","),
                ),
            ),
        ],
        **kwargs,
    )


def _optional_text(label: str, max_length: int, noun: str, area: bool = False, **kwargs: Any) -> StringField:
    return (TextAreaField if area else StringField)(
        label,
        widget=GovTextArea() if area else GovTextInput(),
        filters=[_strip],
        validators=[
            Length(
                max=max_length,
                message=_l(
                    "%(noun)s must be %(number)s characters or fewer",
                    noun=noun,
                    number=format(max_length, ","),
                ),
            )
        ],
        **kwargs,
    )


class NewSurveyForm(Form):
    text_labels: ClassVar[dict[str, str]] = {"purpose": _l("Why you are asking")}
    title = _text(_l("Title"), _l("Enter the survey's title"), 150, _l("The title"))
    slug = StringField(
        _l("Web address"),
        widget=GovTextInput(),
        filters=[lambda v: v.strip().lower() if isinstance(v, str) else v],
        description=_l(
            "The end of the survey's link, like /s/library-opening-hours. Use lower-case letters, "
            "numbers and hyphens. Leave it blank to make one from the title. You cannot change it later."
        ),
    )
    purpose = TextAreaField(
        _l("Why are you asking?"),
        widget=GovTextArea(),
        filters=[_strip],
        description=_l("Shown on the survey's start page."),
        validators=[
            DataRequired(message=_l("Enter why the council is asking")),
            Length(max=2000, message=_l("Why you are asking must be 2,000 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Create survey"), widget=GovSubmitInput())


class DuplicateForm(Form):
    title = _text(_l("Title of the new survey"), _l("Enter the new survey's title"), 150, _l("The title"))
    slug = NewSurveyForm.slug
    submit = SubmitField(_l("Duplicate survey"), widget=GovSubmitInput())


def check_slug(value: str) -> str | None:
    """A problem with a web address, or None."""
    if len(value) < 3:
        return str(_("The web address must be 3 characters or more"))
    if len(value) > 60:
        return str(_("The web address must be 60 characters or fewer"))
    if not SLUG_PATTERN.match(value):
        return str(
            _(
                "The web address must only include lower-case letters a to z, numbers and single hyphens "
                "between words"
            )
        )
    return None


class DetailsForm(Form):
    text_labels: ClassVar[dict[str, str]] = {"purpose": _l("Why you are asking")}
    title = _text(_l("Title"), _l("Enter the survey's title"), 150, _l("The title"))
    purpose = TextAreaField(
        _l("Why are you asking?"),
        widget=GovTextArea(),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Enter why the council is asking")),
            Length(max=2000, message=_l("Why you are asking must be 2,000 characters or fewer")),
        ],
    )
    what_happens = _optional_text(
        _l("What happens to the answers (optional)"), 2000, _l("What happens to the answers"), area=True
    )
    privacy = _optional_text(_l("Your privacy (optional)"), 2000, _l("Your privacy"), area=True)
    duration_minutes = WholeNumberField(
        _l("How many minutes it takes (optional)"), minimum=1, maximum=120, noun=_l("The time it takes")
    )
    audience = _optional_text(_l("Who is it for? (optional)"), 300, _l("Who it is for"))
    topics = _optional_text(_l("Topics (optional)"), 400, _l("The topics"))
    opens_on = OptionalDateField(
        _l("Opens on (optional)"), noun=_l("The opening date"), description=_l("For example, 1 12 2026")
    )
    closes_on = OptionalDateField(
        _l("Closes on (optional)"),
        noun=_l("The closing date"),
        description=_l("It closes at the end of this day."),
    )
    resume_days = WholeNumberField(
        _l("Days to keep unfinished answers (optional)"),
        minimum=1,
        maximum=365,
        noun=_l("The days to keep unfinished answers"),
        description=_l("If left blank, unfinished answers are kept for 30 days."),
    )
    equality_section = RadioField(
        _l("Include the equality monitoring questions?"),
        widget=GovRadioInput(),
        choices=YES_NO,
        validators=[
            DataRequired(message=_l("Select yes if the survey should include the equality questions"))
        ],
    )
    follow_up = RadioField(
        _l("Offer to tell residents what happened?"),
        widget=GovRadioInput(),
        choices=YES_NO,
        validators=[
            DataRequired(message=_l("Select yes to offer residents an email when you publish what happened"))
        ],
    )
    # The survey's languages besides its own; the choices are set by the view (engage.builder.translations).
    languages = SelectMultipleField(
        _l("Which other languages is the survey offered in? (optional)"),
        widget=GovCheckboxesInput(),
        choices=[],
        validate_choice=False,
    )
    submit = SubmitField(_l("Save changes"), widget=GovSubmitInput())

    def validate_languages(self, field: SelectMultipleField) -> None:
        offered = {str(choice.value) for choice in field.choices or [] if isinstance(choice, SelectChoice)}
        if any(code not in offered for code in field.data or []):
            raise ValidationError(_("Select languages from the list"))

    def validate_topics(self, field: StringField) -> None:
        try:
            topics_from_text(field.data or "")
        except EditError as error:
            raise ValidationError(str(error)) from error

    def validate_closes_on(self, field: OptionalDateField) -> None:
        opens = self.opens_on.data
        if field.data and opens and field.data < opens:
            raise ValidationError(_("The closing date must be the same as or after the opening date"))


class LocalitiesForm(Form):
    localities = TextAreaField(
        _l("Areas and libraries"),
        widget=GovTextArea(),
        description=(
            "One area on each line: the area's name, a colon, then its libraries separated by commas. "
            "For example, Northgate: Northgate Central Library, Hill Road Library"
        ),
        validators=[Length(max=20000, message=_l("The list must be 20,000 characters or fewer"))],
    )
    submit = SubmitField(_l("Save areas and libraries"), widget=GovSubmitInput())


class RoutingMixin:
    route = RadioField(
        _l("Who sees this?"), widget=GovRadioInput(), choices=ROUTE_CHOICES, default="everyone"
    )
    route_question = SelectField(
        _l("Earlier question"), widget=GovSelect(), choices=[], validate_choice=False
    )
    route_test = RadioField(_l("Test"), widget=GovRadioInput(), choices=TEST_CHOICES, default="equals")
    route_answers = SelectMultipleField(
        _l("Answers"), widget=GovCheckboxesInput(), choices=[], validate_choice=False
    )
    route_value = StringField(_l("Answer"), widget=GovTextInput(), filters=[_strip])

    # Set by the view before validating: the questions a rule may test, by id, and
    # the (value, label) answers of the chosen one when they come from a list.
    route_targets: dict[str, Question]
    route_listed: list[tuple[str, str]] | None
    existing_condition: Condition | None
    existing_rule_words: str = ""
    condition: Condition | None

    def setup_routing(
        self,
        targets: list[Question],
        listed: dict[str, list[tuple[str, str]]],
        existing: Condition | None,
    ) -> None:
        """Fill the choices from the definition; ``listed`` maps question id to its answers."""
        self.route_targets = {q.id: q for q in targets}
        self.existing_condition = existing
        self.condition = None
        route: Any = self.route
        route.choices = list(ROUTE_CHOICES)
        if existing is not None and "question" not in existing:
            route.choices.append(KEEP_ROUTE)
        question_field: Any = self.route_question
        question_field.choices = [SelectChoice("", _("Choose a question"))] + [
            SelectChoice(q.id, q.text) for q in targets
        ]
        chosen = self.route_targets.get(question_field.data or "")
        self.route_listed = listed.get(chosen.id) if chosen is not None else None
        answers: Any = self.route_answers
        answers.choices = [SelectChoice(v, label) for v, label in self.route_listed or []]

    def check_routing(self) -> bool:
        """Read the rule into ``self.condition``; add errors and return False when it is incomplete."""
        route = self.route.data
        if route == "everyone":
            return True
        if route == "keep" and self.existing_condition is not None:
            self.condition = self.existing_condition
            return True
        if route != "only_if":
            self.route.errors.append(_("Select who sees this"))
            return False
        question = self.route_targets.get(self.route_question.data or "")
        if question is None:
            self.route_question.errors.append(_("Select the earlier question that decides who sees this"))
            return False
        test = self.route_test.data
        if test not in {"equals", "any_of", "not_answered"}:
            self.route_test.errors.append(_("Select a test"))
            return False
        if test == "not_answered":
            self.condition = {"question": question.id, "not_answered": True}
            return True
        values: list[Any]
        if self.route_listed is not None:
            chosen = set(self.route_answers.data or [])
            values = [value for value, _ in self.route_listed if value in chosen]
            if not values:
                self.route_answers.errors.append(
                    _("Select the answer to '%(question)s' that shows this", question=question.text)
                )
                return False
            if test == "equals" and len(values) > 1:
                self.route_answers.errors.append(_("Select only one answer for 'is', or choose 'is any of'"))
                return False
        else:
            text = self.route_value.data or ""
            values = [v.strip() for v in text.split(",")] if test == "any_of" else [text]
            values = [v for v in values if v]
            if not values:
                self.route_value.errors.append(
                    _("Enter the answer to '%(question)s' that shows this", question=question.text)
                )
                return False
            if question.type == "number":
                numbers: list[Any] = []
                for value in values:
                    try:
                        number = float(value.replace(",", ""))
                    except ValueError:
                        self.route_value.errors.append(_("The answer must be a number, like 3"))
                        return False
                    numbers.append(int(number) if number.is_integer() else number)
                values = numbers
        if test == "equals":
            self.condition = {"question": question.id, "equals": values[0]}
        else:
            self.condition = {"question": question.id, "any_of": values}
        return True

    def load_routing(self, condition: Condition | None) -> None:
        """Show an existing rule in the fields (GET)."""
        if condition is None:
            self.route.data = "everyone"
            return
        if "question" not in condition:
            self.route.data = "keep"
            return
        self.route.data = "only_if"
        self.route_question.data = condition["question"]
        if "not_answered" in condition:
            self.route_test.data = "not_answered"
            return
        values = [condition["equals"]] if "equals" in condition else list(condition["any_of"])
        self.route_test.data = "equals" if "equals" in condition else "any_of"
        self.route_answers.data = [str(v) for v in values]
        self.route_value.data = ", ".join(str(v) for v in values)


class PageForm(RoutingMixin, Form):
    title = _text(_l("Page title"), _l("Enter the page title"), 150, _l("The page title"))
    intro = _optional_text(
        _l("Introduction (optional)"),
        2000,
        _l("The introduction"),
        area=True,
        description=_l("Shown above the questions. Leave a blank line between paragraphs."),
    )
    submit = SubmitField(_l("Save page"), widget=GovSubmitInput())

    def validate(self, extra_validators: Any = None) -> bool:
        ok = bool(super().validate(extra_validators))
        return self.check_routing() and ok


QUESTION_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class QuestionForm(RoutingMixin, Form):
    text = _text(_l("Question"), _l("Enter the question"), 300, _l("The question"))
    hint = _optional_text(
        _l("Hint (optional)"), 500, _l("The hint"), description=_l("Help shown under the question.")
    )
    optional = RadioField(
        _l("Can people leave this question unanswered?"),
        widget=GovRadioInput(),
        choices=[
            SelectChoice("no", _l("No, they must answer it")),
            SelectChoice("yes", _l("Yes, it is optional")),
        ],
        default="no",
        validators=[DataRequired(message=_l("Select whether people can leave this question unanswered"))],
    )
    error = _optional_text(
        _l("Error message if it is left empty (optional)"),
        200,
        _l("The error message"),
        description=_l(
            "Say what to do, as the GOV.UK Design System advises, for example 'Select how "
            "often you visit a library' or 'Enter what would make your library better'. "
            "If you leave it blank, the message names the question."
        ),
    )
    question_id = StringField(
        _l("Question id"),
        widget=GovTextInput(),
        filters=[lambda v: v.strip().lower() if isinstance(v, str) else v],
        description=_l(
            "The column name in downloads: lower-case letters, numbers and underscores, "
            "starting with a letter. You can change it until the survey is first published."
        ),
        validators=[Length(max=40, message=_l("The question id must be 40 characters or fewer"))],
    )
    options = TextAreaField(
        _l("Answer options"),
        widget=GovTextArea(),
        description=_l("One option on each line, in the order people will see them."),
        filters=[lambda v: v or ""],
    )
    other = BooleanField(_l("Add an 'Other, please specify' box"), widget=GovCheckboxInput())
    other_label = _optional_text(
        _l("Label for the 'other' option"), 100, _l("The label for the 'other' option")
    )
    none = BooleanField(_l("Add a 'None of these' option that clears the others"), widget=GovCheckboxInput())
    none_label = _optional_text(_l("Label for the 'none' option"), 200, _l("The label for the 'none' option"))
    statements = TextAreaField(
        _l("Statements"),
        widget=GovTextArea(),
        description=_l(
            "One statement on each line. People rate each from 'Strongly agree' to 'Strongly disagree'."
        ),
        filters=[lambda v: v or ""],
    )
    top_n = WholeNumberField(
        _l("How many should people put in order?"),
        minimum=1,
        maximum=10,
        noun=_l("How many to put in order"),
        description=_l("For example, 3 asks for their top 3."),
    )
    max_length = WholeNumberField(
        _l("Character limit (optional)"),
        minimum=1,
        maximum=10000,
        noun=_l("The character limit"),
        description=_l("If left blank: 200 for short text, 2,000 for long text."),
    )
    min = DecimalNumberField(_l("Lowest number allowed (optional)"), noun=_l("The lowest number"))
    max = DecimalNumberField(_l("Highest number allowed (optional)"), noun=_l("The highest number"))
    integer = BooleanField(_l("Whole numbers only"), widget=GovCheckboxInput())
    suffix = _optional_text(
        _l("Unit shown after the box (optional)"),
        20,
        _l("The unit"),
        description=_l("For example, miles or hours."),
    )
    earliest = OptionalDateField(_l("Earliest date allowed (optional)"), noun=_l("The earliest date"))
    latest = OptionalDateField(_l("Latest date allowed (optional)"), noun=_l("The latest date"))
    sets_area = BooleanField(
        _l("Use the answer to give each response its area"),
        widget=GovCheckboxInput(),
        description=_l(
            "For reports by area, when no library link, tablet or paper entry gave one. "
            "Only one question in a survey can do this."
        ),
    )
    kiosk_skip = BooleanField(
        _l("Do not ask on library tablets (personal question)"),
        widget=GovCheckboxInput(),
        description=_l(
            "Tablets in libraries are shared, so people may not want to answer personal questions on them."
        ),
    )
    submit = SubmitField(_l("Save question"), widget=GovSubmitInput())

    kind: str = "long_text"
    #: Ids the question may not take (other questions', the equality questions').
    taken_ids: frozenset[str] = frozenset()

    def validate(self, extra_validators: Any = None) -> bool:
        ok = bool(super().validate(extra_validators))
        ok = self.check_type() and ok
        return self.check_routing() and ok

    def validate_question_id(self, field: StringField) -> None:
        value = field.data or ""
        if not value:
            return
        if not QUESTION_ID.match(value):
            raise ValidationError(
                _(
                    "The question id must start with a letter and use only lower-case letters a to z, "
                    "numbers and underscores"
                )
            )
        if value in self.taken_ids:
            raise ValidationError(
                _("The id '%(id)s' is already used in this survey. Choose another", id=value)
            )

    def option_lines(self) -> list[str]:
        return [" ".join(line.split()) for line in (self.options.data or "").splitlines() if line.strip()]

    def statement_lines(self) -> list[str]:
        return [" ".join(line.split()) for line in (self.statements.data or "").splitlines() if line.strip()]

    def check_type(self) -> bool:
        """The checks that depend on the question type."""
        errors_before = sum(len(f.errors) for f in self)
        kind = self.kind
        if kind in {"single_choice", "multiple_choice", "ranking", "scale"}:
            labels = self.option_lines()
            folded = [label.casefold() for label in labels]
            if len(labels) < 2:
                self.options.errors.append(_("Enter at least 2 answer options, one on each line"))
            elif kind == "scale" and len(labels) > MAX_SCALE_POINTS:
                self.options.errors.append(
                    _("A scale can have up to %(number)s points", number=MAX_SCALE_POINTS)
                )
            elif any(len(label) > 200 for label in labels):
                self.options.errors.append(_("Each answer option must be 200 characters or fewer"))
            elif len(set(folded)) != len(folded):
                twice = next(label for label in labels if folded.count(label.casefold()) > 1)
                self.options.errors.append(_("The answer option '%(option)s' is listed twice", option=twice))
            if kind == "ranking":
                if self.top_n.number is None and not self.top_n.errors:
                    self.top_n.errors.append(_("Enter how many options people should put in order"))
                elif self.top_n.number is not None and len(labels) >= 2 and self.top_n.number > len(labels):
                    self.top_n.errors.append(
                        _(
                            "How many to put in order must be no more than the number of options "
                            "(%(number)s)",
                            number=len(labels),
                        )
                    )
        if kind in {"single_choice", "multiple_choice"} and self.other.data and not self.other_label.data:
            self.other_label.errors.append(_("Enter the label for the 'other' option, like Other"))
        if kind == "multiple_choice" and self.none.data and not self.none_label.data:
            self.none_label.errors.append(_("Enter the label for the 'none' option, like None of these"))
        if kind == "grid":
            texts = self.statement_lines()
            folded = [text.casefold() for text in texts]
            if not texts:
                self.statements.errors.append(_("Enter at least one statement"))
            elif any(len(text) > 300 for text in texts):
                self.statements.errors.append(_("Each statement must be 300 characters or fewer"))
            elif len(set(folded)) != len(folded):
                twice = next(text for text in texts if folded.count(text.casefold()) > 1)
                self.statements.errors.append(
                    _("The statement '%(statement)s' is listed twice", statement=twice)
                )
        return sum(len(f.errors) for f in self) == errors_before

    def validate_max(self, field: DecimalNumberField) -> None:
        low = self.min.number
        if field.number is not None and low is not None and field.number < low:
            raise ValidationError(_("The highest number must be the same as or more than the lowest number"))

    def validate_latest(self, field: OptionalDateField) -> None:
        if field.data and self.earliest.data and field.data < self.earliest.data:
            raise ValidationError(_("The latest date must be the same as or after the earliest date"))


class PublishForm(Form):
    reason = TextAreaField(
        _l("Why are you publishing before every check is done?"),
        widget=GovTextArea(),
        filters=[_strip],
        description=_l(
            "Kept in the audit log with the publication, for example: "
            "the closing date will be set when the committee agrees it."
        ),
        validators=[Length(max=1000, message=_l("The reason must be 1,000 characters or fewer"))],
    )
    submit = SubmitField(_l("Publish"), widget=GovSubmitInput())


class ConfirmForm(Form):
    """A button and a CSRF token."""

    submit = SubmitField(_l("Delete"), widget=GovSubmitInput())


ROUTING_FIELDS = ("route", "route_question", "route_test", "route_answers", "route_value")


class TranslationForm(Form):
    """The translation page: its text fields are read by engage.builder.translations.read."""

    submit = SubmitField(_l("Save translation"), widget=GovSubmitInput())

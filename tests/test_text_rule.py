"""One rule for typed text (surveys.text): single-line fields refuse line breaks and hidden
control characters, multi-line fields refuse the hidden ones, everywhere in the service.

A CR/LF in a forum's name or a survey's title used to reach email subjects, where it
left the email stuck as "queued"; a NUL or a bidirectional override reached the
database and officers' screens. Every WTForms form and every hand-written form handler
is checked here.
"""

from __future__ import annotations

import copy
import importlib
import json
import pkgutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from wtforms import PasswordField, StringField, TextAreaField

import engage
from engage.accounts.models import Role, StaffUser
from engage.actions.models import Action, Priority
from engage.forums.models import Forum, ForumMeeting, ForumMember
from engage.kiosk.models import KioskDevice
from engage.platform import forms
from engage.platform.database import db
from surveys import definition, text
from surveys.models import Survey
from tests.conftest import sign_in
from tests.forums.conftest import sign_up_data
from tests.residents.conftest import SURVEY
from tests.support.pages import Page, PageClient

SINGLE = "must not contain line breaks or hidden control characters"
HIDDEN = "must not contain hidden control characters"


# --- The rule itself -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        *("a\r\nb", "a\nb", "a\rb", "a\x0bb", "a\x0cb", "a\x85b", "a\u2028b", "a\u2029b", "a\x00b"),
        *("a\x1bb", "a\x7fb", "a\x9bb", "a\u202eb", "a\u2066b", "a\u200bb", "a\ufeffb", "a\u2060b"),
    ],
)
def test_single_line_fields_refuse_line_breaks_and_hidden_characters(value: str) -> None:
    assert text.refused(value)
    assert text.problem("Your name", value) == f"Your name {SINGLE}"


@pytest.mark.parametrize(
    "value",
    ["Zoë Ó Briain-Nguyễn 🎨", "👩🏽‍🦱 and 🏳️‍🌈", "مكتبة \u200f and שעות", "می\u200cخواهم", "a\u200eb", "🏴󠁧󠁢󠁳󠁣󠁴󠁿"],
)
def test_real_writing_is_never_refused(value: str) -> None:
    assert not text.refused(value) and not text.refused(value, multiline=True)


def test_multi_line_fields_allow_line_breaks_and_tabs_but_not_hidden_characters() -> None:
    assert not text.refused("one\r\ntwo\rthree\n\tfour", multiline=True)
    assert text.normalise("one\r\ntwo\rthree", multiline=True) == "one\ntwo\nthree"
    for bad in ("a\x00b", "a\u202eb", "a\u2028b", "a\x1bb"):
        assert text.problem("The purpose", bad, multiline=True) == f"The purpose {HIDDEN}"


def test_a_tab_on_one_line_becomes_a_space() -> None:
    assert text.normalise("Opening\thours") == "Opening hours"
    assert not text.refused(text.normalise("Opening\thours"))


def test_remove_keeps_what_was_typed_minus_the_dangerous_part() -> None:
    assert text.remove("More\r\nbooks\x00 please\u202e") == "More books please"
    assert text.remove("More\r\nbooks\x00", multiline=True) == "More\nbooks"


# --- Every WTForms form ------------------------------------------------------------------


def _all_subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_all_subclasses(sub)}
    return found


def engage_form_classes() -> list[type[FlaskForm]]:
    for module in pkgutil.walk_packages(engage.__path__, "engage."):
        importlib.import_module(module.name)
    classes = [c for c in _all_subclasses(FlaskForm) if c.__module__.startswith("engage.")]
    return sorted((c for c in classes if c is not forms.Form), key=lambda c: (c.__module__, c.__name__))


def test_every_form_in_the_service_is_found() -> None:
    names = {c.__name__ for c in engage_form_classes()}
    assert {"LoginForm", "StaffAccountForm", "EditStaffForm", "NewSurveyForm", "QuestionForm"} <= names


@pytest.mark.parametrize("form_class", engage_form_classes(), ids=lambda c: c.__name__)
def test_every_text_field_of_every_form_follows_the_rule(app: Flask, form_class: type[FlaskForm]) -> None:
    assert issubclass(form_class, forms.Form), (
        f"{form_class.__name__} must subclass engage.platform.forms.Form"
    )
    with app.test_request_context(method="POST"):
        probe = form_class(meta={"csrf": False})
        fields = [f for f in probe if isinstance(f, StringField) and not isinstance(f, PasswordField)]
    for name in [f.name for f in fields]:
        with app.test_request_context(method="POST"):
            probe = form_class(meta={"csrf": False})
            multiline = isinstance(probe[name], TextAreaField)
            bad = "Opening\x00 hours\u202e" if multiline else "Opening\r\nBcc: hours"
            form = form_class(formdata=MultiDict({name: bad}), meta={"csrf": False})
            if hasattr(form, "setup_routing"):
                form.setup_routing([], {}, None)
            assert not form.validate(), (form_class.__name__, name)
            errors = form[name].errors
            assert errors, (form_class.__name__, name, "accepted")
            if not getattr(form[name], "number", None) and type(form[name]) in (StringField, TextAreaField):
                wanted = HIDDEN if multiline else SINGLE
                assert any(wanted in e for e in errors), (form_class.__name__, name, errors)


# --- Forms through the browser: WTForms and hand-written alike ---------------------------


class Staff:
    """Signed-in clients and a few things to change."""

    def __init__(self, app: Flask, make_staff: Callable[..., StaffUser], tmp_path: Path) -> None:
        self.app, self.make_staff, self.tmp_path = app, make_staff, tmp_path

    def client(self, role: Role = Role.OFFICER) -> PageClient:
        client = PageClient(self.app.test_client())
        assert sign_in(client, self.make_staff(role).email).h1 == "Dashboard"
        return client

    def count(self, model: type, *where: Any) -> int:
        with self.app.app_context():
            return int(db().scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _draft(client: PageClient) -> str:
    page = client.get("/staff/surveys/new")
    client.submit(page, {"title": "Library opening hours", "slug": "opening-hours", "purpose": "Tell us."})
    return "opening-hours"


def _forum(client: PageClient) -> str:
    page = client.get("/staff/forums/new")
    client.submit(page, {"name": "Culture Forum", "slug": "culture-forum", "purpose": "For culture."})
    return "culture-forum"


Case = Callable[[Staff], tuple[Page, str]]
CASES: dict[str, Case] = {}


def case(name: str) -> Callable[[Case], Case]:
    def register(func: Case) -> Case:
        CASES[name] = func
        return func

    return register


def post(client: PageClient, url: str, data: dict[str, Any], selector: str = "main form") -> Page:
    return client.submit(client.get(url), data, selector=selector, expected_status=400)


@case("staff account name (WTForms)")
def _staff_name(staff: Staff) -> tuple[Page, str]:
    admin = staff.client(Role.ADMIN)
    data = {"name": "Ann\r\nBcc: all@anyshire.gov.uk", "email": "ann@anyshire.gov.uk", "role": "viewer"}
    page = post(admin, "/staff/accounts/new", data)
    assert staff.count(StaffUser, StaffUser.email == "ann@anyshire.gov.uk") == 0
    return page, f"Full name {SINGLE}"


@case("staff account edit (WTForms)")
def _staff_edit(staff: Staff) -> tuple[Page, str]:
    admin = staff.client(Role.ADMIN)
    user = staff.make_staff(Role.VIEWER)
    page = post(admin, f"/staff/accounts/{user.id}", {"name": "Sam\rTest"})
    return page, f"Full name {SINGLE}"


@case("staff sign-in email (WTForms)")
def _sign_in(staff: Staff) -> tuple[Page, str]:
    client = PageClient(staff.app.test_client())
    page = post(client, "/staff/sign-in", {"email": "a@anyshire.gov.uk\r\n", "password": "x" * 12})
    return page, f"Email address {SINGLE}"


@case("survey title (builder, WTForms)")
def _survey_title(staff: Staff) -> tuple[Page, str]:
    officer = staff.client()
    data = {"title": "Opening\r\nhours", "slug": "opening-hours", "purpose": "Tell us."}
    page = post(officer, "/staff/surveys/new", data)
    assert staff.count(Survey) == 0
    return page, f"Title {SINGLE}"


@case("survey purpose (builder textarea)")
def _survey_purpose(staff: Staff) -> tuple[Page, str]:
    officer = staff.client()
    data = {"title": "Opening hours", "slug": "opening-hours", "purpose": "Tell\x00 us \u202e."}
    return post(officer, "/staff/surveys/new", data), f"Why you are asking {HIDDEN}"


@case("survey details title (builder)")
def _details_title(staff: Staff) -> tuple[Page, str]:
    officer = staff.client()
    slug = _draft(officer)
    return post(officer, f"/staff/surveys/{slug}/details", {"title": "Hours\nBcc: x"}), f"Title {SINGLE}"


@case("page title (builder)")
def _page_title(staff: Staff) -> tuple[Page, str]:
    officer = staff.client()
    slug = _draft(officer)
    page = post(officer, f"/staff/surveys/{slug}/pages/new", {"title": "About\r\nyou"})
    return page, f"Page title {SINGLE}"


@case("question text and hint (builder)")
def _question(staff: Staff) -> tuple[Page, str]:
    officer = staff.client()
    slug = _draft(officer)
    url = f"/staff/surveys/{slug}/pages/your_views/questions/new?type=short_text"
    page = post(officer, url, {"text": "Your\r\npostcode?", "hint": "Like\u202e AB1 2CD"})
    assert f"Hint {SINGLE}" in page.error_summary()
    return page, f"Question {SINGLE}"


@case("answer options (builder textarea)")
def _options(staff: Staff) -> tuple[Page, str]:
    officer = staff.client()
    slug = _draft(officer)
    url = f"/staff/surveys/{slug}/pages/your_views/questions/new?type=single_choice"
    page = post(officer, url, {"text": "How often?", "options": "Weekly\r\nNever\u202e"})
    return page, f"Answer options {HIDDEN}"


@case("survey areas (builder textarea)")
def _areas(staff: Staff) -> tuple[Page, str]:
    officer = staff.client()
    slug = _draft(officer)
    page = post(officer, f"/staff/surveys/{slug}/localities", {"localities": "North\x00gate: Central"})
    return page, f"Areas and libraries {HIDDEN}"


@case("duplicate survey title (builder)")
def _duplicate(staff: Staff) -> tuple[Page, str]:
    officer = staff.client()
    slug = _draft(officer)
    page = post(officer, f"/staff/surveys/{slug}/duplicate", {"title": "Copy\r\nBcc: x", "slug": "copy-x"})
    return page, f"Title of the new survey {SINGLE}"


@case("forum name (WTForms)")
def _forum_name(staff: Staff) -> tuple[Page, str]:
    officer = staff.client()
    data = {"name": "Culture\r\nBcc: x@example.org", "slug": "culture-forum", "purpose": "For culture."}
    page = post(officer, "/staff/forums/new", data)
    assert staff.count(Forum) == 0
    return page, f"The forum's name {SINGLE}"


@case("forum edit: areas (WTForms textarea)")
def _forum_areas(staff: Staff) -> tuple[Page, str]:
    officer = staff.client()
    slug = _forum(officer)
    page = post(officer, f"/staff/forums/{slug}/edit", {"localities": "North\u202egate\r\nRiver Mill"})
    return page, f"The areas {HIDDEN}"


@case("meeting title and place (WTForms)")
def _meeting(staff: Staff) -> tuple[Page, str]:
    officer = staff.client()
    slug = _forum(officer)
    data = {
        "title": "Spring\r\nmeeting",
        "place": "Central\x00 Library",
        "date": ["1", "6", "2027"],
        "time": "18:30",
        "capacity": "20",
    }
    page = post(officer, f"/staff/forums/{slug}/meetings/new", data)
    assert f"The place {SINGLE}" in page.error_summary()
    assert staff.count(ForumMeeting) == 0
    return page, f"The title {SINGLE}"


@case("forum email subject (WTForms)")
def _forum_subject(staff: Staff) -> tuple[Page, str]:
    officer = staff.client()
    slug = _forum(officer)
    data = {"subject": "News\r\nBcc: x@example.org", "body": "Hello", "audience": "all"}
    return post(officer, f"/staff/forums/{slug}/email", data), f"The subject {SINGLE}"


@case("forum sign-up name, organisation and role (hand-written)")
def _sign_up(staff: Staff) -> tuple[Page, str]:
    officer = staff.client()
    slug = _forum(officer)
    resident = PageClient(staff.app.test_client())
    data = sign_up_data(name="Priya\r\nShah", organisation="Arts\nCollective", role="Chair\u202e")
    page = post(resident, f"/forums/{slug}/register", data)
    for label in ("Organisation", "Your role"):
        assert f"{label} {SINGLE}" in page.error_summary()
    assert staff.count(ForumMember) == 0
    return page, f"Your name {SINGLE}"


@case("kiosk name (hand-written)")
def _kiosk(staff: Staff) -> tuple[Page, str]:
    with staff.app.app_context():
        from engage.platform import clock
        from surveys import services

        services.save_definition(db(), copy.deepcopy(SURVEY), clock.now())
        db().commit()
    branch = staff.client(Role.BRANCH_STAFF)
    page = post(branch, "/staff/kiosks/new", {"name": "Tablet\r\none"})
    assert staff.count(KioskDevice) == 0
    return page, f"The tablet's name {SINGLE}"


@case("action plan priority (WTForms)")
def _priority(staff: Staff) -> tuple[Page, str]:
    officer = staff.client()
    page = post(officer, "/staff/actions/priorities/new", {"title": "Digital\r\ninclusion"})
    assert staff.count(Priority) == 0
    return page, f"The priority's title {SINGLE}"


@case("action title and lead officer (WTForms)")
def _action(staff: Staff) -> tuple[Page, str]:
    officer = staff.client()
    officer.submit(officer.get("/staff/actions/priorities/new"), {"title": "Digital inclusion"})
    data = {"title": "Digital\r\nbuddies", "lead_officer": "Head of\nLibraries", "timescale": "year1"}
    page = post(officer, "/staff/actions/new", data)
    assert f"The lead officer {SINGLE}" in page.error_summary()
    assert staff.count(Action) == 0
    return page, f"The action {SINGLE}"


@pytest.mark.parametrize("name", list(CASES))
def test_a_line_break_in_a_single_line_field_is_refused_with_a_plain_message(
    app: Flask, make_staff: Callable[..., StaffUser], tmp_path: Path, name: str
) -> None:
    page, message = CASES[name](Staff(app, make_staff, tmp_path))
    assert page.status == 400
    assert message in page.error_summary(), page.error_summary()


# --- Survey definitions: the builder's backstop and the command line ----------------------


def test_definitions_refuse_line_breaks_in_single_line_strings() -> None:
    bad = copy.deepcopy(SURVEY)
    bad["title"] = "Library\r\nsurvey"
    bad["slug"] = "test-survey\n"  # the schema's pattern alone lets a trailing newline through
    bad["pages"][0]["title"] = "Use\u202e"
    bad["pages"][0]["questions"][0]["options"][0]["label"] = "Weekly\x00"
    bad["purpose"] = "Why\r\nwe ask"  # multi-line: fine
    problems = {p.path: p.message for p in definition.validate(bad)}
    assert problems["$.title"] == "must not contain line breaks or hidden control characters"
    assert problems["$.slug"] == "must not contain line breaks or hidden control characters"
    assert "$.pages[0].title" in problems and "$.pages[0].questions[0].options[0].label" in problems
    assert "$.purpose" not in problems
    bad["purpose"] = "Why\x00 we ask"
    assert {p.path for p in definition.validate(bad)} >= {"$.purpose"}


def test_surveys_import_refuses_a_title_with_a_line_break(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "survey.json"
    path.write_text(json.dumps({**SURVEY, "title": "Library\r\nBcc: everyone@example.org"}))
    result = app.test_cli_runner().invoke(args=["surveys", "import", str(path)])
    assert result.exit_code == 1
    assert "must not contain line breaks or hidden control characters" in result.output
    with app.app_context():
        assert db().scalar(select(func.count()).select_from(Survey)) == 0

"""The survey builder: officers make and change surveys in the browser, without writing JSON.

Every change is made to a copy of the latest version's definition, checked with
:func:`surveys.definition.validate`, and only then saved as the draft with
:func:`surveys.services.save_definition`. Published versions never change: the first
edit after publishing makes the next version number as a new draft.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from engage.accounts.decorators import current_staff, role_required
from engage.accounts.models import Role
from engage.builder import editing
from engage.builder import services as builder
from engage.builder.forms import (
    ConfirmForm,
    DetailsForm,
    DuplicateForm,
    LocalitiesForm,
    NewSurveyForm,
    PageForm,
    QuestionForm,
    check_slug,
)
from engage.platform import clock
from engage.platform.database import db
from engage.platform.forms import form_status
from engage.platform.links import external_url
from engage.staff.surveys import survey_or_404
from surveys import services
from surveys.definition import parse
from surveys.models import Survey, SurveyVersion

bp = Blueprint("builder", __name__, url_prefix="/surveys")

Definition = dict[str, Any]


# --- Helpers ---------------------------------------------------------------------------


def _survey(slug: str) -> Survey:
    return survey_or_404(slug)


def _latest(survey: Survey) -> SurveyVersion:
    return survey.latest


def _data(survey: Survey) -> Definition:
    """A copy of the latest definition to change."""
    return copy.deepcopy(_latest(survey).definition)


def state_of(survey: Survey, now: datetime) -> str:
    if survey.published is None:
        return "Draft"
    reason = services.availability(survey, now).reason
    return {"open": "Open", "not_open_yet": "Scheduled", "closed": "Closed"}.get(reason, "Draft")


STATE_TAGS = {
    "Draft": "govuk-tag--grey",
    "Open": "govuk-tag--green",
    "Scheduled": "govuk-tag--blue",
    "Closed": "govuk-tag--red",
}


def _problems(data: Definition) -> list[str]:
    return builder.problems_in(data)


def _save(
    survey: Survey,
    data: Definition,
    action: str,
    summary: str,
    details: dict[str, Any] | None = None,
) -> list[str]:
    """Save ``data`` as the draft (``builder.save_draft``). Problems in words, or []."""
    try:
        saved = builder.save_draft(
            db(),
            survey,
            data,
            action=action,
            summary=summary,
            details=details,
            by=current_staff(),
            now=clock.now(),
        )
    except builder.DraftError as refused:
        db().rollback()
        return refused.problems
    db().commit()
    if saved.kept is not None:
        g.builder_note = (
            f"Your change is in a new draft, version {saved.version.number}. "
            f"Version {saved.kept.number} stays as it is until you publish the draft."
        )
    return []


def _saved(message: str) -> None:
    """Flash one success message (two banners on a page would share an id)."""
    note = g.pop("builder_note", None)
    flash(f"{message} {note}" if note else message, "success")


def _errors(messages: list[str]) -> list[dict[str, str]]:
    return [{"text": message} for message in messages]


def _page_or_404(data: Definition, page_id: str) -> dict[str, Any]:
    try:
        return editing.get_page(data, page_id)
    except KeyError:
        abort(404)


def _question_or_404(data: Definition, question_id: str) -> dict[str, Any]:
    try:
        return editing.get_question(data, question_id)
    except KeyError:
        abort(404)


def _overview_url(survey: Survey, anchor: str | None = None) -> str:
    url = url_for("staff.builder.overview", slug=survey.slug)
    return f"{url}#{anchor}" if anchor else url


def _to_datetime(day: date | None, end: bool) -> str | None:
    if day is None:
        return None
    return (clock.end_of_day(day) if end else clock.start_of_day(day)).isoformat()


def _from_datetime(value: str | None) -> date | None:
    if not value:
        return None
    return clock.local(datetime.fromisoformat(value.replace("Z", "+00:00"))).date()


def _new_slug(form: NewSurveyForm | DuplicateForm) -> str | None:
    """The web address chosen (or made from the title); errors go on the form."""
    slug = form.slug.data or editing.slugify(form.title.data or "", "-", 60)
    problem = check_slug(slug)
    if problem is None and (slug in editing.RESERVED_SLUGS or services.get_survey(db(), slug) is not None):
        problem = "A survey already uses that web address. Choose a different one"
    if problem:
        if not form.slug.data:
            problem = "Enter a web address: we could not make one from the title"
        form.slug.errors = [problem]
        return None
    return slug


# --- List, create, overview ----------------------------------------------------------------


@bp.get("")
@role_required(Role.VIEWER)
def list_surveys() -> str:
    session = db()
    now = clock.now()
    surveys = list(session.scalars(select(Survey).order_by(Survey.created_at.desc(), Survey.id.desc())))
    rows = [
        {
            "survey": survey,
            "state": state_of(survey, now),
            "version": survey.latest.number if survey.versions else None,
            "responses": services.count_submitted(session, survey),
        }
        for survey in surveys
    ]
    return render_template("builder/list.html", title="Surveys", rows=rows, state_tags=STATE_TAGS)


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def new_survey() -> ResponseReturnValue:
    form = NewSurveyForm()
    if form.validate_on_submit():
        slug = _new_slug(form)
        if slug is not None:
            survey = builder.create(
                db(),
                slug,
                form.title.data or "",
                form.purpose.data or "",
                by=current_staff(),
                now=clock.now(),
            )
            db().commit()
            _saved(f"The survey '{survey.title}' has been created as a draft.")
            return redirect(url_for("staff.builder.overview", slug=slug))
    return render_template("builder/new.html", title="Create a survey", form=form), form_status(form)


def _page_summaries(data: Definition) -> list[dict[str, Any]]:
    pages = []
    for number, page in enumerate(data["pages"], start=1):
        questions = []
        for qnumber, question in enumerate(page["questions"], start=1):
            detail = []
            if question["type"] in editing.CHOICE_TYPES:
                labels = [o["label"] for o in question.get("options", [])]
                if "other" in question:
                    labels.append(f"{question['other']['label']} (with a box to specify)")
                detail.append("Options: " + "; ".join(labels))
            if question["type"] == "grid":
                detail.append("Statements: " + "; ".join(s["text"] for s in question.get("statements", [])))
            if question["type"] == "ranking" and "top_n" in question:
                detail.append(f"Top {question['top_n']} in order")
            if question.get("kiosk") == "skip":
                detail.append("Not asked on library tablets")
            questions.append(
                {
                    "number": qnumber,
                    "question": question,
                    "type_label": editing.TYPE_LABELS[question["type"]],
                    "required": question.get("required", True),
                    "routing": editing.describe_routing(question.get("show_if"), data)
                    if "show_if" in question
                    else "",
                    "detail": detail,
                }
            )
        pages.append(
            {
                "number": number,
                "page": page,
                "routing": editing.describe_routing(page.get("show_if"), data) if "show_if" in page else "",
                "questions": questions,
            }
        )
    return pages


def _render_overview(survey: Survey, page_errors: list[str] | None = None) -> ResponseReturnValue:
    version = _latest(survey)
    data = version.definition
    now = clock.now()
    return render_template(
        "builder/overview.html",
        title=survey.title,
        survey=survey,
        version=version,
        data=data,
        state=state_of(survey, now),
        state_tags=STATE_TAGS,
        is_open=services.availability(survey, now).open,
        opens_on=_from_datetime(data.get("opens_at")),
        closes_on=_from_datetime(data.get("closes_at")),
        pages=_page_summaries(data),
        can_edit=current_staff().has_role(Role.OFFICER),
        endpoints=set(current_app.view_functions),
        public_url=external_url("residents.start", slug=survey.slug),
        page_errors=_errors(page_errors) if page_errors else None,
        confirm=ConfirmForm(),
    ), form_status(None, page_errors)


@bp.get("/<slug>")
@role_required(Role.VIEWER)
def overview(slug: str) -> ResponseReturnValue:
    return _render_overview(_survey(slug))


# --- Details and localities -------------------------------------------------------------------


@bp.route("/<slug>/details", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def details(slug: str) -> ResponseReturnValue:
    survey = _survey(slug)
    data = _data(survey)
    if request.method == "GET":
        form = DetailsForm(
            data={
                "title": data["title"],
                "purpose": data["purpose"],
                "what_happens": data.get("what_happens", ""),
                "duration_minutes": str(data.get("duration_minutes", "")),
                "opens_on": _from_datetime(data.get("opens_at")),
                "closes_on": _from_datetime(data.get("closes_at")),
                "resume_days": str(data.get("resume_days", "")),
                "equality_section": "yes" if data.get("equality_section") else "no",
                "follow_up": "yes" if data.get("follow_up", True) else "no",
            }
        )
    else:
        form = DetailsForm()
    page_errors: list[str] = []
    if form.validate_on_submit():
        before = {k: data.get(k) for k in _DETAIL_KEYS}
        editing.update_details(
            data,
            title=form.title.data,
            purpose=form.purpose.data,
            what_happens=form.what_happens.data,
            duration_minutes=form.duration_minutes.number,
            opens_at=_to_datetime(form.opens_on.data, end=False),
            closes_at=_to_datetime(form.closes_on.data, end=True),
            resume_days=form.resume_days.number,
            equality_section=True if form.equality_section.data == "yes" else None,
            # Offered unless switched off, so "yes" leaves the key out.
            follow_up=None if form.follow_up.data == "yes" else False,
        )
        after = {k: data.get(k) for k in _DETAIL_KEYS}
        changed = {k: {"before": before[k], "after": after[k]} for k in _DETAIL_KEYS if before[k] != after[k]}
        if not changed:
            return redirect(_overview_url(survey))
        page_errors = _save(survey, data, "survey.details_updated", "Changed the survey's details", changed)
        if not page_errors:
            _saved("The survey's details have been saved.")
            return redirect(_overview_url(survey))
    return render_template(
        "builder/details.html",
        title="Survey details",
        survey=survey,
        form=form,
        page_errors=_errors(page_errors),
    ), form_status(form, page_errors)


_DETAIL_KEYS = (
    "title",
    "purpose",
    "what_happens",
    "duration_minutes",
    "opens_at",
    "closes_at",
    "resume_days",
    "equality_section",
    "follow_up",
)


@bp.route("/<slug>/localities", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def localities(slug: str) -> ResponseReturnValue:
    survey = _survey(slug)
    data = _data(survey)
    if request.method == "GET":
        form = LocalitiesForm(data={"localities": editing.localities_to_text(data)})
    else:
        form = LocalitiesForm()
    page_errors: list[str] = []
    if form.validate_on_submit():
        try:
            parsed = editing.localities_from_text(form.localities.data or "", data.get("localities"))
        except editing.EditError as error:
            form.localities.errors = [str(error)]
        else:
            before = data.get("localities", [])
            editing.set_localities(data, parsed)
            if parsed == before:
                return redirect(_overview_url(survey))
            page_errors = _save(
                survey,
                data,
                "survey.localities_updated",
                "Changed the survey's areas and libraries",
                {"localities": parsed},
            )
            if not page_errors:
                _saved("The areas and libraries have been saved.")
                return redirect(_overview_url(survey, "localities"))
    return render_template(
        "builder/localities.html",
        title="Areas and libraries",
        survey=survey,
        form=form,
        page_errors=_errors(page_errors),
    ), form_status(form, page_errors)


# --- Routing fields shared by pages and questions ----------------------------------------------


def _setup_routing(
    form: PageForm | QuestionForm, data: Definition, before_page: str | None, existing: dict[str, Any] | None
) -> None:
    targets = editing.earlier_questions(data, before_page)
    listed = {
        q["id"]: editing.answer_choices(data, q) for q in targets if q["type"] in editing.LISTED_ANSWER_TYPES
    }
    form.setup_routing(targets, listed, existing)
    form.existing_rule_words = editing.describe_condition(existing, data) if existing else ""


def _choosing_answers() -> bool:
    """The officer pressed "Show its answers" to pick answers for a newly chosen question."""
    return request.method == "POST" and request.form.get("action") == "pick"


@dataclass(frozen=True)
class _Change:
    """One edit a page or question editor made to the definition, ready to save."""

    action: str  # the audit action, like "survey.page_added"
    summary: str
    details: dict[str, Any]
    done: str  # the message shown once it is saved
    anchor: str  # where on the overview the officer lands: "page-<id>" or "question-<id>"


def _edit(
    survey: Survey,
    data: Definition,
    form: PageForm | QuestionForm,
    change: Callable[[], _Change | str],
    show: Callable[[list[str]], ResponseReturnValue],
) -> ResponseReturnValue:
    """The one way every page and question editor (adding or changing) works.

    When the officer sent a valid form (and is not just picking a routing question's
    answers), ``change`` edits ``data`` and says what it did, or returns the overview
    anchor when nothing changed; the draft is saved with its audit row
    (``builder.save_draft``) and the officer goes back to the overview. Otherwise, or if
    the draft cannot be saved, ``show`` draws the editor with the problems.
    """
    if _choosing_answers() or not form.validate_on_submit():
        return show([])
    made = change()
    if isinstance(made, str):
        return redirect(_overview_url(survey, made))
    problems = _save(survey, data, made.action, made.summary, made.details)
    if problems:
        return show(problems)
    _saved(made.done)
    return redirect(_overview_url(survey, made.anchor))


# --- Pages -----------------------------------------------------------------------------------


def _page_form_response(
    survey: Survey,
    data: Definition,
    form: PageForm,
    page: dict[str, Any] | None,
    page_errors: list[str],
) -> ResponseReturnValue:
    return render_template(
        "builder/page_form.html",
        title="Change page" if page else "Add a page",
        survey=survey,
        form=form,
        page=page,
        page_number=editing.page_index(data, page["id"]) + 1 if page else len(data["pages"]) + 1,
        page_errors=_errors(page_errors),
    ), form_status(form, page_errors)


@bp.route("/<slug>/pages/new", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def page_new(slug: str) -> ResponseReturnValue:
    survey = _survey(slug)
    data = _data(survey)
    form = PageForm()
    _setup_routing(form, data, None, None)
    if request.method == "GET":
        form.route.data = "everyone"

    def add() -> _Change:
        # A page needs a question: the officer goes straight on to add one. Until then the
        # page holds a placeholder so the draft stays valid.
        title = form.title.data or ""
        page_id = editing.add_page(data, title, form.intro.data or "", form.condition, questions=[])
        placeholder = editing.build_question(
            editing.make_id(editing.DEFAULT_QUESTION_TEXT, editing.question_ids(data)),
            "long_text",
            editing.DEFAULT_QUESTION_TEXT,
            {"required": False},
        )
        editing.get_page(data, page_id)["questions"].append(placeholder)
        return _Change(
            "survey.page_added",
            f"Added the page {title!r}",
            {"page": page_id, "show_if": form.condition},
            f"The page '{title}' has been added with one optional long text question. "
            "Change that question or add others.",
            f"page-{page_id}",
        )

    return _edit(
        survey, data, form, add, lambda problems: _page_form_response(survey, data, form, None, problems)
    )


@bp.route("/<slug>/pages/<page_id>", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def page_edit(slug: str, page_id: str) -> ResponseReturnValue:
    survey = _survey(slug)
    data = _data(survey)
    page = _page_or_404(data, page_id)
    existing = page.get("show_if")
    if request.method == "GET":
        form = PageForm(data={"title": page["title"], "intro": page.get("intro", "")})
        form.load_routing(existing)
    else:
        form = PageForm()
    _setup_routing(form, data, page_id, existing)

    def update() -> _Change | str:
        before = {k: page.get(k) for k in ("title", "intro", "show_if")}
        editing.update_page(data, page_id, form.title.data or "", form.intro.data or "", form.condition)
        after = {k: page.get(k) for k in ("title", "intro", "show_if")}
        if before == after:
            return f"page-{page_id}"
        return _Change(
            "survey.page_updated",
            f"Changed the page {after['title']!r}",
            {"page": page_id, "before": before, "after": after},
            f"The page '{after['title']}' has been saved.",
            f"page-{page_id}",
        )

    return _edit(
        survey, data, form, update, lambda problems: _page_form_response(survey, data, form, page, problems)
    )


# --- Questions ---------------------------------------------------------------------------------


def _type_chooser(
    survey: Survey, data: Definition, heading: str, chosen: str | None, error: str | None, back: str
) -> ResponseReturnValue:
    return render_template(
        "builder/question_type.html",
        title=heading,
        survey=survey,
        heading=heading,
        types=editing.TYPE_LABELS,
        hints=editing.TYPE_HINTS,
        chosen=chosen,
        error=error,
        back=back,
        page_errors=[{"text": error, "href": "#type"}] if error else None,
    ), (400 if error else 200)


def _type_problem(data: Definition, kind: str) -> str | None:
    if kind not in editing.TYPE_LABELS:
        return "Select the type of question"
    if kind == "locality" and not data.get("localities"):
        return "Add the survey's areas on the 'Areas and libraries' page before asking people to choose one"
    if kind == "branch" and not any(loc.get("branches") for loc in data.get("localities", [])):
        return (
            "Add the survey's libraries on the 'Areas and libraries' page before asking people to choose one"
        )
    return None


def _question_defaults(question: dict[str, Any]) -> dict[str, Any]:
    options = question.get("options", [])
    exclusive = next((o for o in options if o.get("exclusive")), None)

    def number(key: str) -> str:
        value = question.get(key)
        return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)

    return {
        "text": question["text"],
        "hint": question.get("hint", ""),
        "optional": "no" if question.get("required", True) else "yes",
        "options": editing.options_to_text(options),
        "other": "other" in question,
        "other_label": question.get("other", {}).get("label", "Other"),
        "none": exclusive is not None,
        "none_label": exclusive["label"] if exclusive else "None of these",
        "statements": "\n".join(s["text"] for s in question.get("statements", [])),
        "top_n": number("top_n"),
        "max_length": number("max_length"),
        "min": number("min"),
        "max": number("max"),
        "integer": question.get("integer", True),
        "suffix": question.get("suffix", ""),
        "earliest": date.fromisoformat(question["earliest"]) if question.get("earliest") else None,
        "latest": date.fromisoformat(question["latest"]) if question.get("latest") else None,
        "kiosk_skip": question.get("kiosk") == "skip",
    }


NEW_QUESTION_DEFAULTS: dict[str, Any] = {
    "optional": "no",
    "other_label": "Other",
    "none_label": "None of these",
    "integer": True,
}


def _question_fields(form: QuestionForm, kind: str, existing: dict[str, Any] | None) -> dict[str, Any]:
    """The form's answers as :func:`editing.build_question` fields."""
    old_options = (existing or {}).get("options") if existing and existing["type"] == kind else None
    other = {"label": form.other_label.data} if form.other.data and kind in editing.OTHER_TYPES else None
    if other and existing and "other" in existing and "max_length" in existing["other"]:
        other["max_length"] = existing["other"]["max_length"]
    options: list[dict[str, Any]] = []
    if kind in editing.CHOICE_TYPES:
        options = editing.options_from_lines(
            form.option_lines(), old_options, reserved={"other"} if other else set()
        )
        if kind == "multiple_choice" and form.none.data:
            options.append(editing.exclusive_option(form.none_label.data or "", options, old_options))
    statements = None
    if kind == "grid":
        old = existing.get("statements") if existing else None
        statements = editing.statements_from_lines(form.statement_lines(), old)
    return {
        "hint": form.hint.data,
        "required": form.optional.data != "yes",
        "options": options,
        "other": other,
        "statements": statements,
        "top_n": form.top_n.number,
        "max_length": form.max_length.number,
        "min": form.min.number,
        "max": form.max.number,
        "integer": bool(form.integer.data),
        "suffix": form.suffix.data,
        "earliest": form.earliest.data.isoformat() if form.earliest.data else None,
        "latest": form.latest.data.isoformat() if form.latest.data else None,
        "kiosk_skip": bool(form.kiosk_skip.data),
        "show_if": form.condition,
    }


def _question_form_response(
    survey: Survey,
    data: Definition,
    form: QuestionForm,
    kind: str,
    page: dict[str, Any],
    question: dict[str, Any] | None,
    page_errors: list[str],
    change_type_url: str,
) -> ResponseReturnValue:
    return render_template(
        "builder/question_form.html",
        title="Change question" if question else "Add a question",
        survey=survey,
        form=form,
        kind=kind,
        type_label=editing.TYPE_LABELS[kind],
        page=page,
        question=question,
        change_type_url=change_type_url,
        page_errors=_errors(page_errors),
    ), form_status(form, page_errors)


@bp.route("/<slug>/pages/<page_id>/questions/new", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def question_new(slug: str, page_id: str) -> ResponseReturnValue:
    survey = _survey(slug)
    data = _data(survey)
    page = _page_or_404(data, page_id)
    kind = request.args.get("type", "")
    back = _overview_url(survey, f"page-{page_id}")
    problem = _type_problem(data, kind) if kind else None
    if not kind or problem:
        return _type_chooser(survey, data, "What type of question is it?", kind or None, problem, back)
    if request.method == "GET":
        form = QuestionForm(data=NEW_QUESTION_DEFAULTS)
        form.route.data = "everyone"
    else:
        form = QuestionForm()
    form.kind = kind
    _setup_routing(form, data, page_id, None)

    def add() -> _Change:
        text = form.text.data or ""
        question_id = editing.add_question(data, page_id, kind, text, _question_fields(form, kind, None))
        replaced = _drop_placeholder(data, page_id, question_id)
        return _Change(
            "survey.question_added",
            f"Added the question {text!r} to the page {page['title']!r}",
            {"page": page_id, "question": editing.get_question(data, question_id), "replaced": replaced},
            f"The question '{text}' has been added.",
            f"question-{question_id}",
        )

    change_type = url_for("staff.builder.question_new", slug=slug, page_id=page_id)
    return _edit(
        survey,
        data,
        form,
        add,
        lambda problems: _question_form_response(survey, data, form, kind, page, None, problems, change_type),
    )


def _drop_placeholder(data: Definition, page_id: str, added: str) -> str | None:
    """A new page starts with an untouched placeholder question; the first real one replaces it."""
    page = editing.get_page(data, page_id)
    first = page["questions"][0]
    untouched = {
        "id": first["id"],
        "type": "long_text",
        "text": editing.DEFAULT_QUESTION_TEXT,
        "required": False,
    }
    if (
        len(page["questions"]) == 2
        and first == untouched
        and first["id"] != added
        and not editing.references(data, first["id"])
    ):
        page["questions"].pop(0)
        return str(first["id"])
    return None


@bp.route("/<slug>/questions/<question_id>", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def question_edit(slug: str, question_id: str) -> ResponseReturnValue:
    survey = _survey(slug)
    data = _data(survey)
    question = _question_or_404(data, question_id)
    page = editing.page_of_question(data, question_id)
    kind = request.args.get("type") or question["type"]
    problem = _type_problem(data, kind)
    if problem:
        return _type_chooser(
            survey,
            data,
            "Change the type of question",
            kind,
            problem,
            url_for("staff.builder.question_edit", slug=slug, question_id=question_id),
        )
    existing = question.get("show_if")
    if request.method == "GET":
        form = QuestionForm(data=_question_defaults(question))
        form.load_routing(existing)
    else:
        form = QuestionForm()
    form.kind = kind
    _setup_routing(form, data, page["id"], existing)

    def update() -> _Change | str:
        before = copy.deepcopy(question)
        fields = _question_fields(form, kind, question)
        editing.update_question(data, question_id, kind, form.text.data or "", fields)
        after = editing.get_question(data, question_id)
        if before == after:
            return f"question-{question_id}"
        return _Change(
            "survey.question_updated",
            f"Changed the question {after['text']!r}",
            {"question": question_id, "before": before, "after": after},
            f"The question '{after['text']}' has been saved.",
            f"question-{question_id}",
        )

    change_type = url_for("staff.builder.question_type", slug=slug, question_id=question_id)
    return _edit(
        survey,
        data,
        form,
        update,
        lambda problems: _question_form_response(
            survey, data, form, kind, page, question, problems, change_type
        ),
    )


@bp.get("/<slug>/questions/<question_id>/type")
@role_required(Role.OFFICER)
def question_type(slug: str, question_id: str) -> ResponseReturnValue:
    survey = _survey(slug)
    data = _data(survey)
    question = _question_or_404(data, question_id)
    return render_template(
        "builder/question_type.html",
        title="Change the type of question",
        survey=survey,
        heading="Change the type of question",
        types=editing.TYPE_LABELS,
        hints=editing.TYPE_HINTS,
        chosen=question["type"],
        error=None,
        action=url_for("staff.builder.question_edit", slug=slug, question_id=question_id),
        back=url_for("staff.builder.question_edit", slug=slug, question_id=question_id),
        page_errors=None,
    )


# --- Deleting and moving a page or a question: one implementation ------------------------


@dataclass(frozen=True)
class _Part:
    """What differs between deleting or moving a page and a question."""

    noun: str  # "page" or "question"
    find: Callable[[Definition, str], dict[str, Any]]
    name: Callable[[dict[str, Any]], str]
    delete: Callable[[Definition, str], object]
    move: Callable[[Definition, str, int], bool]
    #: Where routing uses the part (a page's own routing goes with it).
    used_by: Callable[[Definition, str, dict[str, Any]], list[str]]
    #: Whether that routing must be changed first (a question's) or only warned of (a page's).
    blocked_by_routing: bool
    warning: Callable[[dict[str, Any]], str]
    #: The delete page's title (a question's text can be too long for one).
    delete_title: Callable[[str], str]


def _page_routing(data: Definition, page_id: str, page: dict[str, Any]) -> list[str]:
    own = f"page {editing.page_index(data, page_id) + 1}"
    return [
        where
        for question in page["questions"]
        for where in editing.references(data, question["id"])
        if not where.startswith(own)
    ]


def _questions_warning(page: dict[str, Any]) -> str:
    count = len(page["questions"])
    return f"Its {count} question{'s' if count != 1 else ''} will be deleted too."


PAGE = _Part(
    "page",
    _page_or_404,
    lambda page: str(page["title"]),
    editing.delete_page,
    editing.move_page,
    _page_routing,
    blocked_by_routing=False,
    warning=_questions_warning,
    delete_title=lambda name: f"Delete the page '{name}'",
)
QUESTION = _Part(
    "question",
    _question_or_404,
    lambda question: str(question["text"]),
    editing.delete_question,
    editing.move_question,
    lambda data, question_id, _question: editing.references(data, question_id),
    blocked_by_routing=True,
    warning=lambda _question: "",
    delete_title=lambda _name: "Delete the question",
)


def _delete(part: _Part, slug: str, part_id: str) -> ResponseReturnValue:
    survey = _survey(slug)
    data = _data(survey)
    found = part.find(data, part_id)
    name = part.name(found)
    form = ConfirmForm()
    page_errors: list[str] = []
    # Worked out before deleting: the survey without the part no longer has it to look up.
    used_by = part.used_by(data, part_id, found)
    if form.validate_on_submit():
        without = copy.deepcopy(data)
        try:
            part.delete(without, part_id)
        except editing.EditError as error:
            page_errors = [str(error)]
        else:
            if used_by and part.blocked_by_routing:
                page_errors = [
                    f"Routing on {where} depends on this {part.noun}. Change that routing first"
                    for where in used_by
                ]
            else:
                page_errors = _save(
                    survey,
                    without,
                    f"survey.{part.noun}_deleted",
                    f"Deleted the {part.noun} {name!r}",
                    {part.noun: part_id, "deleted": found},
                )
            if not page_errors:
                _saved(f"The {part.noun} '{name}' has been deleted.")
                return redirect(_overview_url(survey))
    return render_template(
        "builder/delete.html",
        title=part.delete_title(name),
        survey=survey,
        form=form,
        heading=f"Are you sure you want to delete the {part.noun} '{name}'?",
        warning=part.warning(found),
        used_by=used_by,
        page_errors=_errors(page_errors),
    ), form_status(form, page_errors)


def _move(part: _Part, slug: str, part_id: str) -> ResponseReturnValue:
    survey = _survey(slug)
    data = _data(survey)
    name = part.name(part.find(data, part_id))
    direction = -1 if request.form.get("direction") == "up" else 1
    way = "up" if direction < 0 else "down"
    if part.move(data, part_id, direction):
        problems = _save(
            survey,
            data,
            f"survey.{part.noun}_moved",
            f"Moved the {part.noun} {name!r} {way}",
            {part.noun: part_id, "direction": way},
        )
        if problems:
            return _render_overview(
                survey, [f"The {part.noun} '{name}' could not be moved. {p}" for p in problems]
            )
    return redirect(_overview_url(survey, f"{part.noun}-{part_id}"))


@bp.route("/<slug>/pages/<page_id>/delete", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def page_delete(slug: str, page_id: str) -> ResponseReturnValue:
    return _delete(PAGE, slug, page_id)


@bp.post("/<slug>/pages/<page_id>/move")
@role_required(Role.OFFICER)
def page_move(slug: str, page_id: str) -> ResponseReturnValue:
    return _move(PAGE, slug, page_id)


@bp.route("/<slug>/questions/<question_id>/delete", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def question_delete(slug: str, question_id: str) -> ResponseReturnValue:
    return _delete(QUESTION, slug, question_id)


@bp.post("/<slug>/questions/<question_id>/move")
@role_required(Role.OFFICER)
def question_move(slug: str, question_id: str) -> ResponseReturnValue:
    return _move(QUESTION, slug, question_id)


# --- Preview, publish, close, duplicate, download ------------------------------------------------


@bp.get("/<slug>/preview")
@role_required(Role.VIEWER)
def preview_start(slug: str) -> ResponseReturnValue:
    survey = _survey(slug)
    definition = parse(_latest(survey).definition)
    return redirect(url_for("staff.builder.preview", slug=slug, page_id=definition.all_pages[0].id))


@bp.get("/<slug>/preview/<page_id>")
@role_required(Role.VIEWER)
def preview(slug: str, page_id: str) -> ResponseReturnValue:
    survey = _survey(slug)
    version = _latest(survey)
    definition = parse(version.definition)
    pages = list(definition.all_pages)
    ids = [p.id for p in pages]
    if page_id not in ids:
        abort(404)
    index = ids.index(page_id)
    page = pages[index]
    raw = version.definition
    return render_template(
        "builder/preview.html",
        title=f"Preview: {page.title}",
        survey=survey,
        version=version,
        definition=definition,
        page=page,
        page_number=index + 1,
        page_count=len(pages),
        page_routing=editing.describe_routing(page.show_if, raw) if page.show_if else "",
        routing={q.id: editing.describe_routing(q.show_if, raw) for q in page.questions if q.show_if},
        previous_url=url_for("staff.builder.preview", slug=slug, page_id=ids[index - 1])
        if index > 0
        else None,
        next_url=url_for("staff.builder.preview", slug=slug, page_id=ids[index + 1])
        if index + 1 < len(ids)
        else None,
    )


@bp.post("/<slug>/publish")
@role_required(Role.OFFICER)
def publish(slug: str) -> ResponseReturnValue:
    survey = _survey(slug)
    try:
        version = builder.publish(db(), survey, by=current_staff(), now=clock.now())
    except builder.DraftError as refused:
        db().rollback()
        return _render_overview(survey, refused.problems)
    if version is None:
        flash("There is no draft to publish: the latest version is already published.", "info")
        return redirect(_overview_url(survey))
    db().commit()
    link = external_url("residents.start", slug=survey.slug)
    _saved(f"Version {version.number} of '{survey.title}' is published. Its link is {link}")
    return redirect(_overview_url(survey))


@bp.post("/<slug>/close")
@role_required(Role.OFFICER)
def close(slug: str) -> ResponseReturnValue:
    survey = _survey(slug)
    if not builder.close(db(), survey, by=current_staff(), now=clock.now()):
        flash("The survey is not open, so there is nothing to close.", "info")
        return redirect(_overview_url(survey))
    db().commit()
    _saved(f"'{survey.title}' is closed. People can no longer answer it.")
    return redirect(_overview_url(survey))


@bp.route("/<slug>/duplicate", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def duplicate(slug: str) -> ResponseReturnValue:
    survey = _survey(slug)
    if request.method == "GET":
        form = DuplicateForm(data={"title": f"Copy of {survey.title}"[:150]})
    else:
        form = DuplicateForm()
    if form.validate_on_submit():
        new_slug = _new_slug(form)
        if new_slug is not None:
            copy_of = builder.duplicate(
                db(), survey, new_slug, form.title.data or "", by=current_staff(), now=clock.now()
            )
            db().commit()
            _saved(f"'{copy_of.title}' has been created as a draft copy of '{survey.title}'.")
            return redirect(url_for("staff.builder.overview", slug=new_slug))
    return render_template(
        "builder/duplicate.html", title="Duplicate the survey", survey=survey, form=form
    ), form_status(form)


@bp.get("/<slug>/definition.json")
@role_required(Role.VIEWER)
def download(slug: str) -> Response:
    survey = _survey(slug)
    version = _latest(survey)
    body = json.dumps(version.definition, indent=2, ensure_ascii=False) + "\n"
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{survey.slug}-v{version.number}.json"'
    return response

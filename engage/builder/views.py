"""The survey builder: officers make and change surveys in the browser, without writing JSON.

Every change is made to the latest version's typed definition
(:class:`surveys.definition.SurveyDefinition`, changed by :mod:`engage.builder.editing`)
and saved by :func:`engage.builder.services.save_draft`, which checks it first.
Published versions never change: the first edit after publishing makes the next
version number as a new draft.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

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
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_babel.speaklater import LazyString
from sqlalchemy import select

from engage.accounts.decorators import current_staff, role_required
from engage.accounts.models import Role
from engage.builder import checklist, editing
from engage.builder import services as builder
from engage.builder import translations as languages
from engage.builder.forms import (
    ConfirmForm,
    DetailsForm,
    DuplicateForm,
    LocalitiesForm,
    NewSurveyForm,
    PageForm,
    PublishForm,
    QuestionForm,
    TranslationForm,
    check_slug,
)
from engage.platform import clock
from engage.platform.database import db
from engage.platform.forms import choices, form_status
from engage.platform.links import external_url
from engage.staff.surveys import survey_or_404
from surveys import services
from surveys.definition import (
    DEFAULT_MAX_LENGTH,
    DEFAULT_RESUME_DAYS,
    OTHER_MAX_LENGTH,
    TEXT_TYPES,
    Option,
    Page,
    Question,
    SurveyDefinition,
    parse,
)
from surveys.export import language_name
from surveys.models import Survey, SurveyVersion

bp = Blueprint("builder", __name__, url_prefix="/surveys")


# --- Helpers ---------------------------------------------------------------------------


def _survey(slug: str) -> Survey:
    return survey_or_404(slug)


def _latest(survey: Survey) -> SurveyVersion:
    return survey.latest


def state_of(survey: Survey, now: datetime) -> str:
    """The survey's state as a key of STATE_LABELS and STATE_TAGS."""
    if survey.published is None:
        return "draft"
    reason = services.availability(survey, now).reason
    return {"open": "open", "not_open_yet": "scheduled", "closed": "closed"}.get(reason, "draft")


# The state shown, by key.
STATE_LABELS = {
    "draft": _l("Draft"),
    "open": _l("Open"),
    "scheduled": _l("Scheduled"),
    "closed": _l("Closed"),
}

# Each state's tag colour, by key.
STATE_TAGS = {
    "draft": "govuk-tag--grey",
    "open": "govuk-tag--green",
    "scheduled": "govuk-tag--blue",
    "closed": "govuk-tag--red",
}


def _save(
    survey: Survey,
    definition: SurveyDefinition,
    action: str,
    summary: str,
    details: dict[str, Any] | None = None,
) -> list[str]:
    """Save ``definition`` as the draft (``builder.save_draft``). Problems in words, or []."""
    try:
        saved = builder.save_draft(
            db(),
            survey,
            definition,
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
    notes = []
    if saved.kept is not None:
        notes.append(
            _(
                "Your change is in a new draft, version %(number)s. "
                "Version %(kept)s stays as it is until you publish the draft.",
                number=saved.version.number,
                kept=saved.kept.number,
            )
        )
    if saved.translations_removed:
        labels = {f.key: f.label for f in definition.text_fields()}
        for code, keys in saved.translations_removed.items():
            language, texts = language_name(code), ", ".join(labels.get(k, k) for k in keys)
            if definition.language == "en":
                note = ngettext(
                    "The %(language)s of %(num)d text was taken out because its English changed: %(texts)s.",
                    "The %(language)s of %(num)d texts was taken out because its English changed: %(texts)s.",
                    len(keys),
                    language=language,
                    texts=texts,
                )
            else:
                note = ngettext(
                    "The %(language)s of %(num)d text was taken out because its text changed: %(texts)s.",
                    "The %(language)s of %(num)d texts was taken out because its text changed: %(texts)s.",
                    len(keys),
                    language=language,
                    texts=texts,
                )
            notes.append(note)
    if notes:
        g.builder_note = " ".join(notes)
    return []


def _saved(message: str) -> None:
    """Flash one success message (two banners on a page would share an id)."""
    note = g.pop("builder_note", None)
    flash(f"{message} {note}" if note else message, "success")


def _errors(messages: list[str]) -> list[dict[str, str]]:
    return [{"text": message} for message in messages]


def _page_or_404(definition: SurveyDefinition, page_id: str) -> Page:
    try:
        return editing.get_page(definition, page_id)
    except KeyError:
        abort(404)


def _question_or_404(definition: SurveyDefinition, question_id: str) -> Question:
    try:
        return editing.get_question(definition, question_id)
    except KeyError:
        abort(404)


def _overview_url(survey: Survey, anchor: str | None = None) -> str:
    url = url_for("staff.builder.overview", slug=survey.slug)
    return f"{url}#{anchor}" if anchor else url


def _to_datetime(day: date | None, end: bool) -> datetime | None:
    """A typed day as the moment it starts or ends in London (stored in UTC)."""
    if day is None:
        return None
    return clock.end_of_day(day) if end else clock.start_of_day(day)


def _to_date(moment: datetime | None) -> date | None:
    return clock.local(moment).date() if moment is not None else None


def _new_slug(form: NewSurveyForm | DuplicateForm) -> str | None:
    """The web address chosen (or made from the title); errors go on the form."""
    slug = form.slug.data or editing.slugify(form.title.data or "", "-", 60)
    problem = check_slug(slug)
    if problem is None and (slug in editing.RESERVED_SLUGS or services.get_survey(db(), slug) is not None):
        problem = _("A survey already uses that web address. Choose a different one")
    if problem:
        if not form.slug.data:
            problem = _("Enter a web address: we could not make one from the title")
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
    return render_template(
        "builder/list.html", title=_("Surveys"), rows=rows, state_tags=STATE_TAGS, state_labels=STATE_LABELS
    )


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
            _saved(_("The survey '%(title)s' has been created as a draft.", title=survey.title))
            return redirect(url_for("staff.builder.overview", slug=slug))
    return render_template("builder/new.html", title=_("Create a survey"), form=form), form_status(form)


def _question_detail(question: Question) -> list[str]:
    """What the overview says about a question besides its text, type and routing."""
    detail = []
    if question.type in editing.CHOICE_TYPES:
        labels = [o.label for o in question.options]
        if question.other_label is not None:
            labels.append(_("%(label)s (with a box to specify)", label=question.other_label))
        detail.append(_("Options: %(options)s", options="; ".join(labels)))
    if question.type == "grid":
        detail.append(
            _("Statements: %(statements)s", statements="; ".join(s.text for s in question.statements))
        )
    if question.type == "ranking" and question.top_n:
        detail.append(_("Top %(number)s in order", number=question.top_n))
    if question.kiosk_skip:
        detail.append(_("Not asked on library tablets"))
    return detail


def _page_summaries(definition: SurveyDefinition) -> list[dict[str, Any]]:
    def routing(page_or_question: Page | Question) -> str:
        condition = page_or_question.show_if
        return editing.describe_routing(condition, definition) if condition is not None else ""

    return [
        {
            "number": number,
            "page": page,
            "routing": routing(page),
            "questions": [
                {
                    "number": qnumber,
                    "question": question,
                    "type_label": editing.TYPE_LABELS[question.type],
                    "required": question.required,
                    "routing": routing(question),
                    "detail": _question_detail(question),
                }
                for qnumber, question in enumerate(page.questions, start=1)
            ],
        }
        for number, page in enumerate(definition.pages, start=1)
    ]


def _render_overview(survey: Survey, page_errors: list[str] | None = None) -> ResponseReturnValue:
    version = _latest(survey)
    definition = parse(version.definition)
    now = clock.now()
    return render_template(
        "builder/overview.html",
        title=survey.title,
        survey=survey,
        version=version,
        data=definition,
        state=state_of(survey, now),
        state_tags=STATE_TAGS,
        state_labels=STATE_LABELS,
        is_open=services.availability(survey, now).open,
        opens_on=_to_date(definition.opens_at),
        closes_on=_to_date(definition.closes_at),
        pages=_page_summaries(definition),
        base_language=language_name(definition.language),
        translations=languages.progress(definition),
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

# The survey-level fields the details page changes, as the JSON (and the audit row) names them.
_DETAIL_KEYS = (
    "title",
    "purpose",
    "what_happens",
    "privacy",
    "duration_minutes",
    "audience",
    "topics",
    "opens_at",
    "closes_at",
    "resume_days",
    "equality_section",
    "follow_up",
)


def _changed(before: dict[str, Any], after: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """The audit row's before and after for the ``keys`` that differ (JSON values)."""
    return {
        key: {"before": before.get(key), "after": after.get(key)}
        for key in keys
        if before.get(key) != after.get(key)
    }


@bp.route("/<slug>/details", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def details(slug: str) -> ResponseReturnValue:
    survey = _survey(slug)
    definition = builder.latest(survey)
    if request.method == "GET":
        form = DetailsForm(
            data={
                "title": definition.title,
                "purpose": definition.purpose,
                "what_happens": definition.what_happens,
                "privacy": definition.privacy,
                "duration_minutes": str(definition.duration_minutes or ""),
                "audience": definition.audience,
                "topics": ", ".join(definition.topics),
                "opens_on": _to_date(definition.opens_at),
                "closes_on": _to_date(definition.closes_at),
                # Blank means the default, as the field's hint says.
                "resume_days": ""
                if definition.resume_days == DEFAULT_RESUME_DAYS
                else str(definition.resume_days),
                "equality_section": "yes" if definition.equality_section else "no",
                "follow_up": "yes" if definition.offers_follow_up else "no",
                "languages": list(definition.languages[1:]),
            }
        )
    else:
        form = DetailsForm()
    form.languages.choices = choices(languages.offerable(definition))
    page_errors: list[str] = []
    if form.validate_on_submit():
        try:
            changed_to = editing.update_details(
                definition,
                editing.Details(
                    title=form.title.data or "",
                    purpose=form.purpose.data or "",
                    what_happens=form.what_happens.data or "",
                    privacy=form.privacy.data or "",
                    duration_minutes=form.duration_minutes.number,
                    audience=form.audience.data or "",
                    topics=editing.topics_from_text(form.topics.data or ""),
                    opens_at=_to_datetime(form.opens_on.data, end=False),
                    closes_at=_to_datetime(form.closes_on.data, end=True),
                    resume_days=form.resume_days.number or DEFAULT_RESUME_DAYS,
                    equality_section=form.equality_section.data == "yes",
                    offers_follow_up=form.follow_up.data == "yes",
                ),
            )
        except editing.EditError as error:
            page_errors = [str(error)]
        else:
            changed_to = changed_to.with_languages(form.languages.data or [])
            changed = _changed(definition.to_data(), changed_to.to_data(), _DETAIL_KEYS)
            if changed_to.languages != definition.languages:
                changed["languages"] = {
                    "before": list(definition.languages),
                    "after": list(changed_to.languages),
                }
            if not changed:
                return redirect(_overview_url(survey))
            page_errors = _save(
                survey, changed_to, "survey.details_updated", "Changed the survey's details", changed
            )
            if not page_errors:
                _saved(_("The survey's details have been saved."))
                return redirect(_overview_url(survey))
    return render_template(
        "builder/details.html",
        title=_("Survey details"),
        survey=survey,
        base_language=language_name(definition.language),
        form=form,
        page_errors=_errors(page_errors),
    ), form_status(form, page_errors)


@bp.route("/<slug>/localities", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def localities(slug: str) -> ResponseReturnValue:
    survey = _survey(slug)
    definition = builder.latest(survey)
    if request.method == "GET":
        form = LocalitiesForm(data={"localities": editing.localities_to_text(definition)})
    else:
        form = LocalitiesForm()
    page_errors: list[str] = []
    if form.validate_on_submit():
        try:
            parsed = editing.localities_from_text(form.localities.data or "", definition.localities)
        except editing.EditError as error:
            form.localities.errors = [str(error)]
        else:
            if parsed == definition.localities:
                return redirect(_overview_url(survey))
            page_errors = _save(
                survey,
                editing.set_localities(definition, parsed),
                "survey.localities_updated",
                "Changed the survey's areas and libraries",
                {"localities": [loc.to_data() for loc in parsed]},
            )
            if not page_errors:
                _saved(_("The areas and libraries have been saved."))
                return redirect(_overview_url(survey, "localities"))
    return render_template(
        "builder/localities.html",
        title=_("Areas and libraries"),
        survey=survey,
        form=form,
        page_errors=_errors(page_errors),
    ), form_status(form, page_errors)


# --- Translations ---------------------------------------------------------------------------


@bp.route("/<slug>/translations/<code>", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def translations(slug: str, code: str) -> ResponseReturnValue:
    """The survey's text in one of its other languages, beside its own, field by field;
    what is still missing is listed first and marked."""
    survey = _survey(slug)
    definition = builder.latest(survey)
    if code not in definition.languages[1:]:
        abort(404)
    name = language_name(code)
    form = TranslationForm()
    values = definition.translation(code)
    errors: dict[str, str] = {}
    refused: list[str] = []
    if form.validate_on_submit():
        values, errors = languages.read(definition, request.form)
        if not errors:
            before = definition.translation(code)
            if values == before:
                return redirect(url_for(".translations", slug=slug, code=code))
            changed = sorted(k for k in {*before, *values} if before.get(k) != values.get(k))
            problems = _save(
                survey,
                definition.with_translation(code, values),
                "survey.translation_updated",
                f"Changed the {name} translation",
                {"language": code, "changed": changed},
            )
            if not problems:
                left = len(builder.latest(survey).missing_text(code))
                still = ngettext(
                    "%(num)d text still needs %(language)s.",
                    "%(num)d texts still need %(language)s.",
                    left,
                    language=name,
                )
                _saved(
                    _("The %(language)s translation has been saved.", language=name)
                    + " "
                    + (still if left else _("Every text has its %(language)s translation.", language=name))
                )
                return redirect(url_for(".translations", slug=slug, code=code))
            refused = problems
    fields = definition.text_fields()
    ids = {f.key: f"text-{n}" for n, f in enumerate(fields, start=1)}
    missing = [f for f in fields if f.key not in definition.translation(code)]
    return render_template(
        "builder/translations.html",
        title=_("%(language)s translation", language=name),
        survey=survey,
        form=form,
        code=code,
        name=name,
        base_code=definition.language,
        base_name=language_name(definition.language),
        rtl=languages.is_rtl(code),
        sections=languages.sections(definition),
        values=values,
        errors=errors,
        ids=ids,
        missing=missing,
        total=len(fields),
        page_errors=[{"text": message, "href": f"#{ids[key]}"} for key, message in errors.items()]
        + _errors(refused)
        or None,
    ), (400 if errors or refused or form.errors else 200)


# --- Routing fields shared by pages and questions ----------------------------------------------


def _setup_routing(
    form: PageForm | QuestionForm,
    definition: SurveyDefinition,
    before_page: str | None,
    existing: dict[str, Any] | None,
) -> None:
    targets = editing.earlier_questions(definition, before_page)
    listed = {
        q.id: editing.answer_choices(definition, q) for q in targets if q.type in editing.LISTED_ANSWER_TYPES
    }
    form.setup_routing(targets, listed, existing)
    form.existing_rule_words = editing.describe_condition(existing, definition) if existing else ""


def _choosing_answers() -> bool:
    """The officer pressed "Show its answers" to pick answers for a newly chosen question."""
    return request.method == "POST" and request.form.get("action") == "pick"


@dataclass(frozen=True)
class _Change:
    """One edit a page or question editor made, ready to save."""

    definition: SurveyDefinition  # the survey with the edit made
    action: str  # the audit action, like "survey.page_added"
    summary: str
    details: dict[str, Any]
    done: str  # the message shown once it is saved
    anchor: str  # where on the overview the officer lands: "page-<id>" or "question-<id>"


def _edit(
    survey: Survey,
    form: PageForm | QuestionForm,
    change: Callable[[], _Change | str],
    show: Callable[[list[str]], ResponseReturnValue],
) -> ResponseReturnValue:
    """The one way every page and question editor (adding or changing) works.

    When the officer sent a valid form (and is not just picking a routing question's
    answers), ``change`` makes the edit and says what it did, or returns the overview
    anchor when nothing changed; the draft is saved with its audit row
    (``builder.save_draft``) and the officer goes back to the overview. Otherwise, or if
    the draft cannot be saved, ``show`` draws the editor with the problems.
    """
    if _choosing_answers() or not form.validate_on_submit():
        return show([])
    made = change()
    if isinstance(made, str):
        return redirect(_overview_url(survey, made))
    problems = _save(survey, made.definition, made.action, made.summary, made.details)
    if problems:
        return show(problems)
    _saved(made.done)
    return redirect(_overview_url(survey, made.anchor))


# --- Pages -----------------------------------------------------------------------------------


def _page_form_response(
    survey: Survey,
    definition: SurveyDefinition,
    form: PageForm,
    page: Page | None,
    page_errors: list[str],
) -> ResponseReturnValue:
    return render_template(
        "builder/page_form.html",
        title=_("Change page") if page else _("Add a page"),
        survey=survey,
        form=form,
        page=page,
        page_number=editing.page_index(definition, page.id) + 1 if page else len(definition.pages) + 1,
        page_errors=_errors(page_errors),
    ), form_status(form, page_errors)


def _page_fields(page: Page) -> dict[str, Any]:
    """What the page editor changes, as the JSON (and the audit row) has it."""
    data = page.to_data()
    return {key: data.get(key) for key in ("title", "intro", "show_if")}


@bp.route("/<slug>/pages/new", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def page_new(slug: str) -> ResponseReturnValue:
    survey = _survey(slug)
    definition = builder.latest(survey)
    form = PageForm()
    _setup_routing(form, definition, None, None)
    if request.method == "GET":
        form.route.data = "everyone"

    def add() -> _Change:
        # A page needs a question: the officer goes straight on to add one. Until then the
        # page holds a placeholder so the draft stays valid.
        title = form.title.data or ""
        placeholder = editing.placeholder_question(
            editing.make_id(editing.DEFAULT_QUESTION_TEXT, editing.question_ids(definition))
        )
        added, page_id = editing.add_page(
            definition, title, form.intro.data or "", form.condition, questions=[placeholder]
        )
        return _Change(
            added,
            "survey.page_added",
            f"Added the page {title!r}",
            {"page": page_id, "show_if": form.condition},
            _(
                "The page '%(title)s' has been added with one optional long text question. "
                "Change that question or add others.",
                title=title,
            ),
            f"page-{page_id}",
        )

    return _edit(
        survey, form, add, lambda problems: _page_form_response(survey, definition, form, None, problems)
    )


@bp.route("/<slug>/pages/<page_id>", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def page_edit(slug: str, page_id: str) -> ResponseReturnValue:
    survey = _survey(slug)
    definition = builder.latest(survey)
    page = _page_or_404(definition, page_id)
    existing = page.show_if
    if request.method == "GET":
        form = PageForm(data={"title": page.title, "intro": page.intro})
        form.load_routing(existing)
    else:
        form = PageForm()
    _setup_routing(form, definition, page_id, existing)

    def update() -> _Change | str:
        changed = editing.update_page(
            definition, page_id, form.title.data or "", form.intro.data or "", form.condition
        )
        before, after = _page_fields(page), _page_fields(editing.get_page(changed, page_id))
        if before == after:
            return f"page-{page_id}"
        return _Change(
            changed,
            "survey.page_updated",
            f"Changed the page {after['title']!r}",
            {"page": page_id, "before": before, "after": after},
            _("The page '%(title)s' has been saved.", title=after["title"]),
            f"page-{page_id}",
        )

    return _edit(
        survey, form, update, lambda problems: _page_form_response(survey, definition, form, page, problems)
    )


# --- Questions ---------------------------------------------------------------------------------


def _type_chooser(
    survey: Survey, heading: str, chosen: str | None, error: str | None, back: str
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


def _type_problem(definition: SurveyDefinition, kind: str) -> str | None:
    if kind not in editing.TYPE_LABELS:
        return str(_("Select the type of question"))
    if kind == "locality" and not definition.localities:
        return str(
            _("Add the survey's areas on the 'Areas and libraries' page before asking people to choose one")
        )
    if kind == "branch" and not definition.branches():
        return str(
            _(
                "Add the survey's libraries on the 'Areas and libraries' page "
                "before asking people to choose one"
            )
        )
    return None


def _question_defaults(question: Question) -> dict[str, Any]:
    exclusive = next((o for o in question.options if o.exclusive), None)

    def number(value: float | None) -> str:
        return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)

    # A limit at the type's default shows blank, as the field's hint says (and a blank limit
    # follows the type when the officer changes it).
    own_limit = question.type in TEXT_TYPES and question.max_length != DEFAULT_MAX_LENGTH[question.type]
    return {
        "text": question.text,
        "hint": question.hint,
        "optional": "no" if question.required else "yes",
        "options": editing.options_to_text(question.options),
        "other": question.other_label is not None,
        "other_label": question.other_label or _("Other"),
        "none": exclusive is not None,
        "none_label": exclusive.label if exclusive else _("None of these"),
        "statements": "\n".join(s.text for s in question.statements),
        "top_n": number(question.top_n or None),
        "max_length": number(question.max_length) if own_limit else "",
        "min": number(question.min),
        "max": number(question.max),
        "integer": question.integer,
        "suffix": question.suffix,
        "earliest": question.earliest,
        "latest": question.latest,
        "kiosk_skip": question.kiosk_skip,
        "error": question.error,
        "question_id": question.id,
    }


def _question_defaults_in(definition: SurveyDefinition, question: Question) -> dict[str, Any]:
    return {**_question_defaults(question), "sets_area": definition.area_question == question.id}


NEW_QUESTION_DEFAULTS: dict[str, Any] = {
    "optional": "no",
    "other_label": _l("Other"),
    "none_label": _l("None of these"),
    "integer": True,
}


def _question_draft(form: QuestionForm, kind: str, existing: Question | None) -> Question:
    """The question as the editor sent it, for :func:`editing.build_question` (which drops
    what its type does not take; the id is set by the edit)."""
    same_type = existing is not None and existing.type == kind
    old_options = existing.options if existing is not None and same_type else ()
    other_label = form.other_label.data if form.other.data and kind in editing.OTHER_TYPES else None
    options: list[Option] = []
    if kind in editing.CHOICE_TYPES:
        options = editing.options_from_lines(
            form.option_lines(), old_options, reserved={"other"} if other_label is not None else set()
        )
        if kind == "multiple_choice" and form.none.data:
            options.append(editing.exclusive_option(form.none_label.data or "", options, old_options))
    statements = (
        editing.statements_from_lines(form.statement_lines(), existing.statements if existing else ())
        if kind == "grid"
        else []
    )
    return Question(
        id=existing.id if existing else "",
        type=kind,
        text=form.text.data or "",
        hint=form.hint.data or "",
        required=form.optional.data != "yes",
        options=tuple(options),
        other_label=other_label,
        # A longer 'other' box set in an imported file is kept.
        other_max_length=existing.other_max_length if existing else OTHER_MAX_LENGTH,
        statements=tuple(statements),
        top_n=form.top_n.number or 0,
        max_length=form.max_length.number or 0,
        min=form.min.number,
        max=form.max.number,
        integer=bool(form.integer.data),
        suffix=form.suffix.data or "",
        earliest=form.earliest.data,
        latest=form.latest.data,
        kiosk_skip=bool(form.kiosk_skip.data),
        show_if=form.condition,
        error=form.error.data or "",
    )


def _question_form_response(
    survey: Survey,
    form: QuestionForm,
    kind: str,
    page: Page,
    question: Question | None,
    page_errors: list[str],
    change_type_url: str,
) -> ResponseReturnValue:
    return render_template(
        "builder/question_form.html",
        title=_("Change question") if question else _("Add a question"),
        survey=survey,
        form=form,
        kind=kind,
        type_label=editing.TYPE_LABELS[kind],
        page=page,
        question=question,
        change_type_url=change_type_url,
        # A question's id names its answers; once residents have answered, it stays.
        can_rename=survey.published is None,
        page_errors=_errors(page_errors),
    ), form_status(form, page_errors)


@bp.route("/<slug>/pages/<page_id>/questions/new", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def question_new(slug: str, page_id: str) -> ResponseReturnValue:
    survey = _survey(slug)
    definition = builder.latest(survey)
    page = _page_or_404(definition, page_id)
    kind = request.args.get("type", "")
    back = _overview_url(survey, f"page-{page_id}")
    problem = _type_problem(definition, kind) if kind else None
    if not kind or problem:
        return _type_chooser(survey, _("What type of question is it?"), kind or None, problem, back)
    if request.method == "GET":
        form = QuestionForm(
            data={
                key: str(value) if isinstance(value, LazyString) else value
                for key, value in NEW_QUESTION_DEFAULTS.items()
            }
        )
        form.route.data = "everyone"
    else:
        form = QuestionForm()
    form.kind = kind
    _setup_routing(form, definition, page_id, None)

    def add() -> _Change:
        text = form.text.data or ""
        added, question_id = editing.add_question(definition, page_id, _question_draft(form, kind, None))
        added, replaced = _drop_placeholder(added, page_id, question_id)
        if form.sets_area.data:
            added = editing.set_area_question(added, question_id, True)
        return _Change(
            added,
            "survey.question_added",
            f"Added the question {text!r} to the page {page.title!r}",
            {
                "page": page_id,
                "question": editing.get_question(added, question_id).to_data(),
                "replaced": replaced,
            },
            _("The question '%(text)s' has been added.", text=text),
            f"question-{question_id}",
        )

    change_type = url_for("staff.builder.question_new", slug=slug, page_id=page_id)
    return _edit(
        survey,
        form,
        add,
        lambda problems: _question_form_response(survey, form, kind, page, None, problems, change_type),
    )


def _drop_placeholder(
    definition: SurveyDefinition, page_id: str, added: str
) -> tuple[SurveyDefinition, str | None]:
    """A new page starts with an untouched placeholder question; the first real one replaces it.

    Returns the definition and the id of the placeholder it dropped, if any.
    """
    page = editing.get_page(definition, page_id)
    first = page.questions[0]
    if (
        len(page.questions) == 2
        and first == editing.placeholder_question(first.id)
        and first.id != added
        and not editing.references(definition, first.id)
    ):
        return editing.delete_question(definition, first.id), first.id
    return definition, None


@bp.route("/<slug>/questions/<question_id>", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def question_edit(slug: str, question_id: str) -> ResponseReturnValue:
    survey = _survey(slug)
    definition = builder.latest(survey)
    question = _question_or_404(definition, question_id)
    page = editing.page_of_question(definition, question_id)
    kind = request.args.get("type") or question.type
    problem = _type_problem(definition, kind)
    if problem:
        return _type_chooser(
            survey,
            _("Change the type of question"),
            kind,
            problem,
            url_for("staff.builder.question_edit", slug=slug, question_id=question_id),
        )
    existing = question.show_if
    if request.method == "GET":
        form = QuestionForm(data=_question_defaults_in(definition, question))
        form.load_routing(existing)
    else:
        form = QuestionForm()
    form.kind = kind
    form.taken_ids = editing.taken_question_ids(definition, question_id)
    _setup_routing(form, definition, page.id, existing)

    def update() -> _Change | str:
        changed = editing.update_question(definition, question_id, _question_draft(form, kind, question))
        changed = editing.set_area_question(changed, question_id, bool(form.sets_area.data))
        new_id = form.question_id.data or question_id
        if survey.published is None and new_id != question_id:
            changed = editing.rename_question(changed, question_id, new_id)
        after = editing.get_question(changed, new_id)
        if after == question and changed.area_question == definition.area_question:
            return f"question-{question_id}"
        return _Change(
            changed,
            "survey.question_updated",
            f"Changed the question {after.text!r}",
            {"question": question_id, "before": question.to_data(), "after": after.to_data()},
            _("The question '%(text)s' has been saved.", text=after.text),
            f"question-{new_id}",
        )

    change_type = url_for("staff.builder.question_type", slug=slug, question_id=question_id)
    return _edit(
        survey,
        form,
        update,
        lambda problems: _question_form_response(survey, form, kind, page, question, problems, change_type),
    )


@bp.get("/<slug>/questions/<question_id>/type")
@role_required(Role.OFFICER)
def question_type(slug: str, question_id: str) -> ResponseReturnValue:
    survey = _survey(slug)
    question = _question_or_404(builder.latest(survey), question_id)
    return render_template(
        "builder/question_type.html",
        title=_("Change the type of question"),
        survey=survey,
        heading=_("Change the type of question"),
        types=editing.TYPE_LABELS,
        hints=editing.TYPE_HINTS,
        chosen=question.type,
        error=None,
        action=url_for("staff.builder.question_edit", slug=slug, question_id=question_id),
        back=url_for("staff.builder.question_edit", slug=slug, question_id=question_id),
        page_errors=None,
    )


# --- Deleting and moving a page or a question: one implementation ------------------------

Part = TypeVar("Part", Page, Question)


@dataclass(frozen=True)
class _Part(Generic[Part]):
    """What differs between deleting or moving a page and a question."""

    noun: str  # "page" or "question"
    find: Callable[[SurveyDefinition, str], Part]
    name: Callable[[Part], str]
    delete: Callable[[SurveyDefinition, str], SurveyDefinition]
    move: Callable[[SurveyDefinition, str, int], SurveyDefinition | None]
    #: Where routing uses the part (a page's own routing goes with it).
    used_by: Callable[[SurveyDefinition, str, Part], list[str]]
    #: Why routing (at ``where``) stops the delete, when that routing must be changed first
    #: (a question's); None when it is only warned of (a page's).
    blocked_by: Callable[[str], str] | None
    warning: Callable[[Part], str]
    #: The delete page's title (a question's text can be too long for one).
    delete_title: Callable[[str], str]
    #: Why the part named could not be moved, given a problem with the draft.
    not_moved: Callable[[str, str], str]


def _page_routing(definition: SurveyDefinition, page_id: str, page: Page) -> list[str]:
    """Routing elsewhere on the page's questions (the page's own goes with it)."""
    return [
        where
        for question in page.questions
        for where in editing.references(definition, question.id, outside_page=page_id)
    ]


def _questions_warning(page: Page) -> str:
    count = len(page.questions)
    return str(
        ngettext(
            "Its %(num)d question will be deleted too.", "Its %(num)d questions will be deleted too.", count
        )
    )


PAGE = _Part[Page](
    "page",
    _page_or_404,
    lambda page: page.title,
    editing.delete_page,
    editing.move_page,
    _page_routing,
    blocked_by=None,
    warning=_questions_warning,
    delete_title=lambda name: _("Delete the page '%(name)s'", name=name),
    not_moved=lambda name, problem: _(
        "The page '%(name)s' could not be moved. %(problem)s", name=name, problem=problem
    ),
)
QUESTION = _Part[Question](
    "question",
    _question_or_404,
    lambda question: question.text,
    editing.delete_question,
    editing.move_question,
    lambda definition, question_id, _question: editing.references(definition, question_id),
    blocked_by=lambda where: _(
        "Routing on %(where)s depends on this question. Change that routing first", where=where
    ),
    warning=lambda _question: "",
    delete_title=lambda _name: _("Delete the question"),
    not_moved=lambda name, problem: _(
        "The question '%(name)s' could not be moved. %(problem)s", name=name, problem=problem
    ),
)


def _delete(part: _Part[Part], slug: str, part_id: str) -> ResponseReturnValue:
    survey = _survey(slug)
    definition = builder.latest(survey)
    found = part.find(definition, part_id)
    name = part.name(found)
    form = ConfirmForm()
    page_errors: list[str] = []
    # Worked out before deleting: the survey without the part no longer has it to look up.
    used_by = part.used_by(definition, part_id, found)
    if form.validate_on_submit():
        try:
            without = part.delete(definition, part_id)
        except editing.EditError as error:
            page_errors = [str(error)]
        else:
            if used_by and part.blocked_by is not None:
                page_errors = [part.blocked_by(where) for where in used_by]
            else:
                page_errors = _save(
                    survey,
                    without,
                    f"survey.{part.noun}_deleted",
                    f"Deleted the {part.noun} {name!r}",
                    {part.noun: part_id, "deleted": found.to_data()},
                )
            if not page_errors:
                _saved(
                    _("The page '%(name)s' has been deleted.", name=name)
                    if part.noun == "page"
                    else _("The question '%(name)s' has been deleted.", name=name)
                )
                return redirect(_overview_url(survey))
    return render_template(
        "builder/delete.html",
        title=part.delete_title(name),
        survey=survey,
        form=form,
        heading=_("Are you sure you want to delete the page '%(name)s'?", name=name)
        if part.noun == "page"
        else _("Are you sure you want to delete the question '%(name)s'?", name=name),
        warning=part.warning(found),
        used_by=used_by,
        page_errors=_errors(page_errors),
    ), form_status(form, page_errors)


def _move(part: _Part[Part], slug: str, part_id: str) -> ResponseReturnValue:
    survey = _survey(slug)
    definition = builder.latest(survey)
    name = part.name(part.find(definition, part_id))
    direction = -1 if request.form.get("direction") == "up" else 1
    way = "up" if direction < 0 else "down"
    moved = part.move(definition, part_id, direction)
    if moved is not None:
        problems = _save(
            survey,
            moved,
            f"survey.{part.noun}_moved",
            f"Moved the {part.noun} {name!r} {way}",
            {part.noun: part_id, "direction": way},
        )
        if problems:
            return _render_overview(survey, [part.not_moved(name, p) for p in problems])
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
    return render_template(
        "builder/preview.html",
        title=_("Preview: %(title)s", title=page.title),
        survey=survey,
        version=version,
        definition=definition,
        page=page,
        page_number=index + 1,
        page_count=len(pages),
        page_routing=editing.describe_routing(page.show_if, definition) if page.show_if else "",
        routing={q.id: editing.describe_routing(q.show_if, definition) for q in page.questions if q.show_if},
        previous_url=url_for("staff.builder.preview", slug=slug, page_id=ids[index - 1])
        if index > 0
        else None,
        next_url=url_for("staff.builder.preview", slug=slug, page_id=ids[index + 1])
        if index + 1 < len(ids)
        else None,
    )


@bp.route("/<slug>/publish", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def publish(slug: str) -> ResponseReturnValue:
    """The publishing checklist; publishing is refused until every check is met or the
    officer says why they are publishing without it."""
    survey = _survey(slug)
    draft = survey.draft
    if draft is None:
        flash(_("There is no draft to publish: the latest version is already published."), "info")
        return redirect(_overview_url(survey))
    definition = parse(draft.definition)
    found = checklist.checks(definition, checklist.tried(db(), survey, draft.definition))
    unmet = [check.key for check in found if not check.met]
    blocked = [check for check in found if check.blocking and not check.met]
    form = PublishForm()
    if form.validate_on_submit():
        reason = form.reason.data or ""
        if blocked:
            form.reason.errors = [
                _(
                    "You cannot publish until %(missing)s",
                    missing=blocked[0].missing[0].lower() + blocked[0].missing[1:],
                )
            ]
        elif unmet and not reason:
            form.reason.errors = [
                _("Say why you are publishing before every check is done, or go back and finish them")
            ]
        else:
            try:
                version = builder.publish(
                    db(), survey, by=current_staff(), now=clock.now(), unmet=unmet, reason=reason
                )
            except builder.DraftError as refused:
                db().rollback()
                return _render_overview(survey, refused.problems)
            db().commit()
            assert version is not None
            link = external_url("residents.start", slug=survey.slug)
            _saved(
                _(
                    "Version %(number)s of '%(title)s' is published. Its link is %(link)s",
                    number=version.number,
                    title=survey.title,
                    link=link,
                )
            )
            return redirect(_overview_url(survey))
    return render_template(
        "builder/publish.html",
        title=_("Before you publish"),
        survey=survey,
        version=draft,
        checks=found,
        unmet=unmet,
        blocked=blocked,
        form=form,
    ), form_status(form)


@bp.post("/<slug>/close")
@role_required(Role.OFFICER)
def close(slug: str) -> ResponseReturnValue:
    survey = _survey(slug)
    if not builder.close(db(), survey, by=current_staff(), now=clock.now()):
        flash(_("The survey is not open, so there is nothing to close."), "info")
        return redirect(_overview_url(survey))
    db().commit()
    _saved(_("'%(title)s' is closed. People can no longer answer it.", title=survey.title))
    return redirect(_overview_url(survey))


@bp.route("/<slug>/duplicate", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def duplicate(slug: str) -> ResponseReturnValue:
    survey = _survey(slug)
    if request.method == "GET":
        form = DuplicateForm(data={"title": _("Copy of %(title)s", title=survey.title)[:150]})
    else:
        form = DuplicateForm()
    if form.validate_on_submit():
        new_slug = _new_slug(form)
        if new_slug is not None:
            copy_of = builder.duplicate(
                db(), survey, new_slug, form.title.data or "", by=current_staff(), now=clock.now()
            )
            db().commit()
            _saved(
                _(
                    "'%(copy)s' has been created as a draft copy of '%(title)s'.",
                    copy=copy_of.title,
                    title=survey.title,
                )
            )
            return redirect(url_for("staff.builder.overview", slug=new_slug))
    return render_template(
        "builder/duplicate.html", title=_("Duplicate the survey"), survey=survey, form=form
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

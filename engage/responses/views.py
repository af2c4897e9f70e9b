"""Staff views of a survey's responses, paper entry by branch staff, and QR posters."""

from __future__ import annotations

import io
from typing import Any, cast

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, func, select

from engage.accounts.decorators import current_staff, role_required
from engage.accounts.models import Role, StaffUser
from engage.actions import queries as action_queries
from engage.platform import audit, clock, i18n
from engage.platform.config import Settings
from engage.platform.database import db
from engage.platform.downloads import spreadsheet
from engage.platform.forms import form_status
from engage.platform.links import external_url
from engage.reports.queries import Filters
from engage.residents.session import SESSION_KEY
from engage.responses import services as responses
from engage.responses.forms import PaperEntryForm
from engage.staff.surveys import submitted_response_or_404, survey_or_404
from engage.themes import queries as themes
from engage.themes.models import AnalysisStatus
from surveys import posters as poster_art
from surveys import question_types, reporting, runner, services
from surveys.definition import SurveyDefinition
from surveys.equality import SMALL_GROUP
from surveys.export import language_name, readable_rows, response_rows
from surveys.models import Response, ResponseStatus, Submission, Survey

bp = Blueprint("responses", __name__, url_prefix="/surveys")

PAGE_SIZE = 50


def _survey(slug: str) -> Survey:
    return survey_or_404(slug)


@bp.get("/<slug>/responses")
@role_required(Role.VIEWER)
def list_responses(slug: str) -> ResponseReturnValue:
    survey = _survey(slug)
    filters = Filters.read(request.args, services.definition_of(survey.latest))
    flagged_only = request.args.get("review") == "flagged"
    page = request.args.get("page", default=1, type=int) or 1
    query: Select[Response, Submission] = _only_flagged(
        filters.apply(
            select(Response, Submission)
            .join(Submission, Submission.response_id == Response.id)
            .where(Response.survey_id == survey.id)
        ),
        flagged_only,
    )
    newest_first = (Submission.submitted_at.desc(), Response.id.desc())
    answer = _answer_filter(survey, filters)
    theme = _theme_filter(survey)
    if answer is None and theme is None:
        total = db().scalar(select(func.count()).select_from(query.subquery())) or 0
        page_query = query.order_by(*newest_first).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    else:
        # The responses behind a number: matched on one light scan (ids and one answer),
        # then only this page's rows are loaded. No giant IN list, whatever the survey's size.
        matching = _matching_ids(survey, filters, answer, theme, newest_first, flagged_only)
        total = len(matching)
        page_ids = matching[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        page_query = query.where(Response.id.in_(page_ids)).order_by(*newest_first)
    pages = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    if page < 1 or page > pages:
        abort(404)
    rows: list[tuple[Response, Submission]] = [
        (response, submission) for response, submission in db().execute(page_query)
    ]
    in_progress = db().scalar(
        select(func.count())
        .select_from(Response)
        .where(Response.survey_id == survey.id, Response.status == ResponseStatus.IN_PROGRESS)
    )
    definition = services.definition_of(survey.latest)
    staff_names = _staff_names({r.entered_by_id for r, _ in rows if r.entered_by_id})
    several = len(definition.languages) > 1
    return render_template(
        "responses/list.html",
        # A survey offered in more than one language is filtered and listed by language.
        survey_languages=[(code, language_name(code)) for code in definition.languages] if several else [],
        language_names={r.language: language_name(r.language) for r, _ in rows},
        title=_("Responses to %(title)s", title=survey.title),
        survey=survey,
        definition=definition,
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        filters=filters,
        channels=runner.CHANNELS,
        in_progress=in_progress,
        staff_names=staff_names,
        theme=theme,
        answer=answer,
        flagged_only=flagged_only,
        any_flagged=any(r.review_note for r, _ in rows),
        list_args={
            **filters.args(),
            **({"review": "flagged"} if flagged_only else {}),
            **({"question": theme["question"], "theme": theme["id"]} if theme else {}),
            **({"answer": answer["param"]} if answer else {}),
        },
        # A bad filter is ignored, and said so; dates come from the report, so point at the form.
        page_errors=[
            {"text": text, "href": f"#{key}" if key in ("channel", "locality", "language") else "#filters"}
            for key, text in filters.errors.items()
        ],
    ), (400 if filters.errors else 200)


def _only_flagged(query: Any, flagged_only: bool) -> Any:
    """?review=flagged: only responses kept with a note for staff (answers left out or missing)."""
    return query.where(Response.review_note.is_not(None)) if flagged_only else query


def _answer_filter(survey: Survey, filters: Any) -> dict[str, Any] | None:
    """?answer=QUESTION:VALUE (or QUESTION.STATEMENT:VALUE): the responses behind a count
    on the survey report. Rankings match on first choice, multiple choice on any pick."""
    param = request.args.get("answer", "")
    if not param:
        return None
    key, _, value = param.partition(":")
    head, _, tail = key.partition(".")
    definition = services.definition_of(survey.latest)
    question = definition.question(head)
    if question is None or not value:
        abort(404)
    label = question_types.choices(question, definition).get(value, value)

    def matches(given: Any) -> bool:
        if tail:
            given = given.get(tail) if isinstance(given, dict) else None
        elif question.type == "ranking":
            given = given[0] if isinstance(given, list) and given else None
        return bool(given == value or (isinstance(given, list) and value in given))

    title = question.text
    if tail:
        statement = next((s for s in question.statements if s.id == tail), None)
        title = f"{question.text}: {statement.text}" if statement else title
    return {"param": param, "head": head, "matches": matches, "question": title, "label": label}


def _theme_filter(survey: Survey) -> dict[str, Any] | None:
    """?question=Q&theme=T: the responses behind a number on a themes page."""
    question_id, theme_id = request.args.get("question", ""), request.args.get("theme", "")
    if not question_id or not theme_id:
        return None
    analysis = themes.get(db(), survey, question_id)
    if analysis is None:
        abort(404)
    try:
        label = themes.theme_label(analysis, theme_id)
    except themes.ThemeError:
        abort(404)
    ids = analysis.snapshot.answers_in(theme_id)
    return {"question": question_id, "id": theme_id, "label": label, "ids": ids}


def _matching_ids(
    survey: Survey,
    filters: Any,
    answer: dict[str, Any] | None,
    theme: dict[str, Any] | None,
    order: tuple[Any, ...],
    flagged_only: bool = False,
) -> list[int]:
    """Ids of the submitted responses (newest first) that pass the answer and theme filters."""
    given = cast("ColumnElement[Any]", Response.answers[answer["head"]] if answer else Response.public_id)
    scan = _only_flagged(
        filters.apply(
            select(Response.id, Response.public_id, given)
            .join(Submission, Submission.response_id == Response.id)
            .where(Response.survey_id == survey.id)
        ),
        flagged_only,
    ).order_by(*order)
    return [
        cast(int, response_id)
        for response_id, public_id, value in db().execute(scan)
        if (theme is None or public_id in theme["ids"]) and (answer is None or answer["matches"](value))
    ]


def _staff_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {u.id: u.name for u in db().scalars(select(StaffUser).where(StaffUser.id.in_(ids)))}


@bp.get("/<slug>/responses.<fmt>")
@role_required(Role.OFFICER)
def export_responses(slug: str, fmt: str) -> ResponseReturnValue:
    """Every submitted response, one row each, with a theme column per analysed question:
    for people (question text, answer labels, and in XLSX a data dictionary) or, with
    ``?codes=1``, for analysts (question ids and option codes, stable across rewording)."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    survey = _survey(slug)
    codes = request.args.get("codes") == "1"
    analyses = (
        [
            a
            for q in themes.free_text_questions(themes.definition_for(survey))
            if (a := themes.get(db(), survey, q.id)) is not None and a.status == AnalysisStatus.DONE
        ]
        if survey.published is not None
        else []
    )
    saved = [(a.snapshot, a.snapshot.labels()) for a in analyses]
    more: list[tuple[str, list[str], list[list[Any]]]] = []
    if codes:
        columns, rows = response_rows(db(), survey)
        header = [*columns, *(f"theme:{a.question_id}" for a in analyses)]
        ids = [row["response_id"] for row in rows]
        table = [[*({**row, **row["answers"]}.get(column, "") for column in columns)] for row in rows]
    else:
        header, table, dictionary = readable_rows(db(), survey)
        texts = {q.id: q.text for q in themes.definition_for(survey).questions()} if survey.published else {}
        named = [(f"Themes: {texts.get(a.question_id, a.question_id)}", a.question_id) for a in analyses]
        header = [*header, *(name for name, _ in named)]
        dictionary += [[name, f"theme:{question}", "themes", ""] for name, question in named]
        more.append(
            (
                "Data dictionary",
                ["Column", "Code in the codes export", "Question type", "Answers (code = label)"],
                dictionary,
            )
        )
        ids = [row[0] for row in table]
    for row, response_id in zip(table, ids, strict=True):
        row.extend("; ".join(names.get(t, "") for t in snap.themes_of(response_id)) for snap, names in saved)
    audit.record(
        db(),
        "responses.exported",
        object_type="survey",
        object_id=survey.id,
        summary=f"Exported {len(table)} responses to {survey.title} as {fmt.upper()}"
        + (" (codes)" if codes else ""),
        actor=current_staff(),
    )
    db().commit()
    stamp = clock.today().strftime("%Y-%m-%d")
    name = f"{survey.slug}-responses-{'codes-' if codes else ''}{stamp}"
    return spreadsheet(header, table, fmt, name, "Responses", more)


@bp.get("/<slug>/responses/<public_id>")
@role_required(Role.VIEWER)
def response_detail(slug: str, public_id: str) -> ResponseReturnValue:
    survey = _survey(slug)
    response = submitted_response_or_404(survey, public_id)
    definition = services.definition_of(response.version)
    sections = [
        section
        for section in runner.check_sections(definition, response.answers, response.channel)
        if not section["page"].is_equality
    ]
    entered_by = db().get(StaffUser, response.entered_by_id) if response.entered_by_id else None
    reference = response.submission.reference if response.submission else ""
    return render_template(
        "responses/detail.html",
        trace=action_queries.trace_response(db(), survey, response.public_id),
        direct=action_queries.actions_for_response(db(), response),
        all_actions=action_queries.all_actions(db()),
        title=_("Response %(reference)s", reference=reference),
        survey=survey,
        definition=definition,
        response=response,
        sections=sections,
        entered_by=entered_by,
        # Said when the survey is offered in more than one language (or was answered in another).
        response_language=language_name(response.language)
        if len(definition.languages) > 1 or response.language != definition.language
        else None,
    )


@bp.route("/<slug>/paper", methods=["GET", "POST"])
@role_required(Role.BRANCH_STAFF)
def paper_entry(slug: str) -> ResponseReturnValue:
    """Branch staff type in a paper questionnaire through the residents' own pages."""
    survey = _survey(slug)
    state = services.availability(survey, clock.now())
    version = survey.published
    if version is None or not state.open:
        flash(_("Paper questionnaires can only be entered while the survey is open."), "info")
        return redirect(url_for("staff.responses.list_responses", slug=slug))
    definition = services.definition_of(version)
    form = PaperEntryForm(definition=definition)
    if form.validate_on_submit():
        channel = form.channel.data or "paper"
        started = responses.start_paper_entry(
            db(),
            survey,
            version,
            channel=channel,
            branch=form.branch.data,
            by=current_staff(),
            now=clock.now(),
            language=form.language.data if form.asks_language else None,
        )
        db().commit()
        tokens = dict(session.get(SESSION_KEY) or {})
        tokens[slug] = started.token
        session[SESSION_KEY] = tokens
        first = runner.next_page(definition, {}, None, channel)
        assert first is not None
        # The residents' pages in the questionnaire's language, so the answers are typed
        # against the same wording.
        shown = started.response.language
        extra: dict[str, Any] = {"lang": shown} if shown != definition.language else {}
        return redirect(url_for("residents.page", slug=slug, page_id=first.id, **extra))
    return render_template(
        "responses/paper.html",
        title=_("Enter a paper questionnaire"),
        survey=survey,
        definition=definition,
        form=form,
    ), form_status(form)


@bp.get("/<slug>/posters")
@role_required(Role.BRANCH_STAFF)
def posters(slug: str) -> ResponseReturnValue:
    survey = _survey(slug)
    definition = services.definition_of(survey.latest)
    return render_template(
        "responses/posters.html",
        title=_("QR posters for %(title)s", title=survey.title),
        survey=survey,
        definition=definition,
    )


def _poster_texts(definition: SurveyDefinition) -> list[poster_art.PosterText]:
    """A poster's words: bilingual, Welsh first, when the survey is in Welsh (as Welsh
    councils' signs are); otherwise in the survey's own language. Only languages the whole
    site is in (English, Welsh): Pillow does not shape right-to-left scripts."""
    codes = [code for code in definition.languages if code in i18n.SITE_LANGUAGES]
    codes.sort(key=lambda code: code != "cy")
    texts = []
    for code in codes or ["en"]:
        with force_locale(code):
            texts.append(poster_art.in_language(code, definition.localised(code).title))
    return texts


@bp.get("/<slug>/posters/<branch_code>.<fmt>")
@role_required(Role.BRANCH_STAFF)
def poster_file(slug: str, branch_code: str, fmt: str) -> ResponseReturnValue:
    survey = _survey(slug)
    definition = services.definition_of(survey.latest)
    branch = definition.branch(branch_code)
    if branch is None or fmt not in ("png", "pdf"):
        abort(404)
    url = external_url("residents.start", slug=survey.slug, branch=branch.code)
    locality = definition.locality(branch.locality_code)
    settings: Settings = current_app.config["ENGAGE_SETTINGS"]
    data = poster_art.render_poster(
        url=url,
        council=settings.council_name,
        texts=_poster_texts(definition),
        place=f"{branch.name}{', ' + locality.name if locality else ''}",
        fmt=fmt,
    )
    return send_file(
        io.BytesIO(data),
        mimetype="image/png" if fmt == "png" else "application/pdf",
        as_attachment=True,
        download_name=f"{survey.slug}-{branch.code}-poster.{fmt}",
    )


@bp.get("/<slug>/equality")
@role_required(Role.OFFICER)
def equality(slug: str) -> ResponseReturnValue:
    """Equality monitoring totals; groups under the threshold are never shown."""
    survey = _survey(slug)
    return render_template(
        "responses/equality.html",
        title=_("Equality monitoring for %(title)s", title=survey.title),
        survey=survey,
        tables=reporting.equality_summary(db(), survey),
        threshold=SMALL_GROUP,
    )

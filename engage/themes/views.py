"""Officers' themed response pages: run the analysis, read the themes, shape the codebook."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from engage.accounts.decorators import current_staff, role_required
from engage.accounts.models import Role
from engage.actions import queries as action_queries
from engage.platform import clock, jobs
from engage.platform.database import db
from engage.platform.errors import summary_items
from engage.platform.forms import form_status, refuse, summary
from engage.reports.queries import Filters, submitted_ids
from engage.staff.surveys import survey_or_404
from engage.themes import queries, services
from engage.themes.forms import (
    CODEBOOK_FORMS,
    CodebookForm,
    DescribeForm,
    MergeForm,
    MoveAnswersForm,
    NoteForm,
    QuoteForm,
    RenameForm,
    ReviewForm,
    SplitForm,
    StatementsForm,
    UndoLearnForm,
)
from engage.themes.models import AnalysisStatus, ThemeAnalysis
from engage.themes.snapshot import SnapshotTheme
from surveys.definition import Question, SurveyDefinition
from surveys.equality import SMALL_GROUP
from surveys.models import Survey
from surveys.runner import CHANNELS

bp = Blueprint("themes", __name__, url_prefix="/surveys")


def _survey(slug: str) -> tuple[Survey, SurveyDefinition]:
    survey = survey_or_404(slug, published=True)
    return survey, queries.definition_for(survey)


def _question(definition: SurveyDefinition, question_id: str) -> Question:
    question = next((q for q in queries.free_text_questions(definition) if q.id == question_id), None)
    if question is None:
        abort(404)
    return question


@bp.get("/<slug>/themes")
@role_required(Role.VIEWER)
def index(slug: str) -> ResponseReturnValue:
    survey, definition = _survey(slug)
    questions = queries.free_text_questions(definition)
    counts = services.answer_counts(db(), survey, [q.id for q in questions])
    rows = [
        {"question": q, "answers": counts[q.id], "analysis": queries.get(db(), survey, q.id)}
        for q in questions
    ]
    title = _("Themes in %(title)s", title=survey.title)
    return render_template("themes/index.html", title=title, survey=survey, rows=rows)


@bp.get("/<slug>/themes/<question_id>")
@role_required(Role.VIEWER)
def question(slug: str, question_id: str) -> ResponseReturnValue:
    return _page(slug, question_id)


def _edit_forms(analysis: ThemeAnalysis | None, sent: CodebookForm | None = None) -> dict[str, CodebookForm]:
    """The codebook forms of the question page, empty but for the one that was sent back."""
    themes = analysis.snapshot.themes if analysis else []
    drawn = {name: form(formdata=None, themes=themes) for name, form in CODEBOOK_FORMS.items()}
    if sent is not None:
        drawn[sent.action_name] = sent
    return drawn


def _page(
    slug: str,
    question_id: str,
    *,
    sent: CodebookForm | None = None,
    message: str | None = None,
    anchor: str = "themes",
) -> ResponseReturnValue:
    """The question's themes page: with a refused codebook form (``sent``, showing what was
    chosen and why it was refused), or a message about the part of the page at ``anchor``."""
    survey, definition = _survey(slug)
    asked = _question(definition, question_id)
    analysis = queries.get(db(), survey, question_id)
    progress = queries.review_progress(analysis) if analysis else {}
    answers = services.answer_ids(db(), survey, question_id)
    analysed = set(analysis.snapshot.assignments) if analysis else set()
    filters = Filters.read(request.args, definition)
    sizes = None
    if analysis is not None and filters.args():
        allowed = submitted_ids(survey, filters)
        sizes = analysis.snapshot.counts(allowed)
    edit_forms = _edit_forms(analysis, sent)
    if message:
        page_errors = [{"text": message, "href": f"#{anchor}"}]
    else:
        page_errors = summary(*edit_forms.values()) or summary_items(filters.errors)
    return render_template(
        "themes/question.html",
        filters=filters,
        sizes=sizes,
        channels=CHANNELS,
        title=_("Themes: %(question)s", question=asked.text),
        survey=survey,
        definition=definition,
        question=asked,
        analysis=analysis,
        answers=len(answers),
        new_answers=sum(1 for a in answers if a not in analysed) if analysis else 0,
        localities=services.localities(definition),
        review=progress,
        review_summary=queries.review_summary(analysis, progress) if analysis else None,
        learning=queries.learning(analysis) if analysis else None,
        week_ago=clock.now() - timedelta(days=7),
        stability=queries.stability(analysis, clock.now() - timedelta(days=7)) if analysis else None,
        actions=_actions_by_theme(analysis),
        quotes=_quotes_by_theme(analysis),
        min_answers=services.MIN_ANSWERS,
        edit_forms=edit_forms,
        page_errors=page_errors,
    ), form_status(page_errors=page_errors)


def _quotes_by_theme(analysis: ThemeAnalysis | None) -> dict[str, list[queries.ShownQuote]]:
    if analysis is None:
        return {}
    reviews = queries.quote_reviews(db(), [analysis.id])
    return {
        theme.id: queries.quotes_with_state(analysis, theme, reviews) for theme in analysis.snapshot.themes
    }


def _actions_by_theme(analysis: ThemeAnalysis | None) -> dict[str, list[Any]]:
    if analysis is None:
        return {}
    return {
        theme.id: action_queries.actions_for_theme(db(), analysis, theme.id)
        for theme in analysis.snapshot.themes
    }


@bp.post("/<slug>/themes/<question_id>/run")
@role_required(Role.OFFICER)
def run(slug: str, question_id: str) -> ResponseReturnValue:
    survey, definition = _survey(slug)
    _question(definition, question_id)
    try:
        analysis = services.request(db(), survey, question_id, current_staff().id, clock.now())
    except queries.ThemeError as error:
        db().rollback()
        return _page(slug, question_id, message=str(error), anchor="run")
    db().commit()
    if analysis.status == AnalysisStatus.QUEUED:
        jobs.enqueue(services.run, analysis.id, retries=0)
    return redirect(url_for("staff.themes.question", slug=slug, question_id=question_id)), 303


@bp.post("/<slug>/themes/<question_id>/learn")
@role_required(Role.OFFICER)
def learn(slug: str, question_id: str) -> ResponseReturnValue:
    """Re-place the answers nobody has checked, learning from officers' decisions."""
    analysis = _analysed(slug, question_id)
    try:
        done = services.learn(db(), analysis, by=current_staff(), now=clock.now())
    except queries.ThemeError as error:
        db().rollback()
        return _page(slug, question_id, message=str(error), anchor="learn")
    _committed(analysis)
    flash(_learnt_message(done), "success")
    return redirect(url_for("staff.themes.question", slug=slug, question_id=question_id) + "#learn"), 303


@bp.post("/<slug>/themes/<question_id>/learn/undo")
@role_required(Role.OFFICER)
def undo_learn(slug: str, question_id: str) -> ResponseReturnValue:
    analysis = _analysed(slug, question_id)
    form = UndoLearnForm()
    if not form.validate():
        abort(400)
    try:
        undone = services.undo_learn(db(), analysis, form.version_number, by=current_staff(), now=clock.now())
    except queries.ThemeError as error:
        db().rollback()
        return _page(slug, question_id, message=str(error), anchor="learn")
    _committed(analysis)
    flash(
        ngettext(
            "Undone: %(num)d answer went back to the themes they were in",
            "Undone: %(num)d answers went back to the themes they were in",
            undone.moved,
        ),
        "success",
    )
    return redirect(url_for("staff.themes.question", slug=slug, question_id=question_id) + "#learn"), 303


def _busy(analysis: ThemeAnalysis) -> str:
    """What the analysis is doing, while a job works on it ("" when it is not)."""
    if analysis.status in (AnalysisStatus.QUEUED, AnalysisStatus.RUNNING):
        return f"{analysis.shown_message or _('Working')} ({analysis.progress}%)"
    return ""


def _committed(analysis: ThemeAnalysis) -> None:
    """Commit an officer's edit; a large analysis's edit then starts its job."""
    db().commit()
    services.start_changes(analysis)


def _learnt_message(done: services.Learnt) -> str:
    if done.later:
        return str(_("Re-placing the answers nobody has checked: this page shows what moved when it is done"))
    if not done.moved:
        return str(_("The engine learned from your decisions and no other answer needed to move"))
    parts = [_("%(num)s to '%(theme)s'", num=n, theme=label) for label, n in done.into[:3]]
    if len(done.into) > 3:
        parts.append(_("%(num)s to other themes", num=sum(n for _label, n in done.into[3:])))
    moved = ngettext(
        "%(num)d answer moved after your corrections:",
        "%(num)d answers moved after your corrections:",
        done.moved,
    )
    return f"{moved} " + ", ".join(parts)


PAGE_SIZE = 50


@bp.get("/<slug>/themes/<question_id>/t/<theme_id>")
@role_required(Role.VIEWER)
def theme(slug: str, question_id: str, theme_id: str) -> ResponseReturnValue:
    """One theme's answers (redacted), to check the coding and move answers that do not fit."""
    return _theme_page(slug, question_id, theme_id)


def _theme_page(
    slug: str,
    question_id: str,
    theme_id: str,
    note_form: NoteForm | None = None,
    move_form: MoveAnswersForm | None = None,
    change: RenameForm | DescribeForm | MergeForm | StatementsForm | None = None,
) -> ResponseReturnValue:
    note_form = note_form or NoteForm(formdata=None)
    survey, definition = _survey(slug)
    asked = _question(definition, question_id)
    analysis = _analysis(survey, question_id)
    try:
        label = queries.theme_label(analysis, theme_id)
    except queries.ThemeError:
        abort(404)
    members = services.theme_members(db(), analysis, theme_id)
    # The officers' filter by the language an answer is written in (?language=cy); an
    # unknown value is refused (400) and every answer shown.
    languages = services.answer_languages(db(), analysis, members)
    language_counts = Counter(languages.values())
    language = request.args.get("language", "")
    language_error = ""
    if language and language not in services.ANSWER_LANGUAGES:
        language_error = _("Select a language from the list")
    if language_error:
        language = ""
    if language:
        members = [m for m in members if languages.get(m) == language]
    pages = max(1, (len(members) + PAGE_SIZE - 1) // PAGE_SIZE)
    page = request.args.get("page", default=1, type=int) or 1
    if not 1 <= page <= pages:
        abort(404)
    details = analysis.theme(theme_id)
    can_change = current_staff().has_role(Role.OFFICER) and details is not None
    themes = analysis.snapshot.themes
    if move_form is None:
        move_form = MoveAnswersForm(formdata=None, themes=themes, here=theme_id)
    # Renaming and merging from the theme's own page (the theme is the page's).
    rename_form = (
        change
        if isinstance(change, RenameForm)
        else RenameForm(formdata=None, data={"label": label}, themes=themes)
    )
    describe_form = (
        change
        if isinstance(change, DescribeForm)
        else DescribeForm(formdata=None, data={"description": details.description if details else ""})
    )
    merge_form = (
        change
        if isinstance(change, MergeForm)
        else MergeForm(formdata=None, themes=[t for t in themes if t.id != theme_id])
    )
    drafted = details.statements if details and len(details.statements) == 2 else ["", ""]
    statements_form = (
        change
        if isinstance(change, StatementsForm)
        else StatementsForm(formdata=None, data={"majority": drafted[0], "minority": drafted[1]})
    )
    page_errors = summary(note_form, move_form, rename_form, describe_form, merge_form, statements_form)
    if language_error:
        page_errors = [*summary_items({"language-any": language_error}), *(page_errors or [])]
    return render_template(
        "themes/theme.html",
        busy=_busy(analysis),
        title=_("Theme: %(theme)s", theme=label),
        survey=survey,
        question=asked,
        analysis=analysis,
        theme_id=theme_id,
        label=label,
        details=details,
        quotes=queries.quotes_with_state(analysis, details, queries.quote_reviews(db(), [analysis.id]))
        if details
        else [],
        answers=services.coded_answers(
            db(), analysis, members[(page - 1) * PAGE_SIZE : page * PAGE_SIZE], languages
        ),
        total=sum(language_counts.values()),
        shown=len(members),
        language=language,
        language_error=language_error,
        answer_languages=services.ANSWER_LANGUAGES,
        language_counts=language_counts,
        page=page,
        pages=pages,
        notes=services.notes_for(db(), analysis, theme_id),
        localities=services.localities(definition),
        branches={branch.code: branch.name for branch in definition.branches()},
        # Like the survey's equality totals, the per-theme split is for officers only.
        equality=definition.equality_section and current_user.has_role(Role.OFFICER),
        small_group=SMALL_GROUP,
        actions=action_queries.actions_for_theme(db(), analysis, theme_id),
        review=queries.review_progress(analysis).get(theme_id),
        # Asked for with ?suggest=1: the engine's two sub-groups, to make a theme of one.
        suggested=services.suggested_groups(db(), analysis, theme_id)
        if request.args.get("suggest") and can_change
        else None,
        note_form=note_form,
        move_form=move_form,
        rename_form=rename_form,
        describe_form=describe_form,
        merge_form=merge_form,
        statements_form=statements_form,
        ticked=set(move_form.answer.data or []),
        page_errors=page_errors,
    ), form_status(page_errors=page_errors)


@bp.post("/<slug>/themes/<question_id>/quotes")
@role_required(Role.OFFICER)
def quote(slug: str, question_id: str) -> ResponseReturnValue:
    """Show one quote on public pages, or hide it (from a theme's page or the publication page)."""
    analysis = _analysed(slug, question_id)
    form = QuoteForm()
    theme_id, show = form.theme.data or "", form.show
    for attempt in (1, 2):
        try:
            if show is None:
                raise queries.ThemeError(_("Choose whether to show or hide the quote"))
            services.review_quote(
                db(), analysis, theme_id, form.quote.data or "", show, current_staff(), clock.now()
            )
            db().commit()
            break
        except queries.ThemeError as error:
            db().rollback()
            return _page(slug, question_id, message=str(error), anchor="quotes")
        except IntegrityError:  # another officer decided the same quote at the same moment
            db().rollback()
            if attempt == 2:
                raise
    shown = _("The quote will be shown on the public page")
    flash(shown if show else _("The quote is hidden from the public page"), "success")
    back = form.back.data
    if back == "publication":
        target = url_for("staff.actions.edit_publication", slug=slug)
    elif back == "theme" and analysis.theme(theme_id) is not None:
        target = url_for("staff.themes.theme", slug=slug, question_id=question_id, theme_id=theme_id)
    else:
        target = url_for("staff.themes.question", slug=slug, question_id=question_id)
    return redirect(f"{target}#quotes"), 303


@bp.post("/<slug>/themes/<question_id>/t/<theme_id>/notes")
@role_required(Role.OFFICER)
def note(slug: str, question_id: str, theme_id: str) -> ResponseReturnValue:
    analysis = _analysed(slug, question_id)
    form = NoteForm()
    if not form.validate():
        return _theme_page(slug, question_id, theme_id, form)
    try:
        services.add_note(db(), analysis, theme_id, form.note.data or "", current_staff(), clock.now())
    except queries.ThemeError as error:
        db().rollback()
        refuse(form, error)
        return _theme_page(slug, question_id, theme_id, form)
    db().commit()
    flash(_("Added your note"), "success")
    return redirect(url_for("staff.themes.theme", slug=slug, question_id=question_id, theme_id=theme_id)), 303


@bp.post("/<slug>/themes/<question_id>/t/<theme_id>/move")
@role_required(Role.OFFICER)
def move(slug: str, question_id: str, theme_id: str) -> ResponseReturnValue:
    """Move the answers ticked on a theme's page to another theme or to none, or make a new
    theme of them (a split by hand)."""
    analysis = _analysed(slug, question_id)
    form = MoveAnswersForm(themes=analysis.snapshot.themes, here=theme_id)
    if not form.validate():
        return _theme_page(slug, question_id, theme_id, move_form=form)
    answers, by, now = form.answer.data or [], current_staff(), clock.now()
    try:
        if form.making_a_theme:
            made = services.new_theme(db(), analysis, answers, form.label.data or "", by=by, now=now)
            done = ngettext(
                "Made the theme '%(theme)s' from the answer",
                "Made the theme '%(theme)s' from %(num)d answers",
                made.count,
                theme=made.label,
            )
        else:
            moved = services.move_answers(db(), analysis, answers, form.into.data or "", by=by, now=now)
            done = ngettext(
                "Moved the answer to '%(theme)s'",
                "Moved %(num)d answers to '%(theme)s'",
                moved.count,
                theme=moved.name,
            )
    except queries.ThemeError as error:
        db().rollback()
        refuse(form, error)
        return _theme_page(slug, question_id, theme_id, move_form=form)
    _committed(analysis)
    flash(done, "success")
    # Back to the page of this theme the officer was reading (or its last page, if the
    # move emptied that one).
    left = len(services.theme_members(db(), analysis, theme_id))
    page = min(request.args.get("page", default=1, type=int) or 1, max(1, -(-left // PAGE_SIZE)))
    language = request.args.get("language", "")
    target = url_for(
        "staff.themes.theme",
        slug=slug,
        question_id=question_id,
        theme_id=theme_id,
        page=page if page > 1 else None,
        language=language if language in services.ANSWER_LANGUAGES else None,
    )
    return redirect(target), 303


@bp.post("/<slug>/themes/<question_id>/t/<theme_id>/change")
@role_required(Role.OFFICER)
def change(slug: str, question_id: str, theme_id: str) -> ResponseReturnValue:
    """Rename this theme, describe it, word its support and opposition sentences, or merge
    it into another, from its own page."""
    analysis = _analysed(slug, question_id)
    _theme_or_404(analysis, theme_id)
    kind = {
        "rename": RenameForm,
        "describe": DescribeForm,
        "merge": MergeForm,
        "statements": StatementsForm,
    }.get(request.form.get("action", ""))
    if kind is None:
        abort(400)
    form = kind(themes=[t for t in analysis.snapshot.themes if kind is RenameForm or t.id != theme_id])
    form.theme.data = theme_id  # the page's theme, whatever was sent
    by, now = current_staff(), clock.now()
    here = url_for("staff.themes.theme", slug=slug, question_id=question_id, theme_id=theme_id)
    try:
        if isinstance(form, RenameForm):
            old, label = services.rename(db(), analysis, theme_id, form.label.data or "", by=by, now=now)
            done = (
                _("Confirmed the name '%(theme)s'", theme=label)
                if old == label
                else _("Renamed '%(old)s' to '%(new)s'", old=old, new=label)
            )
            target = here
        elif isinstance(form, DescribeForm):
            text = form.description.data or ""
            name = services.describe(db(), analysis, theme_id, text, by=by, now=now)
            done = (
                _("Saved the description of '%(theme)s'", theme=name)
                if text.strip()
                else _("Removed the description of '%(theme)s'", theme=name)
            )
            target = here
        elif isinstance(form, StatementsForm):
            name = services.set_statements(
                db(), analysis, theme_id, form.majority.data or "", form.minority.data or "", by=by, now=now
            )
            done = _("Saved the support and opposition sentences of '%(theme)s'", theme=name)
            target = here
        else:
            into = form.into.data or ""
            names = services.merge(db(), analysis, theme_id, into, by=by, now=now)
            done = _("Merged '%(theme)s' into '%(into)s'", theme=names[0], into=names[1])
            target = url_for("staff.themes.theme", slug=slug, question_id=question_id, theme_id=into)
    except queries.ThemeError as error:
        db().rollback()
        refuse(form, error)
        return _theme_page(slug, question_id, theme_id, change=form)
    _committed(analysis)
    flash(done, "success")
    return redirect(target), 303


def _review_page(
    slug: str, question_id: str, theme_id: str, form: ReviewForm | None = None, position: int = 0
) -> ResponseReturnValue:
    survey, definition = _survey(slug)
    asked = _question(definition, question_id)
    analysis = _analysis(survey, question_id)
    details = _theme_or_404(analysis, theme_id)
    queue = queries.review_queue(analysis, theme_id)
    position = max(0, min(position, len(queue) - 1))
    # A refused decision shows the same answer again while it is still waiting here;
    # otherwise (and on a first visit) the one at ``position``.
    sent = form.answer.data if form is not None else None
    answer_id = sent if sent in queue else (queue[position] if queue else None)
    found = services.coded_answers(db(), analysis, [answer_id]) if answer_id else []
    answer = found[0] if found else None
    if form is None:
        form = ReviewForm(formdata=None, themes=analysis.snapshot.themes, here=theme_id)
    labels = analysis.snapshot.labels()
    suggested = [
        (t, labels[t])
        for t in analysis.snapshot.further.get(answer_id or "", [])
        if t in labels and t != theme_id
    ]
    page_errors = summary(form)
    return render_template(
        "themes/review.html",
        busy=_busy(analysis),
        title=_("Review: %(theme)s", theme=details.label),
        survey=survey,
        question=asked,
        theme_id=theme_id,
        details=details,
        answer=answer,
        suggested=suggested,
        waiting=len(queue),
        position=position,
        progress=queries.review_progress(analysis)[theme_id],
        localities=services.localities(definition),
        form=form,
        page_errors=page_errors,
    ), form_status(page_errors=page_errors)


@bp.get("/<slug>/themes/<question_id>/t/<theme_id>/review")
@role_required(Role.OFFICER)
def review(slug: str, question_id: str, theme_id: str) -> ResponseReturnValue:
    """Check a theme's answers one at a time, least sure first."""
    return _review_page(slug, question_id, theme_id, position=request.args.get("position", 0, type=int) or 0)


@bp.post("/<slug>/themes/<question_id>/t/<theme_id>/review")
@role_required(Role.OFFICER)
def review_decide(slug: str, question_id: str, theme_id: str) -> ResponseReturnValue:
    analysis = _analysed(slug, question_id)
    _theme_or_404(analysis, theme_id)
    form = ReviewForm(themes=analysis.snapshot.themes, here=theme_id)
    position = request.args.get("position", 0, type=int) or 0
    if not form.validate():
        return _review_page(slug, question_id, theme_id, form, position)
    decision, target = form.chosen()
    try:
        name = services.review_answer(
            db(),
            analysis,
            theme_id,
            form.answer.data or "",
            decision,
            target,
            by=current_staff(),
            now=clock.now(),
        )
    except queries.ThemeError as error:
        db().rollback()
        refuse(form, error)
        return _review_page(slug, question_id, theme_id, form, position)
    _committed(analysis)
    said = {
        "accept": _("Kept the answer in '%(theme)s'", theme=name),
        "move": _("Moved the answer to '%(theme)s'", theme=name),
        "not_relevant": _("Marked the answer not relevant"),
    }[decision]
    flash(said, "success")
    # The next answer waiting takes this one's place in the queue.
    target_url = url_for("staff.themes.review", slug=slug, question_id=question_id, theme_id=theme_id)
    return redirect(f"{target_url}?position={position}" if position else target_url), 303


def _analysed(slug: str, question_id: str) -> ThemeAnalysis:
    """The analysis of a free-text question of a published survey, or 404."""
    survey, definition = _survey(slug)
    _question(definition, question_id)
    return _analysis(survey, question_id)


def _theme_or_404(analysis: ThemeAnalysis, theme_id: str) -> SnapshotTheme:
    """One of the analysis's themes (not "unassigned"), or 404."""
    theme = analysis.theme(theme_id)
    if theme is None:
        abort(404)
    return theme


def _analysis(survey: Survey, question_id: str) -> ThemeAnalysis:
    analysis = queries.get(db(), survey, question_id)
    if analysis is None:
        abort(404)
    return analysis


@bp.post("/<slug>/themes/<question_id>/edit")
@role_required(Role.OFFICER)
def edit(slug: str, question_id: str) -> ResponseReturnValue:
    """One codebook edit on the question's page: rename, merge, split, or set a theme aside.
    (Answers are moved from a theme's own page: :func:`move`.)"""
    analysis = _analysed(slug, question_id)
    kind = CODEBOOK_FORMS.get(request.form.get("action", ""))
    if kind is None:
        abort(400)
    form = kind(themes=analysis.snapshot.themes)
    if not form.validate():
        return _page(slug, question_id, sent=form)
    by, now = current_staff(), clock.now()
    back = url_for("staff.themes.question", slug=slug, question_id=question_id)
    try:
        if isinstance(form, RenameForm):
            old, label = services.rename(
                db(), analysis, form.theme.data or "", form.label.data or "", by=by, now=now
            )
            flash(_("Renamed '%(old)s' to '%(new)s'", old=old, new=label), "success")
        elif isinstance(form, MergeForm):
            names = services.merge(
                db(), analysis, form.theme.data or "", form.into.data or "", by=by, now=now
            )
            flash(_("Merged '%(theme)s' into '%(into)s'", theme=names[0], into=names[1]), "success")
        elif isinstance(form, SplitForm):
            done = services.split(db(), analysis, form.theme.data or "", form.part_count, by=by, now=now)
            flash(_split_message(done, form.part_count), "success")
        else:
            name = services.set_aside(db(), analysis, form.theme.data or "", by=by, now=now)
            done = _("'%(theme)s' is set aside as not relevant; its answers are unassigned", theme=name)
            flash(done, "success")
    except queries.ThemeError as error:
        db().rollback()
        refuse(form, error)
        return _page(slug, question_id, sent=form)
    _committed(analysis)
    return redirect(back), 303


def _split_message(done: services.Split, parts: int) -> str:
    message: str = _(
        "Split '%(theme)s' into %(num)s themes. Rename them so residents can tell them apart",
        theme=done.label,
        num=parts,
    )
    if done.carried:
        linked = ngettext(
            "The action linked to it now answers each part: unlink any part it does not answer",
            "The actions linked to it now answer each part: unlink any part it does not answer",
            done.carried,
        )
        message += f". {linked}"
    return message

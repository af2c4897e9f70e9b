"""Try a survey before publishing it: the real journey (routing, check your answers, the
confirmation) run on the latest version, draft or published, with nothing stored.

The answers live in this browser's session only, never in the responses table, so a
try-out is never counted, exported or themed. Reaching the confirmation page records
that this exact content was tried (the publish checklist asks for it).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engage.accounts.decorators import current_staff, role_required
from engage.accounts.models import Role
from engage.builder.checklist import TRIED, fingerprint
from engage.platform import audit
from engage.platform.database import db
from engage.platform.security import mark_private
from engage.residents.session import error_summary
from engage.staff.surveys import survey_or_404
from surveys import runner, services
from surveys.definition import Page, SurveyDefinition
from surveys.models import Survey, SurveyVersion

bp = Blueprint("trial", __name__, url_prefix="/surveys")

KEY = "survey_trial"
CHANNEL = "online"
# A browser's session is a cookie of about 4 KB: a try-out keeps the start of long answers.
KEEP_CHARACTERS = 300


def _latest(slug: str) -> tuple[Survey, SurveyVersion, SurveyDefinition, str]:
    survey = survey_or_404(slug)
    version = survey.latest
    return survey, version, services.definition_of(version), fingerprint(version.definition)


def _state(slug: str, mark: str) -> dict[str, Any] | None:
    """This try-out's answers, or ``None`` when none was started or the survey changed since."""
    state = session.get(KEY)
    if not isinstance(state, dict) or state.get("slug") != slug or state.get("mark") != mark:
        return None
    return state


def _restart(slug: str) -> ResponseReturnValue:
    flash(_("The survey changed since you started trying it, so the try-out has started again."), "info")
    return redirect(url_for(".start", slug=slug))


def _kept(answers: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value[:KEEP_CHARACTERS] + "…"
        if isinstance(value, str) and len(value) > KEEP_CHARACTERS
        else value
        for key, value in answers.items()
    }


@bp.get("/<slug>/try")
@role_required(Role.VIEWER)
def start(slug: str) -> ResponseReturnValue:
    _survey, _version, definition, mark = _latest(slug)
    session[KEY] = {"slug": slug, "mark": mark, "answers": {}, "done": []}
    first = runner.next_page(definition, {}, None, CHANNEL)
    if first is None:
        abort(404)
    return redirect(url_for(".page", slug=slug, page_id=first.id))


def _render_page(
    survey: Survey,
    version: SurveyVersion,
    definition: SurveyDefinition,
    page: Page,
    answers: dict[str, Any],
    values: dict[str, Any],
    errors: dict[str, str],
) -> str:
    back = runner.previous_page(definition, answers, page.id, CHANNEL)
    return render_template(
        "builder/trial_page.html",
        title=page.title,
        survey=survey,
        version=version,
        definition=definition,
        page=page,
        questions=runner.visible_questions(page, answers, CHANNEL),
        values=values,
        errors=errors,
        page_errors=error_summary(errors, definition),
        page_number=1,
        back_url=url_for(".page", slug=survey.slug, page_id=back.id)
        if back
        else url_for("staff.builder.overview", slug=survey.slug),
    )


@bp.route("/<slug>/try/<page_id>", methods=["GET", "POST"])
@role_required(Role.VIEWER)
def page(slug: str, page_id: str) -> ResponseReturnValue:
    mark_private()
    survey, version, definition, mark = _latest(slug)
    state = _state(slug, mark)
    if state is None:
        return _restart(slug)
    current = definition.page(page_id)
    if current is None:
        abort(404)
    answers: dict[str, Any] = state["answers"]
    if current.id not in {p.id for p in runner.visible_pages(definition, answers, CHANNEL)}:
        return redirect(_next_url(slug, definition, state))
    stored = runner.form_values(definition, answers)
    if request.method == "GET":
        return _render_page(survey, version, definition, current, answers, stored, {})
    if request.form.get("action") == "save":
        flash(
            _(
                "Residents who choose 'Save and come back later' get a code and a link to carry on. "
                "A try-out keeps nothing, so carry on here."
            ),
            "info",
        )
        return redirect(url_for(".page", slug=slug, page_id=page_id))
    questions = runner.visible_questions(current, answers, CHANNEL)
    result = runner.read_page(current, questions, request.form, definition)
    if result.errors:
        values = {**stored, **result.raw}
        return _render_page(survey, version, definition, current, answers, values, result.errors), 400
    state["answers"] = runner.merge_page(definition, answers, current, _kept(result.answers), CHANNEL)
    state["done"] = [*[p for p in state["done"] if p != current.id], current.id]
    session[KEY] = state
    if request.args.get("return") == "check":
        return redirect(_next_url(slug, definition, state, returning=True))
    following = runner.next_page(definition, state["answers"], current.id, CHANNEL)
    if following is None:
        return redirect(url_for(".check", slug=slug))
    return redirect(url_for(".page", slug=slug, page_id=following.id))


def _next_url(slug: str, definition: SurveyDefinition, state: dict[str, Any], returning: bool = False) -> str:
    """The first page still to answer (back to check your answers when there is none)."""
    missing = runner.first_unanswered_page(definition, state["answers"], state["done"], CHANNEL)
    if missing is None:
        return url_for(".check", slug=slug)
    target = url_for(".page", slug=slug, page_id=missing.id)
    return f"{target}?return=check" if returning else target


@bp.get("/<slug>/try/check")
@role_required(Role.VIEWER)
def check(slug: str) -> ResponseReturnValue:
    mark_private()
    survey, version, definition, mark = _latest(slug)
    state = _state(slug, mark)
    if state is None:
        return _restart(slug)
    if runner.first_unanswered_page(definition, state["answers"], state["done"], CHANNEL) is not None:
        return redirect(_next_url(slug, definition, state))
    return render_template(
        "builder/trial_check.html",
        title=_("Check your answers"),
        survey=survey,
        version=version,
        definition=definition,
        sections=runner.check_sections(definition, state["answers"], CHANNEL),
        change_url=lambda page_id: url_for(".page", slug=slug, page_id=page_id) + "?return=check",
        submit_url=url_for(".send", slug=slug),
    )


@bp.post("/<slug>/try/send")
@role_required(Role.VIEWER)
def send(slug: str) -> ResponseReturnValue:
    """The end of the try-out: nothing is sent, but that this content was tried is recorded."""
    survey, version, definition, mark = _latest(slug)
    state = _state(slug, mark)
    if state is None:
        return _restart(slug)
    if runner.first_unanswered_page(definition, state["answers"], state["done"], CHANNEL) is not None:
        return redirect(_next_url(slug, definition, state))
    audit.record(
        db(),
        TRIED,
        object_type="survey",
        object_id=survey.id,
        summary=f"Tried version {version.number} of {survey.slug} from start to finish",
        details={"version": version.number, "definition": mark},
        actor=current_staff(),
    )
    db().commit()
    session.pop(KEY, None)
    return redirect(url_for(".done", slug=slug))


@bp.get("/<slug>/try/done")
@role_required(Role.VIEWER)
def done(slug: str) -> ResponseReturnValue:
    survey, version, definition, _mark = _latest(slug)
    return render_template(
        "builder/trial_done.html",
        title=_("Thank you"),
        survey=survey,
        version=version,
        definition=definition,
        # Translators: shown where a resident's answers would have their reference number.
        reference=_("TRY-OUT"),
        offered=False,
        trial=True,
    )

"""The resident journey: start page, one page of questions at a time, check answers, submit.

Views stay thin: they load the response, ask :mod:`surveys.runner` where to go and
whether a page's answers are valid, and hand the rest to templates. Answers are
saved on every page, so nothing typed is lost when someone leaves.

Every page is in one of the survey's languages (:func:`_in_language`): the one the
resident asked for if the survey has it, else the survey's own, with a notice in the
language they asked for saying it is not available in it. Answers are stored by value,
so switching language part-way keeps them; the response records the language of the
page it was sent from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import Gone

from engage.followups import asking as follow_up
from engage.kiosk.channel import start_channel
from engage.platform import clock, i18n, mail
from engage.platform.config import Settings
from engage.platform.database import db
from engage.platform.extensions import rate_limiter
from engage.platform.forms import add_problems, form_status
from engage.platform.links import external_url
from engage.platform.ratelimit import Limit, Verdict
from engage.platform.security import mark_private
from engage.residents.forms import AskForm, ResumeCodeForm, ResumeEmailForm
from engage.residents.session import DONE_KEY, ENTRY_KEY, SESSION_KEY, error_summary
from surveys import runner, services
from surveys.definition import Page, SurveyDefinition
from surveys.i18n import N_
from surveys.models import Response, ResponseStatus, Survey, SurveyVersion

bp = Blueprint("residents", __name__, url_prefix="/s")

# Wrong resume codes per client per hour. A library's public network shares one address,
# and a resident mistypes a code now and then; twenty wrong codes an hour is neither.
RESUME_GUESSES = Limit("resume:client", 20, 3600)
# "Email me the link" is limited per client and per address (ENGAGE_RESUME_EMAILS_PER_*),
# so the page cannot be used to send the council's email to anyone, over and over.
TOO_MANY_RESUME_EMAILS = _l(
    "Too many emails have been sent from here or to that address in the last hour. "
    "Wait an hour and try again, or keep the code on this page"
)

# When a resident asks for a language the survey is not written in, a notice in the
# language they asked for: that it is not available in it, and which one the page is in
# (i18n.missing_notice). A language these tables lack (one a council added) gets the
# general sentences.
NOT_AVAILABLE = {
    "en": N_("This survey is not available in English."),
    "cy": N_("This survey is not available in Welsh."),
    "pl": N_("This survey is not available in Polish."),
    "ur": N_("This survey is not available in Urdu."),
    "ar": N_("This survey is not available in Arabic."),
}
SHOWN_IN = {
    "en": N_("It is available in English."),
    "cy": N_("It is available in Welsh."),
    "pl": N_("It is available in Polish."),
    "ur": N_("It is available in Urdu."),
    "ar": N_("It is available in Arabic."),
}
WORDING = i18n.Wording(
    not_in=NOT_AVAILABLE,
    not_in_other=N_("This survey is not available in this language."),
    shown_in=SHOWN_IN,
    # Translators: %(language)s is the name of a language in itself ("English", "Cymraeg").
    shown_in_other=N_("It is available in %(language)s."),
)


@dataclass
class Journey:
    survey: Survey
    version: SurveyVersion
    definition: SurveyDefinition
    response: Response | None


def _in_language(definition: SurveyDefinition) -> SurveyDefinition:
    """Put the rest of this request in the survey's language the resident wants (asked
    for, else their browser's, else the survey's own); the header offers the survey's
    languages. Returns the definition with its text in that language."""
    code, missing = i18n.choose_from(definition.languages, definition.language)
    i18n.use_language(code)
    i18n.offer(definition.languages)
    g.survey_language_missing = (missing, code) if missing else None
    return definition.localised(code)


def missing_notice(missing: str, shown: str) -> i18n.Notice | None:
    """The notice that the survey is not in ``missing``, in ``missing`` itself (its lang
    and direction set on the element), saying it is shown in ``shown``."""
    return i18n.missing_notice(missing, [shown], WORDING)


@bp.context_processor
def _language_notice() -> dict[str, Any]:
    found = g.get("survey_language_missing")
    return {"missing_notice": missing_notice(*found) if found else None}


def _language() -> str:
    """The language of the page being made (a survey's page: set by :func:`_in_language`)."""
    return i18n.current()


def _survey_or_404(slug: str) -> Survey:
    survey = services.get_survey(db(), slug)
    if survey is None or survey.published is None:
        abort(404)
    return survey


def _token(slug: str) -> str | None:
    return (session.get(SESSION_KEY) or {}).get(slug)


def _remember(slug: str, token: str | None) -> None:
    tokens = dict(session.get(SESSION_KEY) or {})
    if token is None:
        tokens.pop(slug, None)
    else:
        tokens[slug] = token
    session[SESSION_KEY] = tokens


def _current_response(survey: Survey) -> Response | None:
    token = _token(survey.slug)
    if not token:
        return None
    response = services.find_by_token(db(), survey, token)
    if response is None or response.status != ResponseStatus.IN_PROGRESS:
        return None
    if response.expires_at is not None and response.expires_at < clock.now():
        return None
    return response


def _journey(slug: str, *, need_response: bool = True) -> Journey:
    survey = _survey_or_404(slug)
    state = services.availability(survey, clock.now())
    if not state.open:
        raise _closed(survey, state.reason)
    response = _current_response(survey)
    if need_response and response is None:
        raise NoResponseError(slug)
    version = response.version if response is not None else survey.published
    assert version is not None
    return Journey(survey, version, _in_language(services.definition_of(version)), response)


class NoResponseError(Exception):
    def __init__(self, slug: str) -> None:
        self.slug = slug


def _closed(survey: Survey, reason: str) -> Gone:
    definition = _in_language(services.definition_of(survey.published)) if survey.published else None
    page = render_template(
        "residents/closed.html",
        title=definition.title if definition else survey.title,
        survey=survey,
        reason=reason,
        definition=definition,
    )
    return Gone(response=make_response(page, 410))


@bp.errorhandler(NoResponseError)
def _start_again(error: NoResponseError) -> ResponseReturnValue:
    return redirect(url_for("residents.start", slug=error.slug))


@bp.get("/<slug>")
def start(slug: str) -> ResponseReturnValue:
    survey = _survey_or_404(slug)
    now = clock.now()
    state = services.availability(survey, now)
    version = survey.published
    assert version is not None
    definition = _in_language(services.definition_of(version))
    if state.reason == "closed":
        return render_template(
            "residents/closed.html",
            title=definition.title,
            survey=survey,
            reason="closed",
            definition=definition,
        ), 410
    entry = {k: request.args[k] for k in ("branch", "locality") if request.args.get(k)}
    if entry:
        entries = dict(session.get(ENTRY_KEY) or {})
        entries[slug] = entry
        session[ENTRY_KEY] = entries
    return render_template(
        "residents/start.html",
        title=definition.title,
        survey=survey,
        definition=definition,
        state=state,
        in_progress=_current_response(survey),
        branch=definition.branch(entry.get("branch", "")) if entry else None,
    )


@bp.post("/<slug>/start")
def begin(slug: str) -> ResponseReturnValue:
    journey = _journey(slug, need_response=False)
    if journey.response is not None and request.form.get("fresh") != "1":
        return redirect(_resume_url(journey))
    entry = (session.get(ENTRY_KEY) or {}).get(slug, {})
    channel, kiosk_branch = start_channel()
    started = services.start_response(
        db(),
        journey.version,
        clock.now(),
        channel=channel,
        branch_code=kiosk_branch or entry.get("branch"),
        locality_code=entry.get("locality"),
        language=_language(),
    )
    db().commit()
    _remember(slug, started.token)
    first = runner.next_page(journey.definition, {}, None, channel)
    assert first is not None
    return redirect(url_for("residents.page", slug=slug, page_id=first.id))


def _resume_url(journey: Journey) -> str:
    assert journey.response is not None
    page = runner.first_unanswered_page(
        journey.definition, journey.response.answers, journey.response.pages_done, journey.response.channel
    )
    if page is None:
        return url_for("residents.check", slug=journey.survey.slug)
    return url_for("residents.page", slug=journey.survey.slug, page_id=page.id)


def _page_context(
    journey: Journey, page: Page, values: dict[str, Any], errors: dict[str, str]
) -> dict[str, Any]:
    assert journey.response is not None
    channel = journey.response.channel
    answers = journey.response.answers
    questions = runner.visible_questions(page, answers, channel)
    pages = runner.visible_pages(journey.definition, answers, channel)
    ids = [p.id for p in pages]
    number = ids.index(page.id) + 1 if page.id in ids else None
    back = runner.previous_page(journey.definition, answers, page.id, channel)
    return {
        "title": page.title,
        "survey": journey.survey,
        "definition": journey.definition,
        "page": page,
        "questions": questions,
        "values": values,
        "errors": errors,
        "page_errors": error_summary(errors, journey.definition),
        "page_number": number,
        "back_url": url_for("residents.page", slug=journey.survey.slug, page_id=back.id)
        if back
        else url_for("residents.start", slug=journey.survey.slug),
        "returning_to_check": request.args.get("return") == "check",
    }


@bp.route("/<slug>/<page_id>", methods=["GET", "POST"])
def page(slug: str, page_id: str) -> ResponseReturnValue:
    mark_private()
    journey = _journey(slug)
    response = journey.response
    assert response is not None
    definition = journey.definition
    current = definition.page(page_id)
    if current is None:
        abort(404)
    visible = {p.id for p in runner.visible_pages(definition, response.answers, response.channel)}
    if current.id not in visible:
        # Routing skips this page now (or it was never reached): go where the resident should be.
        return redirect(_resume_url(journey))
    if request.method == "GET":
        return render_template(
            "residents/page.html", **_page_context(journey, current, _stored_values(response), {})
        )

    questions = runner.visible_questions(current, response.answers, response.channel)
    result = runner.read_page(current, questions, request.form, definition)
    leaving = request.form.get("action") == "save"
    errors = result.errors
    if leaving:
        # Leaving part-way may skip required questions, but never throws away what was typed.
        errors = {k: v for k, v in errors.items() if _has_raw_value(result.raw, k)}
    if errors:
        values = {**_stored_values(response), **result.raw}
        return render_template("residents/page.html", **_page_context(journey, current, values, errors)), 400
    services.save_page(db(), response, definition, current.id, result.answers, clock.now())
    services.set_language(response, definition, _language())
    if leaving:
        if result.errors:  # some required answers are still to come: not a finished page
            response.pages_done = [p for p in response.pages_done if p != current.id]
        db().commit()
        return redirect(url_for("residents.saved", slug=slug))
    db().commit()
    if request.args.get("return") == "check":
        # A changed answer can open pages that were skipped before: ask those first.
        missing = runner.first_unanswered_page(
            definition, response.answers, response.pages_done, response.channel
        )
        if missing is None:
            return redirect(url_for("residents.check", slug=slug))
        target = url_for("residents.page", slug=slug, page_id=missing.id)
        return redirect(f"{target}?return=check")
    following = runner.next_page(definition, response.answers, current.id, response.channel)
    if following is None:
        return redirect(url_for("residents.check", slug=slug))
    return redirect(url_for("residents.page", slug=slug, page_id=following.id))


def _has_raw_value(raw: dict[str, Any], key: str) -> bool:
    head, _, tail = key.partition(".")
    value = raw.get(key, raw.get(head))
    if isinstance(value, dict):
        value = value.get(tail) if tail else any(value.values())
    if isinstance(value, list):
        if tail.isdigit():
            index = int(tail) - 1
            return 0 <= index < len(value) and bool(value[index])
        return any(value)
    return bool(value)


def _stored_values(response: Response) -> dict[str, Any]:
    return runner.form_values(services.definition_of(response.version), response.answers)


@bp.get("/<slug>/check")
def check(slug: str) -> ResponseReturnValue:
    mark_private()
    journey = _journey(slug)
    response = journey.response
    assert response is not None
    missing = runner.first_unanswered_page(
        journey.definition, response.answers, response.pages_done, response.channel
    )
    if missing is not None:
        return redirect(url_for("residents.page", slug=slug, page_id=missing.id))
    sections = runner.check_sections(journey.definition, response.answers, response.channel)
    return render_template(
        "residents/check.html",
        title=_("Check your answers"),
        survey=journey.survey,
        definition=journey.definition,
        sections=sections,
    )


@bp.post("/<slug>/submit")
def submit(slug: str) -> ResponseReturnValue:
    mark_private()
    survey = _survey_or_404(slug)
    token = _token(slug)
    response = services.find_by_token(db(), survey, token) if token else None
    if response is None:
        return redirect(url_for("residents.start", slug=slug))
    if response.status == ResponseStatus.IN_PROGRESS:
        state = services.availability(survey, clock.now())
        if not state.open:
            raise _closed(survey, state.reason)
        definition = _in_language(services.definition_of(response.version))
        missing = runner.first_unanswered_page(
            definition, response.answers, response.pages_done, response.channel
        )
        if missing is not None:
            return redirect(url_for("residents.page", slug=slug, page_id=missing.id))
        # The language of the page the answers were sent from.
        result = services.submit(db(), response, definition, clock.now(), language=_language())
    else:
        assert response.submission is not None
        result = services.SubmitResult(response.submission.reference, first_time=False)
    db().commit()
    done = dict(session.get(DONE_KEY) or {})
    done[slug] = result.reference
    session[DONE_KEY] = done
    return redirect(url_for("residents.done", slug=slug))


@bp.route("/<slug>/done", methods=["GET", "POST"])
def done(slug: str) -> ResponseReturnValue:
    """Thank you, the reference, and (online) the offer to hear what happened."""
    mark_private()
    survey = _survey_or_404(slug)
    reference = (session.get(DONE_KEY) or {}).get(slug)
    submitted = services.find_by_reference(db(), survey, reference) if reference else None
    if submitted is None:
        return redirect(url_for("residents.start", slug=slug))
    definition = _in_language(services.definition_of(submitted.version))
    offered = definition.offers_follow_up and submitted.channel == "online" and not g.get("kiosk")
    form, ask = AskForm(), follow_up.Ask()
    if request.method == "POST":
        if not offered:
            abort(404)
        form.validate()
        ask = form.ask()
        ask.check(client=request.remote_addr or "unknown")
        add_problems(form, ask.errors)
        if not form.errors:
            follow_up.record(submitted, definition.title, ask)
    return render_template(
        "residents/done.html",
        title=_("Thank you"),
        survey=survey,
        definition=definition,
        reference=reference,
        offered=offered,
        ask=ask,
        form=form,
        consent=follow_up.wording(),
    ), ((ask.status if ask.errors else 400) if form.errors else 200)


@bp.route("/<slug>/saved", methods=["GET", "POST"])
def saved(slug: str) -> ResponseReturnValue:
    """The resume code and link; optionally emailed. Each visit issues a fresh code."""
    mark_private()
    journey = _journey(slug)
    response = journey.response
    assert response is not None
    form = ResumeEmailForm()
    email, sent_to = "", None
    status, headers = 200, {}
    if form.validate_on_submit():
        email = form.address
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            form.email.errors = [_("Enter an email address in the correct format, like name@example.com")]
        else:
            verdict = _may_email_resume_link(email)
            if not verdict.allowed:
                form.email.errors = [str(TOO_MANY_RESUME_EMAILS)]
                status, headers = 429, {"Retry-After": str(verdict.retry_after)}
    errors = bool(form.email.errors)
    if errors and status == 200:
        status = 400
    # A visit shows a fresh code; sending it by email keeps the one on the page.
    code = services.issue_resume_code(response, keep=form.code.data or "" if request.method == "POST" else "")
    token = _token(slug)
    # The links carry the language, so they open the survey in the one it was left in.
    language = _language()
    link = external_url("residents.resume_link", slug=slug, token=token, lang=language)
    resume_page = external_url("residents.resume", slug=slug, lang=language)
    message = None
    if request.method == "POST" and not errors:
        # Written now, in the page's language: the email is in the resident's language.
        message = mail.send(
            email,
            _("Continue your answers to %(survey)s", survey=journey.definition.title),
            "resume",
            purpose="survey_resume",
            response_id=response.id,
            survey_title=journey.definition.title,
            link=link,
            code=code,
            resume_url=resume_page,
            expires=i18n.long_date(clock.local(response.expires_at)) if response.expires_at else "",
        )
        sent_to = email
        form = ResumeEmailForm(formdata=None)  # sent: the box is empty for another address
    db().commit()
    if message is not None:
        mail.dispatch(message)
    return (
        render_template(
            "residents/saved.html",
            title=_("Your answers have been saved"),
            survey=journey.survey,
            definition=journey.definition,
            code=code,
            link=link,
            resume_page=url_for("residents.resume", slug=slug, lang=language),
            resume_page_shown=resume_page,
            expires_at=response.expires_at,
            form=form,
            sent_to=sent_to,
        ),
        status,
        headers,
    )


def _may_email_resume_link(email: str) -> Verdict:
    """Counted per client, then per address, before anything is sent (see RESUME_EMAILS)."""
    settings: Settings = current_app.config["ENGAGE_SETTINGS"]
    per_client = Limit("resume_email:client", settings.resume_emails_per_client_per_hour, 3600)
    per_address = Limit("resume_email:address", settings.resume_emails_per_address_per_hour, 3600)
    verdict = rate_limiter().hit(per_client, request.remote_addr or "unknown")
    return rate_limiter().hit(per_address, email) if verdict.allowed else verdict


@bp.route("/<slug>/resume", methods=["GET", "POST"])
def resume(slug: str) -> ResponseReturnValue:
    """Continue saved answers with a code. Codes are short enough to type, so wrong ones
    are limited per client (``RESUME_GUESSES``) to stop anyone trying codes at random."""
    mark_private()
    survey = _survey_or_404(slug)
    state = services.availability(survey, clock.now())
    if not state.open:
        raise _closed(survey, state.reason)
    assert survey.published is not None
    definition = _in_language(services.definition_of(survey.published))
    form = ResumeCodeForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        code = form.typed
        client = request.remote_addr or "unknown"
        # Counted before the code is looked up, in one atomic step, so concurrent guesses
        # cannot all pass; a code that matches is forgiven afterwards.
        verdict = rate_limiter().hit(RESUME_GUESSES, client) if code else None
        if verdict is None:
            form.code.errors = [_("Enter the code you were given when you saved your answers")]
        elif not verdict.allowed:
            form.code.errors = [
                _("Too many codes that did not match have been tried from here. Wait an hour and try again")
            ]
            status, headers = 429, {"Retry-After": str(verdict.retry_after)}
        else:
            response = services.find_by_code(db(), survey, code)
            if response is None or (response.expires_at and response.expires_at < clock.now()):
                form.code.errors = [
                    _("We could not find saved answers with that code. Check it and try again")
                ]
            else:
                token = services.rotate_token(response)
                db().commit()
                rate_limiter().forgive(RESUME_GUESSES, client)
                _remember(slug, token)
                return redirect(_resume_url(_journey(slug)))
    return (
        render_template(
            "residents/resume.html",
            title=_("Continue your answers"),
            survey=survey,
            definition=definition,
            form=form,
        ),
        (form_status(form) if status == 200 else status),
        headers,
    )


@bp.get("/<slug>/resume/<token>")
def resume_link(slug: str, token: str) -> ResponseReturnValue:
    mark_private()
    survey = _survey_or_404(slug)
    state = services.availability(survey, clock.now())
    if not state.open:
        raise _closed(survey, state.reason)
    assert survey.published is not None
    definition = _in_language(services.definition_of(survey.published))
    response = services.find_by_token(db(), survey, token)
    if (
        response is None
        or response.status != ResponseStatus.IN_PROGRESS
        or (response.expires_at is not None and response.expires_at < clock.now())
    ):
        form = ResumeCodeForm(formdata=None)
        form.code.errors = [_("That link has expired or has already been used. Enter your code instead")]
        return render_template(
            "residents/resume.html",
            title=_("Continue your answers"),
            survey=survey,
            definition=definition,
            form=form,
        ), 404
    # A link works once: it is replaced by a new secret held only in this browser's session,
    # so a forwarded, logged or shoulder-surfed link cannot open the answers again.
    token = services.rotate_token(response)
    db().commit()
    _remember(slug, token)
    return redirect(_resume_url(_journey(slug)))

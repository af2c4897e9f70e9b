"""The kiosk's offline-capable pages and its small JSON API.

``/kiosk/run/<slug>`` is the survey runner used on kiosks with JavaScript; its bundle,
the service worker and the "temporarily unavailable" page are cached on the tablet.
The API is only for enrolled kiosks: the device cookie is SameSite=Strict and every
call must carry the ``X-Engage-Kiosk`` header with a JSON body, which a cross-site
form cannot send, so these endpoints do without a CSRF token (a cached page's token
would have expired by the time a queued response is sent).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Any

from babel import Locale
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    make_response,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_translations
from flask_babel import gettext as _

from engage.kiosk import offline
from engage.kiosk.channel import current_kiosk, default_language
from engage.kiosk.models import KioskDevice
from engage.platform import clock, i18n, inputs
from engage.platform.database import db
from engage.platform.extensions import csrf, rate_limiter
from engage.platform.links import external_url
from engage.platform.ratelimit import Limit
from engage.platform.security import mark_private
from engage.residents.session import SESSION_KEY, error_summary
from surveys import services as survey_services
from surveys.definition import Page, SurveyDefinition
from surveys.models import ResponseStatus
from surveys.posters import qr_svg

bp = Blueprint("kiosk_offline", __name__, url_prefix="/kiosk")
log = logging.getLogger(__name__)

API_LIMIT = Limit("kiosk:api", 1200, 3600)
HEADER = "X-Engage-Kiosk"


def _not_enrolled() -> ResponseReturnValue:
    return render_template("kiosk/not_enrolled.html", title=_("This tablet is not set up")), 403


def _in_survey_language(definition: SurveyDefinition) -> SurveyDefinition:
    """The survey in this request's language when it is written in it, else in its own, with
    the whole page in that language (never a Welsh page around English questions)."""
    language = i18n.current()
    if language not in definition.languages:
        language = definition.language
        i18n.use_language(language)
    return definition.localised(language)


def _plural(forms: Callable[[int], str]) -> dict[str, str]:
    """A message's forms in the page's language by plural category (Welsh has six: zero,
    one, two, few, many, other), for the JavaScript to pick with ``Intl.PluralRules``."""
    locale = Locale.parse(i18n.current())
    chosen: dict[str, str] = {}
    for n in range(1000):
        chosen.setdefault(str(locale.plural_form(n)), forms(n))
    return chosen


def kiosk_messages() -> dict[str, Any]:
    """Every message the kiosk's JavaScript shows, in the page's language.

    The kiosk pages carry them (and the service worker keeps ``/kiosk/messages.json`` in each
    language), so the offline runner says exactly what the server says, in Welsh too.
    ``%(name)s`` placeholders are filled in by the JavaScript.
    """
    translations = get_translations()
    return {
        "lang": i18n.current(),
        # kiosk.js: the queue of answers kept on the tablet, the idle warning
        "queue": _plural(
            lambda n: translations.ngettext(
                "%(num)d set of answers is waiting to be sent.",
                "%(num)d sets of answers are waiting to be sent.",
                n,
            )
        ),
        "not_kept": _("The council could not keep these answers"),
        "still_there": _("Are you still there?"),
        "countdown": _plural(
            lambda n: translations.ngettext(
                "This tablet will clear your answers and start again in %(num)d second.",
                "This tablet will clear your answers and start again in %(num)d seconds.",
                n,
            )
        ),
        "still_here": _("Yes, I am still here"),
        # kiosk-runner.js: the pages, check your answers, sending, continuing on a phone
        "back": _("Back"),
        "error": _("Error:"),
        "problem": _("There is a problem"),
        "page_of": _("%(title)s: page %(page)s of %(pages)s"),
        "save_continue": _("Save and continue"),
        "check_title": _("Check your answers"),
        "check_heading": _("Check your answers before sending them"),
        "not_answered": _("Not answered"),
        "change": _("Change"),
        "not_asked_here": _(
            "Some questions, like your email address for updates, are not asked on this shared tablet."
        ),
        "continue_phone": _("Continue on my own phone"),
        "send_heading": _("Now send your answers"),
        "declaration": _(
            "By sending your answers you agree that %(council)s can use them to plan its library "
            "and heritage services, as described in our %(privacy_notice)s."
        ),
        "privacy_notice": _("privacy notice"),
        "send": _("Send answers"),
        "thank_you": _("Thank you"),
        "answers_sent": _("Answers sent"),
        "your_reference": _("Your reference"),
        "taking_part": _("Thank you for taking part in %(title)s."),
        "answers_saved": _("Answers saved"),
        "kept_here": _(
            "Thank you. This tablet cannot reach the council just now, so it is keeping your answers "
            "and will send them as soon as it can. You do not need to do anything else."
        ),
        "finish": _("Finish"),
        "clears_soon": _("This tablet clears your answers and starts again in 30 seconds."),
        "not_recorded": _("Your answers were not recorded"),
        "ask_staff": _("Ask a member of library staff if you would like to know more."),
        "cannot_reach": _(
            "This tablet cannot reach the council just now. Please send your answers here instead."
        ),
        "phone_title": _("Continue on your own phone"),
        "phone_scan": _("Scan this code with your phone's camera to carry on where you left off."),
        "phone_kept": _(
            "Your answers so far are kept for you, and this tablet has forgotten them. The code works once."
        ),
        "phone_done": _("Done: clear this tablet"),
        "unavailable": _("This survey is not available on this tablet just now"),
        "go_back": _("Go back to the start"),
    }


def _open_survey(slug: str) -> tuple[Any, SurveyDefinition]:
    survey = survey_services.get_survey(db(), slug)
    if survey is None or survey.published is None:
        abort(404)
    if not survey_services.availability(survey, clock.now()).open:
        abort(410)
    return survey, survey_services.definition_of(survey.published)


@bp.get("/run/<slug>")
def run(slug: str) -> ResponseReturnValue:
    """The page shell; kiosk-runner.js fills it from the bundle (the cached copy when offline)."""
    if current_kiosk() is None:
        return _not_enrolled()
    survey, definition = _open_survey(slug)
    shown = _in_survey_language(definition)
    language = i18n.current()
    # Switching language here would reload the page and lose the answers kept in it, so the
    # header's toggle is not offered: the resident chose on the attract screen.
    i18n.offer([language])
    return render_template(
        "kiosk/run.html",
        title=shown.title,
        survey=survey,
        definition=shown,
        bundle_url=url_for("kiosk_offline.bundle", slug=slug, lang=language),
        journey_url=url_for("residents.start", slug=slug, lang=language),
        check_url=url_for("kiosk_offline.check", lang=language),
        handoff_url=url_for("kiosk_offline.handoff", lang=language),
        attract_url=url_for("kiosk.attract"),
    )


def _fragment(
    definition: SurveyDefinition, page: Page, values: dict[str, Any], errors: dict[str, str]
) -> str:
    return render_template(
        "kiosk/fragment.html",
        definition=definition,
        page=page,
        questions=offline.kiosk_questions(page),
        values=values,
        errors=errors,
    )


@bp.get("/run/<slug>/bundle.json")
def bundle(slug: str) -> ResponseReturnValue:
    """Everything the runner needs to ask the survey with no network: pages, routing, fields."""
    if current_kiosk() is None:
        abort(403)
    survey, definition = _open_survey(slug)
    assert survey.published is not None
    definition = _in_survey_language(definition)
    by_id = {page.id: page for page in definition.all_pages}
    pages = [
        {**entry, "html": _fragment(definition, by_id[entry["id"]], {}, {})}
        for entry in offline.bundle_pages(definition)
    ]
    return jsonify(
        {
            "slug": survey.slug,
            "version": survey.published.id,
            "lang": i18n.current(),
            "title": definition.title,
            "keep_unfinished": definition.kiosk_keeps_unfinished,
            "handoff": bool(offline.personal_pages(definition)),
            "pages": pages,
        }
    )


def kiosk_api(view: Callable[[KioskDevice, Any], ResponseReturnValue]) -> Callable[[], ResponseReturnValue]:
    """JSON in and out, for an enrolled kiosk only, limited per kiosk."""

    @wraps(view)
    def wrapper() -> ResponseReturnValue:
        device = current_kiosk()
        if device is None:
            return jsonify(error="This device is not an enrolled kiosk"), 401
        if request.headers.get(HEADER) != "1" or not request.is_json:
            return jsonify(error=f"Send JSON with the {HEADER} header"), 400
        if not rate_limiter().hit(API_LIMIT, f"kiosk-device:{device.id}").allowed:
            return jsonify(error="Too many requests from this kiosk; try again later"), 429
        try:
            data = inputs.load_json(request.get_data(cache=False))
        except inputs.JSONError as problem:
            return jsonify(error=str(problem)), 400
        try:
            return view(device, data)
        except offline.PayloadError as problem:
            db().rollback()
            return jsonify(error=str(problem)), 422

    csrf.exempt(wrapper)
    return wrapper


@bp.post("/api/check")
@kiosk_api
def check(device: KioskDevice, data: Any) -> ResponseReturnValue:
    """Validate one page while online: the runner shows the server's own error messages."""
    if not isinstance(data, dict) or not isinstance(data.get("page"), str):
        raise offline.PayloadError("page is missing")
    version = offline.answerable_version(db(), *offline.read_version(data))
    definition = _in_survey_language(survey_services.definition_of(version))
    page = definition.page(data["page"])
    if page is None:
        raise offline.PayloadError("that page is not in the survey")
    rebuilt = offline.replay(definition, offline.read_pages(data.get("pages")), until=page.id)
    errors = rebuilt.errors.get(page.id, {})
    if not errors:
        return jsonify(ok=True, errors=[])
    return jsonify(
        ok=False,
        errors=error_summary(errors, definition),
        html=_fragment(definition, page, rebuilt.raw.get(page.id, {}), errors),
    )


@bp.post("/api/responses")
@kiosk_api
def receive(device: KioskDevice, data: Any) -> ResponseReturnValue:
    """A queued response from the tablet: stored once per idempotency key.

    201 stored (``flagged`` when answers were left out or missing), 200 a duplicate or a
    discarded unfinished response, 422 refused for good: the tablet drops the response,
    and a refusal with a readable key is recorded for staff (without its answers).
    """
    now = clock.now()
    payload: offline.Payload | None = None
    try:
        payload = offline.read_payload(data)
        outcome = offline.accept(db(), device, payload, now)
    except (offline.PayloadError, offline.RefusalError) as problem:
        db().rollback()
        refusal = problem
        if not isinstance(refusal, offline.RefusalError):
            refusal = offline.RefusalError("unreadable", str(problem))
        offline.record_refusal(db(), device, data, refusal, payload, now)
        _report_queue(device, data, now)
        db().commit()
        # ``error`` is what staff are told; ``message`` is for the resident, in their language.
        message = (
            _(offline.REFUSALS[refusal.reason])
            if refusal.reason in offline.REFUSALS
            else _("These answers could not be read, so they were not kept")
        )
        refused = jsonify(
            status="refused", reason=refusal.reason, error=refusal.message, message=message, reference=None
        )
        return refused, 422
    _report_queue(device, data, now)
    db().commit()
    status = 201 if outcome.status == "stored" else 200
    return jsonify(status=outcome.status, reference=outcome.reference, flagged=outcome.flagged), status


def _report_queue(device: KioskDevice, data: Any, now: datetime) -> None:
    queued = data.get("queued") if isinstance(data, dict) else None
    if isinstance(queued, int) and not isinstance(queued, bool):
        offline.report_queue(device, queued, now)


@bp.post("/api/status")
@kiosk_api
def status(device: KioskDevice, data: Any) -> ResponseReturnValue:
    """The tablet's heartbeat: how many finished responses it is still holding."""
    queued = data.get("queued") if isinstance(data, dict) else None
    if not isinstance(queued, int) or isinstance(queued, bool) or queued < 0:
        raise offline.PayloadError("queued must be a whole number")
    offline.report_queue(device, queued, clock.now())
    db().commit()
    return jsonify(ok=True)


@bp.post("/api/handoff")
@kiosk_api
def handoff(device: KioskDevice, data: Any) -> ResponseReturnValue:
    """Continue on your own phone: the answers so far become a response the phone resumes."""
    if not isinstance(data, dict):
        raise offline.PayloadError("the body must be a JSON object")
    version = offline.answerable_version(db(), *offline.read_version(data))
    if not survey_services.availability(version.survey, clock.now()).open:
        # The phone could not carry on: the journey refuses a survey that is not open.
        raise offline.PayloadError("The survey has closed, so these answers cannot be continued on a phone")
    token = offline.handoff(db(), device, version, offline.read_pages(data.get("pages")), clock.now())
    db().commit()
    link = external_url("residents.resume_link", slug=version.survey.slug, token=token)
    return jsonify(url=link, svg=qr_svg(link))


@bp.post("/handoff/<slug>")
def handoff_page(slug: str) -> ResponseReturnValue:
    """The same handover for the ordinary journey (no JavaScript): a QR code for the phone."""
    mark_private()
    if current_kiosk() is None:
        return _not_enrolled()
    # The answer to a form: the toggle's links (GET) could not show it in another language.
    i18n.offer([i18n.current()])
    survey = survey_services.get_survey(db(), slug)
    tokens = dict(session.get(SESSION_KEY) or {})
    response = (
        survey_services.find_by_token(db(), survey, tokens[slug]) if survey and slug in tokens else None
    )
    if survey is None or response is None or response.status != ResponseStatus.IN_PROGRESS:
        return render_template("kiosk/handoff.html", title=_("Nothing to continue"), link=None, svg=None), 404
    token = offline.hand_over_response(response, clock.now())
    db().commit()
    # The tablet forgets the response: it now belongs to whoever scans the code.
    tokens.pop(slug)
    session[SESSION_KEY] = tokens
    link = external_url("residents.resume_link", slug=slug, token=token)
    return render_template(
        "kiosk/handoff.html", title=_("Continue on your own phone"), link=link, svg=qr_svg(link)
    )


@bp.get("/sw.js")
def service_worker() -> Response:
    """The service worker, served from /kiosk/ but allowed to look after the whole kiosk."""
    script = Path(current_app.static_folder or "", "kiosk-sw.js").read_text(encoding="utf-8")
    # The languages a kiosk offers, so the worker keeps the offline page in each of them.
    config = {"languages": list(i18n.SITE_LANGUAGES), "default": default_language()}
    response = make_response(f"self.KIOSK_CONFIG = {json.dumps(config)};\n{script}")
    response.mimetype = "text/javascript"
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def unavailable() -> ResponseReturnValue:
    """Cached by the service worker and shown when a page cannot be reached."""
    return render_template("kiosk/offline.html", title=_("This tablet is temporarily unavailable")), (
        200 if current_kiosk() is not None else 403
    )


@bp.get("/messages.json")
def messages() -> ResponseReturnValue:
    """The kiosk JavaScript's messages in ``?lang``'s language (kept by the service worker)."""
    return jsonify(kiosk_messages())


def init_app(app: Any) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.setdefault(
        "kiosk_handoff_possible", lambda definition: bool(offline.personal_pages(definition))
    )
    app.jinja_env.globals.update(kiosk_messages=kiosk_messages, language_in_page=language_in_page)


def language_in_page(code: str) -> str:
    """A language's name in the page's language ("Saesneg" on a Welsh page)."""
    try:
        name = Locale.parse(i18n.current()).languages.get(code)
    except (ValueError, TypeError):
        name = None
    return str(name or i18n.locale_name(code))

"""The kiosk's offline-capable pages and its small JSON API.

``/kiosk/run/<slug>`` is the survey runner used on kiosks with JavaScript; its bundle,
the service worker and the "temporarily unavailable" page are cached on the tablet.
The API is only for enrolled kiosks: the device cookie is SameSite=Strict and every
call must carry the ``X-Engage-Kiosk`` header with a JSON body, which a cross-site
form cannot send, so these endpoints do without a CSRF token (a cached page's token
would have expired by the time a queued response is sent).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Any

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

from engage.kiosk import offline
from engage.kiosk.channel import current_kiosk
from engage.kiosk.models import KioskDevice
from engage.platform import clock, inputs
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
    return render_template("kiosk/not_enrolled.html", title="This tablet is not set up"), 403


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
    return render_template(
        "kiosk/run.html",
        title=definition.title,
        survey=survey,
        definition=definition,
        bundle_url=url_for("kiosk_offline.bundle", slug=slug),
        journey_url=url_for("residents.start", slug=slug),
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
    by_id = {page.id: page for page in definition.all_pages}
    pages = [
        {**entry, "html": _fragment(definition, by_id[entry["id"]], {}, {})}
        for entry in offline.bundle_pages(definition)
    ]
    return jsonify(
        {
            "slug": survey.slug,
            "version": survey.published.id,
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
    definition = survey_services.definition_of(version)
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
        return jsonify(status="refused", reason=refusal.reason, error=refusal.message, reference=None), 422
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
    survey = survey_services.get_survey(db(), slug)
    tokens = dict(session.get(SESSION_KEY) or {})
    response = (
        survey_services.find_by_token(db(), survey, tokens[slug]) if survey and slug in tokens else None
    )
    if survey is None or response is None or response.status != ResponseStatus.IN_PROGRESS:
        return render_template("kiosk/handoff.html", title="Nothing to continue", link=None, svg=None), 404
    token = offline.hand_over_response(response, clock.now())
    db().commit()
    # The tablet forgets the response: it now belongs to whoever scans the code.
    tokens.pop(slug)
    session[SESSION_KEY] = tokens
    link = external_url("residents.resume_link", slug=slug, token=token)
    return render_template(
        "kiosk/handoff.html", title="Continue on your own phone", link=link, svg=qr_svg(link)
    )


@bp.get("/sw.js")
def service_worker() -> Response:
    """The service worker, served from /kiosk/ but allowed to look after the whole kiosk."""
    script = Path(current_app.static_folder or "", "kiosk-sw.js").read_text(encoding="utf-8")
    response = make_response(script)
    response.mimetype = "text/javascript"
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def unavailable() -> ResponseReturnValue:
    """Cached by the service worker and shown when a page cannot be reached."""
    return render_template("kiosk/offline.html", title="This tablet is temporarily unavailable"), (
        200 if current_kiosk() is not None else 403
    )


def init_app(app: Any) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.setdefault(
        "kiosk_handoff_possible", lambda definition: bool(offline.personal_pages(definition))
    )

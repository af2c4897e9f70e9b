"""Kiosk pages for the tablet, and the staff pages that enrol and revoke tablets.

An enrolled tablet holds one long-lived, HttpOnly cookie with a random device token
(stored as a digest). Everything else a visitor does lives in the ordinary session,
which is cleared whenever the kiosk resets, so the next person sees nothing of them.
"""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    flash,
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
from sqlalchemy import func, select
from werkzeug.wrappers import Response as BaseResponse

from engage.accounts.decorators import current_staff, role_required
from engage.accounts.models import Role
from engage.kiosk import offline_views, services
from engage.kiosk.channel import current_kiosk, kiosk_language
from engage.kiosk.forms import EnrolForm, KioskForm
from engage.kiosk.models import KioskDevice, KioskRefusal
from engage.platform import audit, clock, i18n
from engage.platform.database import db
from engage.platform.extensions import rate_limiter
from engage.platform.forms import form_status
from engage.platform.links import external_url
from engage.platform.ratelimit import Limit
from engage.platform.security import mark_private
from engage.residents.session import DONE_KEY, ENTRY_KEY, SESSION_KEY
from surveys import services as survey_services

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")
admin = Blueprint("kiosks", __name__, url_prefix="/kiosks")

COOKIE = "engage_kiosk"
COOKIE_LIFETIME = timedelta(days=400)
CONTACT_EVERY = timedelta(minutes=1)
ENROL_LIMIT = Limit("kiosk:enrol", 10, 900)
# Kiosk pages reached from the residents' pages (no JavaScript), which follow the
# resident's language choice like those pages do.
FOLLOW_RESIDENT = frozenset({"kiosk_offline.handoff_page"})


def _forget_language(response: BaseResponse) -> BaseResponse:
    """The next resident starts in the kiosk's default: drop the language cookie."""
    if request.cookies.get(i18n.COOKIE) is not None:
        response.delete_cookie(i18n.COOKIE, samesite="Lax", secure=request.is_secure, httponly=True)
    return response


def _load_kiosk() -> ResponseReturnValue | None:
    """Before every request: is this browser an enrolled kiosk? (The staff area refuses kiosks.)"""
    token = request.cookies.get(COOKIE)
    if not token or request.endpoint == "static":
        return None
    device = services.device_for_token(db(), token)
    g.kiosk = device
    if device is None:
        return None
    endpoint = request.endpoint or ""
    if endpoint.startswith(("kiosk.", "kiosk_offline.", "staff.")) and endpoint not in FOLLOW_RESIDENT:
        # Kiosk pages are in the language their address asks for, else the kiosk's default:
        # never a language a previous resident left behind in a cookie. (A kiosk cannot open
        # staff pages: the page saying so is a kiosk page too.)
        i18n.use_language(kiosk_language())
    now = clock.now()
    if device.last_contact_at is None or now - device.last_contact_at > CONTACT_EVERY:
        device.last_contact_at = now
        db().commit()
    return None


def _no_language_cookie(response: Response) -> Response:
    """Kiosk pages never remember a language: their addresses carry it (``?lang=cy``), and
    the service worker fetching every language's pages in the background must not leave
    one behind. (Runs after the language hook, which would otherwise set the cookie.)"""
    endpoint = request.endpoint or ""
    if g.get("kiosk") is None or not endpoint.startswith(("kiosk.", "kiosk_offline.")):
        return response
    cookies = response.headers.getlist("Set-Cookie")
    setting = f"{i18n.COOKIE}="
    kept = [c for c in cookies if not c.startswith(setting) or c.startswith(f"{setting};")]
    if len(kept) != len(cookies):
        response.headers.remove("Set-Cookie")
        for cookie in kept:
            response.headers.add("Set-Cookie", cookie)
    return response


def _kiosk_headers(response: Response) -> Response:
    if g.get("kiosk") is not None:
        # Back after a reset must fetch afresh (and find nothing), never show a cached page.
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    return response


# --- the tablet ---------------------------------------------------------------------


@bp.get("")
def attract() -> ResponseReturnValue:
    mark_private()
    device = current_kiosk()
    if device is None:
        return render_template("kiosk/not_enrolled.html", title=_("This tablet is not set up")), 403
    language = kiosk_language()
    # The big English / Cymraeg buttons choose the language here, not the header's toggle.
    i18n.offer([language])
    shown = services.surveys_for_branch(db(), device.branch_code, clock.now())
    offers = [
        services.offer_in(survey_services.definition_of(s.published), s.slug, language)
        for s in shown
        if s.published
    ]
    response = make_response(
        render_template(
            "kiosk/attract.html",
            title=_("Have your say at %(branch)s", branch=device.branch_name),
            device=device,
            surveys=offers,
            reset=request.args.get("reset") == "1",
            language_choices=[
                {
                    "code": code,
                    "name": i18n.LANGUAGES[code].name,
                    "href": url_for("kiosk.attract", lang=code),
                    "current": code == language,
                }
                for code in i18n.SITE_LANGUAGES
            ],
            cache_urls=_offline_urls([s.slug for s in shown]),
        )
    )
    if not request.args.get("lang"):
        _forget_language(response)
    return response


def _offline_urls(slugs: list[str]) -> list[str]:
    """What the service worker keeps for offline use: the attract screen, the offline page,
    the messages and every survey's runner and bundle, in every language, so a resident
    who chooses Cymraeg when the network is down still gets Welsh."""
    urls = []
    for code in i18n.SITE_LANGUAGES:
        urls += [
            url_for("kiosk.attract", lang=code),
            url_for("kiosk_offline.unavailable", lang=code),
            url_for("kiosk_offline.messages", lang=code),
        ]
        for slug in slugs:
            urls += [
                url_for("kiosk_offline.run", slug=slug, lang=code),
                url_for("kiosk_offline.bundle", slug=slug, lang=code),
            ]
    return urls


@bp.route("/enrol", methods=["GET", "POST"])
def enrol() -> ResponseReturnValue:
    mark_private()
    form = EnrolForm()
    status = 200
    if request.method == "POST":
        if not rate_limiter().hit(ENROL_LIMIT, request.remote_addr or "unknown").allowed:
            form.code.errors = [_("Too many codes have been tried here. Wait 15 minutes and try again")]
            status = 429
        elif form.validate_on_submit():
            enrolled = services.enrol(db(), (form.code.data or "").strip()[:20], clock.now())
            if enrolled is None:
                form.code.errors = [
                    _(
                        "That code is not right, has been used or has expired. "
                        "Check it, or make a new one on the staff kiosk page"
                    )
                ]
            else:
                device, token = enrolled
                audit.record(
                    db(),
                    "kiosk.enrolled",
                    object_type="kiosk_device",
                    object_id=device.id,
                    summary=f"{device.name} enrolled for {device.branch_name}",
                    actor_label=f"kiosk {device.name}",
                    actor=None,
                )
                db().commit()
                session.clear()
                response = redirect(url_for("kiosk.attract"))
                response.set_cookie(
                    COOKIE,
                    token,
                    max_age=int(COOKIE_LIFETIME.total_seconds()),
                    httponly=True,
                    secure=request.is_secure,
                    samesite="Strict",
                )
                return response
    return render_template("kiosk/enrol.html", title=_("Set up this tablet as a kiosk"), form=form), (
        status if status != 200 else form_status(form)
    )


def _discard_visitor() -> None:
    """Forget the visitor: unfinished answers deleted, the whole session replaced."""
    for slug, token in dict(session.get(SESSION_KEY) or {}).items():
        survey = survey_services.get_survey(db(), slug)
        if survey is not None:
            services.discard_unfinished(db(), survey, token)
    db().commit()
    for key in (SESSION_KEY, DONE_KEY, ENTRY_KEY):
        session.pop(key, None)
    session.clear()


@bp.post("/reset")
def reset() -> ResponseReturnValue:
    """ "Start again" and "Finish": the next person starts from a clean tablet."""
    if current_kiosk() is None:
        return redirect(url_for("kiosk.attract"))
    _discard_visitor()
    return _forget_language(redirect(url_for("kiosk.attract", reset="1")))


@bp.get("/timeout")
def timeout() -> ResponseReturnValue:
    """Where the idle timer (JavaScript) or the meta refresh (without it) sends an idle kiosk."""
    if current_kiosk() is None:
        return redirect(url_for("kiosk.attract"))
    _discard_visitor()
    return _forget_language(redirect(url_for("kiosk.attract", reset="1")))


# --- staff ----------------------------------------------------------------------------


@admin.get("", strict_slashes=False)
@role_required(Role.BRANCH_STAFF)
def list_kiosks() -> ResponseReturnValue:
    devices = db().scalars(select(KioskDevice).order_by(KioskDevice.branch_name, KioskDevice.name)).all()
    counts = select(KioskRefusal.device_id, func.count()).group_by(KioskRefusal.device_id)
    refused: dict[int, int] = dict(db().execute(counts).all())
    recent = db().scalars(select(KioskRefusal).order_by(KioskRefusal.received_at.desc()).limit(20)).all()
    names = {device.id: device.name for device in devices}
    return render_template(
        "kiosk_admin/list.html",
        title="Kiosks",
        devices=devices,
        refused=refused,
        refusals=recent,
        names=names,
    )


@admin.route("/new", methods=["GET", "POST"])
@role_required(Role.BRANCH_STAFF)
def new_kiosk() -> ResponseReturnValue:
    form = KioskForm(branches=services.branch_choices(db()))
    if form.validate_on_submit() and form.idle_seconds is not None:
        device, code = services.add_kiosk(
            db(),
            name=form.name.data or "",
            branch_code=form.branch.data or "",
            branch_name=form.branches[form.branch.data or ""],
            idle=form.idle_seconds,
            by=current_staff(),
            now=clock.now(),
        )
        db().commit()
        return _code_page(device, code)
    return render_template("kiosk_admin/new.html", title="Add a kiosk", form=form), form_status(form)


def _code_page(device: KioskDevice, code: str) -> ResponseReturnValue:
    return render_template(
        "kiosk_admin/code.html",
        title=f"Enrol {device.name}",
        device=device,
        code=code,
        enrol_url=external_url("kiosk.enrol"),
    )


def _device(device_id: int) -> KioskDevice:
    device = db().get(KioskDevice, device_id)
    if device is None:
        abort(404)
    return device


@admin.post("/<int:device_id>/code")
@role_required(Role.BRANCH_STAFF)
def new_code(device_id: int) -> ResponseReturnValue:
    """A new one-time code: to enrol a replacement tablet (the old one stops working when it is used)."""
    device = _device(device_id)
    if device.revoked_at is not None:
        abort(409)
    code = services.issue_code(db(), device, by=current_staff(), now=clock.now())
    db().commit()
    return _code_page(device, code)


@admin.post("/<int:device_id>/revoke")
@role_required(Role.BRANCH_STAFF)
def revoke(device_id: int) -> ResponseReturnValue:
    device = _device(device_id)
    services.withdraw(db(), device, by=current_staff(), now=clock.now())
    db().commit()
    revoked = _(
        "%(name)s has been revoked. It shows the set-up page until it is enrolled again", name=device.name
    )
    flash(revoked, "success")
    return redirect(url_for("staff.kiosks.list_kiosks"))


def init_app(app: Flask) -> None:

    app.before_request(_load_kiosk)
    app.after_request(_kiosk_headers)
    # After-request hooks run last-registered first: this one must run after every other.
    app.after_request_funcs.setdefault(None, []).insert(0, _no_language_cookie)
    app.register_blueprint(bp)
    offline_views.init_app(app)

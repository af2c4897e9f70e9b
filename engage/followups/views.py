"""Links in "tell me what happened" emails: confirm, and stop (which deletes the address)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engage.followups import services
from engage.platform import clock, jobs
from engage.platform.database import db
from engage.platform.extensions import csrf
from engage.platform.security import mark_private
from surveys.models import Survey

bp = Blueprint("followups", __name__, url_prefix="/hear-back")


@bp.after_request
def _no_referrer(response: Response) -> Response:
    # These URLs carry a secret: never pass them on.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _page(state: str, survey: Survey | None = None, status: int = 200) -> ResponseReturnValue:
    titles = {
        "confirm": _("Confirm you want to hear what happens"),
        "confirmed": _("You will hear what happens"),
        "unsubscribe": _("Stop emails about this survey"),
        "unsubscribed": _("You will not get any more emails"),
        "expired": _("That link has expired"),
    }
    return render_template("followups/page.html", title=titles[state], state=state, survey=survey), status


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str) -> ResponseReturnValue:
    """GET asks; only POST confirms, so a mail scanner opening the link confirms nothing."""
    mark_private()
    follow_up = services.find_unconfirmed(db(), token, clock.now())
    if follow_up is None:
        return _page("expired", status=404)
    if request.method == "GET":
        return _page("confirm", follow_up.survey)
    services.confirm(db(), follow_up, clock.now())
    db().commit()
    # Confirmed after the page went up: the "published" email goes now (each resident once).
    jobs.enqueue(services.notify_published, follow_up.survey_id)
    return _page("confirmed", follow_up.survey)


@bp.route("/stop/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str) -> ResponseReturnValue:
    """POST is also RFC 8058 one-click, sent by mail programs without a form."""
    mark_private()
    follow_up = services.from_unsubscribe_token(db(), token)
    if follow_up is None:
        return _page("expired", status=404)
    if request.method == "GET":
        return _page("unsubscribe", follow_up.survey)
    survey = follow_up.survey
    services.forget(db(), follow_up)
    db().commit()
    return _page("unsubscribed", survey)

"""The public "You said, we did" pages and their Atom feed."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engage.actions import services
from engage.actions.models import Action, ActionStatus
from engage.platform.database import db
from engage.platform.links import external_url
from surveys import services as survey_services
from surveys.models import Survey

bp = Blueprint("yswd", __name__, url_prefix="/you-said-we-did")

# An action's status and timescale as residents read them, in the page's language (the
# action plan's own labels, in engage.actions.models, are the officers' English).
STATUS_WORDS = {
    ActionStatus.PROPOSED.value: _l("Proposed"),
    ActionStatus.AGREED.value: _l("Agreed"),
    ActionStatus.IN_PROGRESS.value: _l("In progress"),
    ActionStatus.DONE.value: _l("Done"),
    ActionStatus.NOT_TAKEN_FORWARD.value: _l("Not taken forward"),
}
TIMESCALE_WORDS = {
    "year_1": _l("Year 1"),
    "year_2": _l("Year 2"),
    "year_3": _l("Year 3"),
    "pilot": _l("Pilot"),
    "roll_out": _l("Roll-out"),
    "ongoing": _l("Ongoing"),
    "date": _l("By a date"),
}


def action_status(action: Action) -> str:
    return str(STATUS_WORDS.get(action.status, action.status_label))


def action_timescale(action: Action) -> str:
    if action.timescale == "date" and action.due_on:
        return str(_("By %(date)s", date=action.due_on))
    return str(TIMESCALE_WORDS.get(action.timescale, action.timescale_label))


@bp.get("")
def index() -> ResponseReturnValue:
    return render_template(
        "yswd/index.html", title=_("You said, we did"), pages=services.published_surveys(db())
    )


@bp.get("/<slug>")
def page(slug: str) -> ResponseReturnValue:
    survey = survey_services.get_survey(db(), slug)
    if survey is None:
        abort(404)
    return render_page(survey)


def render_page(survey: Survey, *, preview: bool = False) -> ResponseReturnValue:
    """The public page (for ``?locality=`` when asked), or 404 when there is none. With
    ``preview``, the page as it would be if published now (the officers' preview)."""
    locality = request.args.get("locality") or None
    shown = services.public_page(db(), survey, locality, preview=preview)
    if shown is None:
        abort(404)
    place = shown.localities.get(locality, "") if locality else ""
    if place:
        title = _("You said, we did: %(title)s in %(place)s", title=survey.title, place=place)
    else:
        title = _("You said, we did: %(title)s", title=survey.title)
    return render_template(
        "yswd/page.html",
        title=_("Preview: %(title)s", title=title) if preview else title,
        shown=shown,
        locality=locality,
        place=place,
        action_status=action_status,
        action_timescale=action_timescale,
    )


@bp.get("/feed.atom")
def feed() -> Response:
    entries = services.feed_entries(db())
    body = render_template(
        "yswd/feed.xml",
        entries=entries,
        updated=entries[0].updated if entries else None,
        self_url=external_url("yswd.feed"),
        home_url=external_url("yswd.index"),
    )
    return Response(body, mimetype="application/atom+xml")

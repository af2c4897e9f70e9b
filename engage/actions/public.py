"""The public "You said, we did" pages and their Atom feed."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue

from engage.actions import services
from engage.platform.database import db
from engage.platform.links import external_url
from surveys import services as survey_services
from surveys.models import Survey

bp = Blueprint("yswd", __name__, url_prefix="/you-said-we-did")


@bp.get("")
def index() -> ResponseReturnValue:
    return render_template(
        "yswd/index.html", title="You said, we did", pages=services.published_surveys(db())
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
    title = f"You said, we did: {survey.title}" + (f" in {place}" if place else "")
    return render_template(
        "yswd/page.html",
        title=f"Preview: {title}" if preview else title,
        shown=shown,
        locality=locality,
        place=place,
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

"""The public "You said, we did" pages and their Atom feed."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engage.actions import services
from engage.actions.models import Action, ActionStatus, StatusChange
from engage.platform import i18n
from engage.platform.database import db
from engage.platform.links import external_url
from surveys import services as survey_services
from surveys.definition import SurveyDefinition
from surveys.equality import SMALL_GROUP
from surveys.i18n import N_
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
        try:
            due = i18n.long_date(date.fromisoformat(action.due_on))
        except ValueError:
            due = action.due_on
        return str(_("By %(date)s", date=due))
    return str(TIMESCALE_WORDS.get(action.timescale, action.timescale_label))


def shown_definition(survey: Survey) -> SurveyDefinition | None:
    """The survey's published text in the page's language when it is written in it, else in
    its own (the page then marks it with ``lang``)."""
    if survey.published is None:
        return None
    definition = survey_services.definition_of(survey.published)
    code = i18n.current()
    return definition.localised(code) if code in definition.languages else definition


@dataclass(frozen=True)
class Words:
    """A survey's title and locality names as the page shows them, and their language."""

    title: str
    places: dict[str, str]
    language: str


def _words_of(survey: Survey) -> Words:
    definition = shown_definition(survey)
    if definition is None:
        return Words(survey.title, {}, i18n.current())
    places = {loc.code: loc.name for loc in definition.localities}
    return Words(definition.title, places, definition.shown_language)


@bp.get("")
def index() -> ResponseReturnValue:
    pages = services.published_surveys(db())
    return render_template(
        "yswd/index.html",
        title=_("You said, we did"),
        pages=pages,
        words={page.survey_id: _words_of(page.survey) for page in pages},
    )


# Said, in the language the resident asked for, when the page is not written in it: what
# officers write here (the introduction, theme descriptions, statements, actions) is in one
# language, so the whole page is shown in that one rather than half in each.
WORDING = i18n.Wording(
    pairs={
        ("cy", "en"): N_(
            "This page is not available in Welsh yet. It is shown in English, the language the "
            "council wrote it in."
        ),
        ("en", "cy"): N_(
            "This page is not available in English yet. It is shown in Welsh, the language the "
            "council wrote it in."
        ),
    },
    # Translators: %(language)s is the name of a language in itself ("English", "Cymraeg").
    shown_in_other=N_(
        "This page is not available in this language yet. It is shown in %(language)s, the "
        "language the council wrote it in."
    ),
)


def _written_in(survey: Survey) -> str:
    """The language officers write a survey's page in: the survey's own."""
    if survey.published is None:
        return i18n.DEFAULT
    return survey_services.definition_of(survey.published).language


@bp.get("/<slug>")
def page(slug: str) -> ResponseReturnValue:
    survey = survey_services.get_survey(db(), slug)
    if survey is None:
        abort(404)
    asked, written = i18n.current(), _written_in(survey)
    notice = i18n.missing_notice(asked, [written], WORDING)
    if notice is not None:
        i18n.use_language(written)
        i18n.offer([written])
    return render_page(survey, notice=notice)


def render_page(
    survey: Survey, *, preview: bool = False, notice: i18n.Notice | None = None
) -> ResponseReturnValue:
    """The public page (for ``?locality=`` when asked), or 404 when there is none. With
    ``preview``, the page as it would be if published now (the officers' preview)."""
    locality = request.args.get("locality") or None
    shown = services.public_page(db(), survey, locality, preview=preview)
    if shown is None:
        abort(404)
    words = _words_of(survey)
    place = words.places.get(locality, shown.localities.get(locality, "")) if locality else ""
    if place:
        title = _("You said, we did: %(title)s in %(place)s", title=words.title, place=place)
    else:
        title = _("You said, we did: %(title)s", title=words.title)
    return render_template(
        "yswd/page.html",
        title=_("Preview: %(title)s", title=title) if preview else title,
        shown=shown,
        locality=locality,
        place=place,
        words=words,
        action_status=action_status,
        action_timescale=action_timescale,
        missing_notice=notice,
        small_group=SMALL_GROUP,
    )


_ACTION_ENTRY = re.compile(r"action-(\d+)-change-(\d+)")


def _in_language(entry: services.FeedEntry) -> services.FeedEntry:
    """A feed entry's words in the page's language: the survey's title as the page shows it,
    an action's new status in words (an officer's reason stays as written)."""
    if entry.id.startswith("page-"):
        survey = survey_services.get_survey(db(), entry.link_slug)
        if survey is None:
            return entry
        return replace(entry, title=_("You said, we did: %(title)s", title=_words_of(survey).title))
    found = _ACTION_ENTRY.fullmatch(entry.id)
    change = db().get(StatusChange, int(found.group(2))) if found else None
    if change is None:
        return entry
    title, status = change.action.title, str(STATUS_WORDS.get(change.status, change.status_label))
    summary = change.reason or _("%(action)s is now %(status)s.", action=title, status=status.lower())
    return replace(entry, title=_("%(action)s: %(status)s", action=title, status=status), summary=summary)


@bp.get("/feed.atom")
def feed() -> Response:
    entries = [_in_language(entry) for entry in services.feed_entries(db())]
    body = render_template(
        "yswd/feed.xml",
        entries=entries,
        updated=entries[0].updated if entries else None,
        self_url=external_url("yswd.feed"),
        home_url=external_url("yswd.index"),
    )
    return Response(body, mimetype="application/atom+xml")

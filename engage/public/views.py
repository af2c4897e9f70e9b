"""Pages for residents and the public: home, the statutory pages, and health."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engage import __version__
from engage.actions import queries as action_queries
from engage.platform import clock, i18n
from engage.platform.database import db
from engage.platform.health import database_status, redis_status
from engage.platform.i18n import current
from surveys import listing
from surveys.i18n import N_

bp = Blueprint("public", __name__)

CLOSED_PER_PAGE = 20

# On a consultation's page in another language than its survey's: its own words (title,
# purpose, questions) are in the survey's language, the rest in the page's; said in the
# page's (i18n.missing_notice).
CONSULTATION_WORDING = i18n.Wording(
    pairs={
        ("cy", "en"): N_("This consultation is not available in Welsh, so its own text is shown in English."),
    },
    # Translators: %(language)s is the name of a language in itself ("English", "Cymraeg").
    shown_in_other=N_("This consultation is only available in %(language)s."),
)


def _with_results() -> set[int]:
    return action_queries.published_survey_ids(db())


def _found() -> list[listing.Consultation]:
    """Every consultation, each in the page's language where its survey is written in it."""
    code = current()
    return [c.localised(code) for c in listing.consultations(db(), clock.now())]


@bp.get("/")
def home() -> str:
    found = _found()
    results = _with_results()
    return render_template(
        "public/home.html",
        title=_("Home"),
        open_now=[c for c in found if c.status == listing.OPEN],
        forthcoming=[c for c in found if c.status == listing.FORTHCOMING],
        recent_results=[c for c in found if c.status == listing.CLOSED and c.survey.id in results][:3],
        results=results,
    )


@bp.get("/consultations")
def consultations() -> ResponseReturnValue:
    """Find a consultation: open, then forthcoming, then closed ones with their results;
    filtered by area and topic and searched by word, all in the query string (no JavaScript)."""
    found = _found()
    area = request.args.get("area", "").strip()
    topic = request.args.get("topic", "").strip()
    text = " ".join(request.args.get("q", "").split())[:100]
    area_options = listing.areas(found)
    topic_options = listing.topics(found)
    # An area or topic no consultation has (an old link, a typed address) is ignored, not an error.
    if area not in {code for code, _name in area_options}:
        area = ""
    if topic.casefold() not in {t.casefold() for t in topic_options}:
        topic = ""
    words = listing.query_words(text)
    shown = [c for c in found if c.matches(area or None, topic or None, words)]
    closed = [c for c in shown if c.status == listing.CLOSED]
    pages = max(1, -(-len(closed) // CLOSED_PER_PAGE))
    try:
        page = min(max(int(request.args.get("page", "1")), 1), pages)
    except ValueError:
        page = 1
    return render_template(
        "public/consultations.html",
        title=_("Find a consultation"),
        open_now=[c for c in shown if c.status == listing.OPEN],
        forthcoming=[c for c in shown if c.status == listing.FORTHCOMING],
        closed=closed[(page - 1) * CLOSED_PER_PAGE : page * CLOSED_PER_PAGE],
        closed_total=len(closed),
        page=page,
        pages=pages,
        area=area,
        topic=topic,
        text=text,
        area_options=area_options,
        topic_options=topic_options,
        area_name=dict(area_options).get(area, ""),
        filtered=bool(area or topic or words),
        results=_with_results(),
    )


@bp.get("/consultations/<slug>")
def consultation(slug: str) -> ResponseReturnValue:
    """A consultation's own page, kept after it closes: what was asked, how many took part,
    and the link to its results."""
    found = listing.consultation(db(), slug, clock.now())
    if found is None:
        abort(404)
    found = found.localised(current())
    return render_template(
        "public/consultation.html",
        title=found.definition.title,
        c=found,
        has_results=found.survey.id in _with_results(),
        missing_notice=i18n.missing_notice(current(), [found.language], CONSULTATION_WORDING),
    )


@bp.get("/surveys")
@bp.get("/s")
@bp.get("/s/")
def find_redirect() -> ResponseReturnValue:
    """Addresses people guess for the list of surveys."""
    return redirect(url_for("public.consultations"), 301)


@bp.get("/privacy")
def privacy() -> str:
    return render_template("public/privacy.html", title=_("Privacy notice"))


@bp.get("/accessibility")
def accessibility() -> str:
    return render_template("public/accessibility.html", title=_("Accessibility statement"))


@bp.get("/cookies")
def cookies() -> str:
    return render_template("public/cookies.html", title=_("Cookies"))


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """For load balancers: 200 when the database answers, 503 when it does not."""
    database = database_status()
    redis_report = redis_status()
    healthy = database["status"] == "ok"
    degraded = redis_report["status"] == "error"
    body = {
        "status": "ok" if healthy and not degraded else ("degraded" if healthy else "error"),
        "app": {"name": "engage", "version": __version__},
        "database": database,
        "redis": redis_report,
    }
    response = jsonify(body)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response

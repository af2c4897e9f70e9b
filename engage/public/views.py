"""Pages for residents and the public: home, the statutory pages, and health."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask.typing import ResponseReturnValue

from engage import __version__
from engage.platform.health import database_status, redis_status

bp = Blueprint("public", __name__)


@bp.get("/")
def home() -> str:
    return render_template("public/home.html", title="Home")


@bp.get("/privacy")
def privacy() -> str:
    return render_template("public/privacy.html", title="Privacy notice")


@bp.get("/accessibility")
def accessibility() -> str:
    return render_template("public/accessibility.html", title="Accessibility statement")


@bp.get("/cookies")
def cookies() -> str:
    return render_template("public/cookies.html", title="Cookies")


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

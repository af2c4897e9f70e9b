"""Pages for residents and the public: home, the statutory pages, and health."""

from __future__ import annotations

from typing import Any

import redis
from flask import Blueprint, current_app, jsonify, render_template
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError

from engage import __version__
from engage.database import engine, ping
from engage.extensions import rate_limiter

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


def redis_status() -> dict[str, Any]:
    client: redis.Redis | None = current_app.extensions.get("engage.redis")
    if client is None:
        return {"status": "not configured", "detail": "rate limits and jobs run in-process"}
    try:
        client.ping()
    except redis.RedisError as error:
        current_app.logger.error("Redis health check failed: %s", error)
        return {"status": "error", "detail": type(error).__name__}
    limiter_error = rate_limiter().last_error
    if limiter_error:
        return {"status": "ok", "detail": f"recovered; last rate-limit error: {limiter_error}"}
    return {"status": "ok"}


def database_status() -> dict[str, Any]:
    bind = engine()
    try:
        ping(bind)
    except SQLAlchemyError as error:
        current_app.logger.error("Database health check failed: %s", error)
        return {"status": "error", "backend": bind.dialect.name, "detail": type(error).__name__}
    return {"status": "ok", "backend": bind.dialect.name}


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

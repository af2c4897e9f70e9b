"""How the services the app depends on are doing: the database and Redis.

Read by ``/healthz`` (for load balancers) and by the staff dashboard (for admins), so it
lives below both of them.
"""

from __future__ import annotations

from typing import Any

import redis
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from engage.platform.database import engine, ping
from engage.platform.extensions import rate_limiter

__all__ = ["database_status", "redis_status"]


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

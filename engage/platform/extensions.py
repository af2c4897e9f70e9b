"""Flask extensions, created once and bound to each app."""

from __future__ import annotations

from flask import Flask, current_app
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers

from engage.platform.config import Settings
from engage.platform.database import connection_holding_write_lock, is_sqlite_memory, make_engine
from engage.platform.ratelimit import DatabaseStorage, RateLimiter, SharedRedisStorage, epoch_now

login_manager = LoginManager()
csrf = CSRFProtect()


def rate_limiter() -> RateLimiter:
    return current_app.extensions["engage.ratelimiter"]  # type: ignore[no-any-return]


def init_app(app: Flask) -> None:
    # engage.accounts.login configures who is signed in (it is above the platform).
    login_manager.init_app(app)
    csrf.init_app(app)
    WTFormsHelpers(app)
    app.extensions["engage.ratelimiter"] = _make_rate_limiter(app)


def _make_rate_limiter(app: Flask) -> RateLimiter:
    """Counts in Redis when configured, otherwise in the database: either way, shared by every worker."""
    client = app.extensions.get("engage.redis")
    if client is None:
        # Its own small pool: a request holds a connection from the main pool while it
        # counts, so counting from that pool too could leave every thread waiting for one.
        # (An in-memory SQLite database exists only on its own engine's connection.)
        url = app.config["DATABASE_URL"]
        engine = app.extensions["engage.engine"]
        if not is_sqlite_memory(url):
            engine = make_engine(url, pool_size=2, max_overflow=8)
            app.extensions["engage.ratelimit_engine"] = engine
        storage = DatabaseStorage(engine, writing_connection=connection_holding_write_lock)
        return RateLimiter(storage, clock=epoch_now)
    settings: Settings = app.config["ENGAGE_SETTINGS"]
    return RateLimiter(SharedRedisStorage(client, settings.redis_namespace))

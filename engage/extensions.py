"""Flask extensions, created once and bound to each app."""

from __future__ import annotations

from flask import Flask, current_app
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers

from engage import accounts
from engage.config import Settings
from engage.database import db
from engage.models import StaffUser
from engage.ratelimit import MemoryStore, RateLimiter, RedisStore

login_manager = LoginManager()
csrf = CSRFProtect()


@login_manager.user_loader
def _load_staff(token: str) -> StaffUser | None:
    settings: Settings = current_app.config["ENGAGE_SETTINGS"]
    return accounts.resume_session(db(), token, accounts.SessionPolicy.from_settings(settings))


def rate_limiter() -> RateLimiter:
    return current_app.extensions["engage.ratelimiter"]  # type: ignore[no-any-return]


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "staff.auth.login"
    login_manager.login_message = "Sign in to see that page"
    login_manager.login_message_category = "info"
    # The server-side session row is the protection against a stolen cookie;
    # "strong" would also log people out when their mobile network changes address.
    login_manager.session_protection = "basic"
    csrf.init_app(app)
    WTFormsHelpers(app)
    client = app.extensions.get("engage.redis")
    settings: Settings = app.config["ENGAGE_SETTINGS"]
    store = (
        RedisStore(client, prefix=f"{settings.redis_namespace}:rl:") if client is not None else MemoryStore()
    )
    app.extensions["engage.ratelimiter"] = RateLimiter(store)

"""Who is signed in: Flask-Login finds the staff account from the session cookie's token."""

from __future__ import annotations

from flask import Flask, current_app

from engage.accounts import services
from engage.accounts.models import StaffUser
from engage.platform.config import Settings
from engage.platform.database import db
from engage.platform.extensions import login_manager


def _load_staff(token: str) -> StaffUser | None:
    settings: Settings = current_app.config["ENGAGE_SETTINGS"]
    return services.resume_session(db(), token, services.SessionPolicy.from_settings(settings))


def init_app(app: Flask) -> None:
    """Bind sign-in to ``app`` (after ``engage.platform.extensions.init_app``)."""
    login_manager.user_loader(_load_staff)
    login_manager.login_view = "staff.auth.login"
    login_manager.login_message = "Sign in to see that page"
    login_manager.login_message_category = "info"
    # The server-side session row is the protection against a stolen cookie;
    # "strong" would also log people out when their mobile network changes address.
    login_manager.session_protection = "basic"

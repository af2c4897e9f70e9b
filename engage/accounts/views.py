"""Staff sign in, sign out and password change."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.exceptions import TooManyRequests

from engage.accounts import services as accounts
from engage.accounts.forms import ChangePasswordForm, LoginForm
from engage.accounts.models import StaffUser
from engage.platform import audit
from engage.platform.config import Settings
from engage.platform.database import db
from engage.platform.extensions import rate_limiter
from engage.platform.ratelimit import Limit
from engage.platform.security import mark_private
from surveys.i18n import N_

bp = Blueprint("auth", __name__)

WRONG_DETAILS = N_("Enter the email address and password for your staff account. Check them and try again.")


def _limits() -> tuple[Limit, Limit]:
    settings: Settings = current_app.config["ENGAGE_SETTINGS"]
    window = settings.login_window_minutes * 60
    return (
        Limit("login:account", settings.login_attempts_per_account, window),
        Limit("login:client", settings.login_attempts_per_client, window),
    )


def _too_many(retry_after: int) -> TooManyRequests:
    minutes = max(1, (retry_after + 59) // 60)
    error = TooManyRequests(
        description=ngettext(
            "There have been too many attempts to sign in. "
            "For your security, wait %(num)d minute and try again.",
            "There have been too many attempts to sign in. "
            "For your security, wait %(num)d minutes and try again.",
            minutes,
        ),
        retry_after=retry_after,
    )
    return error


MAX_NEXT_LENGTH = 2000


def safe_next(target: str | None) -> str | None:
    """Only same-site paths: never send someone to another site after sign in.

    Anything unusual counts as no ``next`` at all (the dashboard): control characters,
    which werkzeug refuses in a Location header (a CR/LF was a 500), invisible format
    characters and line separators, and addresses longer than any page of ours.
    """
    if not target or len(target) > MAX_NEXT_LENGTH:
        return None
    if any(unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"} for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


@bp.route("/sign-in", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    mark_private()
    if current_user.is_authenticated:
        return redirect(url_for("staff.home.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        account_limit, client_limit = _limits()
        email = accounts.normalise_email(form.email.data or "")
        client = request.remote_addr or "unknown"
        limiter = rate_limiter()
        # Count this attempt before its password is checked, in one atomic step per limit:
        # concurrent attempts (in any worker) each see the others' counts.
        for limit, identity in ((account_limit, email), (client_limit, client)):
            verdict = limiter.hit(limit, identity)
            if not verdict.allowed:
                raise _too_many(verdict.retry_after)
        user = accounts.authenticate(db(), email, form.password.data or "")
        if user is None:
            audit.record(
                db(),
                "staff.sign_in_failed",
                object_type="staff_user",
                summary="Failed sign-in attempt",
                actor_label="anonymous",
                actor=None,
            )
            db().commit()
            form.email.errors = [_(WRONG_DETAILS)]
            return render_template("auth/login.html", form=form, title=_("Sign in")), 400
        _sign_in(user)
        audit.record(db(), "staff.signed_in", object_type="staff_user", object_id=user.id, actor=user)
        db().commit()
        # The account's failures are forgiven, as before; the client keeps its failures and
        # only this successful attempt is taken back, so signing in to one's own account
        # cannot buy guesses at others.
        limiter.reset(account_limit, email)
        limiter.forgive(client_limit, client)
        if user.must_change_password:
            flash(_("You must choose a new password before you continue."), "info")
            return redirect(url_for("staff.auth.change_password"))
        return redirect(safe_next(request.args.get("next")) or url_for("staff.home.dashboard"))
    return render_template("auth/login.html", form=form, title=_("Sign in")), (400 if form.errors else 200)


def _sign_in(user: StaffUser) -> None:
    # A fresh cookie session at every sign in: nothing from before survives (no fixation).
    session.clear()
    accounts.start_session(
        db(), user, client_address=request.remote_addr, user_agent=request.headers.get("User-Agent")
    )
    login_user(user, remember=False)


@bp.post("/sign-out")
def logout() -> ResponseReturnValue:
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        accounts.end_session(db(), user.session_token)
        audit.record(db(), "staff.signed_out", object_type="staff_user", object_id=user.id, actor=user)
        db().commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "success")
    return redirect(url_for("staff.auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    mark_private()
    user: StaffUser = current_user._get_current_object()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        # The current password is a guess like any sign-in (a session left open on a shared
        # computer must not allow unlimited tries): it shares the account's sign-in limit.
        account_limit = _limits()[0]
        verdict = rate_limiter().hit(account_limit, accounts.normalise_email(user.email))
        if not verdict.allowed:
            raise _too_many(verdict.retry_after)
        if accounts.authenticate(db(), user.email, form.current_password.data or "") is None:
            form.current_password.errors = [_("Your current password is not right")]
        else:
            try:
                accounts.set_password(db(), user, form.new_password.data or "", must_change=False)
            except accounts.AccountError as error:
                form.new_password.errors = [str(error)]
            else:
                audit.record(
                    db(),
                    "staff.password_changed",
                    object_type="staff_user",
                    object_id=user.id,
                    summary="Changed their own password; other sessions were signed out",
                    actor=user,
                )
                rate_limiter().reset(account_limit, accounts.normalise_email(user.email))
                _sign_in(user)
                db().commit()
                flash(_("Your password has been changed. Any other devices have been signed out."), "success")
                return redirect(url_for("staff.home.dashboard"))
    return render_template("auth/change_password.html", form=form, title=_("Change your password")), (
        400 if form.errors else 200
    )

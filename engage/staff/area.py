"""The staff area: one parent blueprint at ``/staff`` for every staff page.

Every rule a staff page needs is applied here, once, before any staff view runs:

1. nothing under ``/staff`` is kept by browsers or proxies (``Cache-Control: no-store``);
2. an enrolled kiosk tablet gets a 403 page: staff pages are never used on a shared tablet;
3. only the sign-in page is open; every other page needs a signed-in account;
4. an account that must change its password (a one-time password from an administrator)
   sees only the change-password page and can sign out.

Each feature's staff pages are a child blueprint registered here, so a new page cannot be
added to the staff area without these rules. Views still check roles themselves
(``role_required``), because the role a page needs is the page's own business.
"""

from __future__ import annotations

from flask import Blueprint, Flask, flash, g, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from engage.platform.extensions import login_manager
from engage.platform.security import mark_private
from surveys.i18n import N_

bp = Blueprint("staff", __name__, url_prefix="/staff")

#: Pages anyone may open: signing in, and the unsubscribe link in an alert email (its
#: signed token names the account and the alert).
OPEN_ENDPOINTS = frozenset({"staff.auth.login", "staff.alerts.unsubscribe"})
#: Pages an account that must change its password may still use.
PASSWORD_CHANGE_ENDPOINTS = frozenset({"staff.auth.change_password", "staff.auth.logout"})

MUST_CHANGE_MESSAGE = N_("You must choose a new password before you continue.")


@bp.before_request
def _staff_area_rules() -> ResponseReturnValue | None:
    mark_private()
    if g.get("kiosk") is not None:
        title = _("Staff pages are not available on this tablet")
        return make_response(render_template("kiosk/no_staff.html", title=title), 403)
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()  # type: ignore[no-any-return]
    if current_user.must_change_password and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
        flash(_(MUST_CHANGE_MESSAGE), "info")
        return redirect(url_for("staff.auth.change_password"))
    return None


def init_app(app: Flask) -> None:
    """Register every feature's staff pages under ``/staff``, behind the rules above."""
    # Imported here: the staff area composes every feature's staff pages, and those
    # modules import the engage package, which must finish importing first.
    from engage.accounts.admin import bp as staff_accounts
    from engage.accounts.views import bp as auth
    from engage.actions.views import bp as actions
    from engage.alerts.views import bp as alerts
    from engage.builder.postcodes import bp as postcodes
    from engage.builder.trial import bp as trial
    from engage.builder.views import bp as builder
    from engage.forums.officers import bp as forums
    from engage.kiosk.views import admin as kiosks
    from engage.reports.views import bp as reports
    from engage.responses.views import bp as responses
    from engage.staff.views import bp as home
    from engage.themes.views import bp as themes

    if not bp._blueprints:  # once per process: many apps (tests) share these blueprint objects
        for child in (
            auth,
            home,
            staff_accounts,
            builder,
            trial,
            postcodes,
            responses,
            themes,
            reports,
            actions,
            forums,
            kiosks,
            alerts,
        ):
            bp.register_blueprint(child)
    app.register_blueprint(bp)

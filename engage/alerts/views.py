"""The "Email alerts" page of the signed-in officer, and the unsubscribe link in each alert.

Both are in the staff area (``/staff/email-alerts``). The unsubscribe link is one of the
staff area's open pages: it works from the email without signing in, because its token
names the account and the alert. GET asks; POST stops (also RFC 8058 one-click, sent by
mail programs without a form, hence no CSRF token).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engage.accounts.decorators import current_staff, role_required
from engage.accounts.models import Role
from engage.alerts import services
from engage.alerts.forms import AlertsForm
from engage.alerts.models import AlertKind
from engage.platform import audit, clock
from engage.platform.database import db
from engage.platform.extensions import csrf
from engage.platform.forms import form_status, starting_from

bp = Blueprint("alerts", __name__, url_prefix="/email-alerts")


@bp.route("", methods=["GET", "POST"], strict_slashes=False)
@role_required(Role.OFFICER)
def settings() -> ResponseReturnValue:
    user = current_staff()
    current = services.choices(db(), user)
    form = AlertsForm(**starting_from({"kinds": [kind.value for kind in AlertKind if kind in current]}))
    if form.validate_on_submit():
        chosen = form.chosen()
        added, removed = services.set_choices(db(), user, chosen, clock.now())
        if added or removed:
            audit.record(
                db(),
                "staff.alerts_changed",
                object_type="staff_user",
                object_id=user.id,
                summary=f"Chose their email alerts: {services.describe(chosen)}",
                details={"on": sorted(k.value for k in added), "off": sorted(k.value for k in removed)},
                actor=user,
            )
        db().commit()
        flash(_("Your email alerts have been saved."), "success")
        return redirect(url_for("staff.alerts.settings"), code=303)  # See Other: the saved page
    ticked = set(form.kinds.data or [])
    items = [
        {"value": k.value, "text": k.label, "hint": {"text": k.hint}, "checked": k.value in ticked}
        for k in AlertKind
    ]
    return render_template(
        "alerts/settings.html", title=_("Email alerts"), form=form, items=items, email=user.email
    ), form_status(form)


@bp.route("/stop/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str) -> ResponseReturnValue:
    found = services.read_unsubscribe(db(), token)
    if found.user is None or found.kind is None:
        title = _("This link has expired") if found.problem == "expired" else _("This link does not work")
        return render_template(
            "alerts/link_problem.html", title=title, problem=found.problem, link_days=services.LINK_DAYS
        ), 400
    user, kind = found.user, found.kind
    if request.method == "POST":
        if services.stop(db(), user, kind):
            audit.record(
                db(),
                "staff.alerts_changed",
                object_type="staff_user",
                object_id=user.id,
                summary=f"{user.email} stopped {kind.stop_label} with the link in one of them",
                details={"off": [kind.value]},
                actor=None,
                actor_label="unsubscribe link",
            )
        db().commit()
        return render_template(
            "alerts/unsubscribed.html",
            title=_("You will not get %(emails)s", emails=kind.stop_label),
            kind=kind,
            email=user.email,
        )
    return render_template(
        "alerts/unsubscribe.html",
        title=_("Stop %(emails)s", emails=kind.stop_label),
        kind=kind,
        email=user.email,
    )

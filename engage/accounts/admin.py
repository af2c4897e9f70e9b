"""Administrators' staff account pages: list, add, change, deactivate and reset passwords.

The rules (one administrator always remains, nobody deactivates themselves) and the audit
rows are in :mod:`engage.accounts.services`; these views parse, call one service, render.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from engage.accounts import services
from engage.accounts.decorators import current_staff, role_required
from engage.accounts.forms import EditStaffForm, StaffAccountForm
from engage.accounts.models import Role, StaffUser
from engage.platform.database import db
from engage.platform.forms import form_status

bp = Blueprint("accounts", __name__, url_prefix="/accounts")


def _get_user(user_id: int) -> StaffUser:
    user = db().get(StaffUser, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("")
@role_required(Role.ADMIN)
def accounts_list() -> str:
    users = list(db().scalars(select(StaffUser).order_by(StaffUser.is_active_account.desc(), StaffUser.name)))
    return render_template("staff/accounts.html", title=_("Staff accounts"), users=users)


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def account_new() -> ResponseReturnValue:
    form = StaffAccountForm()
    if form.validate_on_submit():
        try:
            user, password = services.add_account(
                db(),
                email=form.email.data or "",
                name=form.name.data or "",
                role=Role(form.role.data),
                by=current_staff(),
            )
        except services.AccountError as error:
            form.email.errors = [str(error)]
        else:
            db().commit()
            return render_template(
                "staff/password_issued.html",
                title=_("Account created"),
                user=user,
                password=password,
                created=True,
            )
    return render_template("staff/account_new.html", title=_("Add a staff account"), form=form), form_status(
        form
    )


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def account_detail(user_id: int) -> ResponseReturnValue:
    user = _get_user(user_id)
    form = EditStaffForm(obj=user)
    if form.validate_on_submit():
        try:
            changed = services.update_account(
                db(),
                user,
                name=form.name.data or "",
                role=Role(form.role.data or user.role),
                by=current_staff(),
            )
        except services.AccountError as error:
            form.role.errors = [str(error)]
        else:
            if changed:
                db().commit()
                flash(_("Changes to %(name)s's account have been saved.", name=user.name), "success")
            return redirect(url_for("staff.accounts.account_detail", user_id=user.id))
    sessions_live = sum(1 for s in user.sessions if s.revoked_at is None)
    return render_template(
        "staff/account_detail.html", title=user.name, user=user, form=form, sessions_live=sessions_live
    ), form_status(form)


@bp.post("/<int:user_id>/deactivate")
@role_required(Role.ADMIN)
def account_deactivate(user_id: int) -> ResponseReturnValue:
    user = _get_user(user_id)
    try:
        if services.deactivate(db(), user, by=current_staff()):
            db().commit()
            done = _("%(name)s's account has been deactivated and signed out everywhere.", name=user.name)
            flash(done, "success")
    except services.AccountError as error:
        flash(f"{error}.", "info")
    return redirect(url_for("staff.accounts.account_detail", user_id=user.id))


@bp.post("/<int:user_id>/reactivate")
@role_required(Role.ADMIN)
def account_reactivate(user_id: int) -> ResponseReturnValue:
    user = _get_user(user_id)
    if services.reactivate(db(), user, by=current_staff()):
        db().commit()
        flash(_("%(name)s's account has been reactivated.", name=user.name), "success")
    return redirect(url_for("staff.accounts.account_detail", user_id=user.id))


@bp.post("/<int:user_id>/reset-password")
@role_required(Role.ADMIN)
def account_reset_password(user_id: int) -> ResponseReturnValue:
    user = _get_user(user_id)
    password = services.reset_password(db(), user, by=current_staff())
    db().commit()
    return render_template(
        "staff/password_issued.html", title=_("Password reset"), user=user, password=password, created=False
    )

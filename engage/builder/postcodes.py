"""The council's postcode-to-area table: officers upload it as a CSV and download it back."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import SubmitField

from engage.accounts.decorators import current_staff, role_required
from engage.accounts.models import Role
from engage.platform import audit
from engage.platform.database import db
from engage.platform.downloads import spreadsheet
from engage.platform.forms import Form, form_status
from surveys import postcodes

bp = Blueprint("postcodes", __name__, url_prefix="/postcode-areas")


class PostcodeTableForm(Form):
    file = FileField(
        _l("Postcode table (CSV)"),
        widget=GovFileInput(),
        description=_l(
            "Two columns named postcode and area. A postcode can be whole (AN1 2AB), a sector "
            "(AN1 2), a district (AN1) or an area (AN). The area is a survey area's name or code."
        ),
    )
    submit = SubmitField(_l("Upload and replace the table"), widget=GovSubmitInput())


@bp.get("")
@role_required(Role.VIEWER)
def table() -> ResponseReturnValue:
    return _page(PostcodeTableForm())


@bp.post("")
@role_required(Role.OFFICER)
def upload() -> ResponseReturnValue:
    """Replace the whole table with the uploaded file's rows; all of them or none."""
    form = PostcodeTableForm()
    if form.validate_on_submit():
        sent = form.file.data
        if sent is None or not sent.filename:
            form.file.errors = [_("Choose a CSV file to upload")]
        else:
            try:
                rows = postcodes.read_table(sent.read())
            except postcodes.TableError as error:
                form.file.errors = error.problems
            else:
                postcodes.replace_table(db(), rows)
                audit.record(
                    db(),
                    "postcodes.replaced",
                    object_type="postcode_area",
                    summary=f"Replaced the postcode table ({len(rows):,} postcodes)",
                    details={"rows": len(rows)},
                    actor=current_staff(),
                )
                db().commit()
                flash(
                    _("The postcode table now has %(count)s postcodes.", count=format(len(rows), ",")),
                    "success",
                )
                return redirect(url_for(".table"))
    return _page(form)


def _page(form: PostcodeTableForm) -> ResponseReturnValue:
    total, areas = postcodes.summary(db())
    page_errors = [{"text": text, "href": "#file"} for text in form.file.errors]
    return render_template(
        "builder/postcodes.html",
        title=_("Postcode areas"),
        upload_form=form,
        total=total,
        areas=areas,
        page_errors=page_errors,
    ), form_status(page_errors=page_errors)


@bp.get("/postcode-areas.csv")
@role_required(Role.VIEWER)
def download() -> ResponseReturnValue:
    return spreadsheet(["postcode", "area"], postcodes.all_rows(db()), "csv", "postcode-areas", "Postcodes")

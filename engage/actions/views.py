"""Officers' action plan pages, the coverage view, and each survey's "You said, we did" editor."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from engage.accounts.decorators import current_staff, role_required
from engage.accounts.models import Role
from engage.actions import public, queries, services
from engage.actions.forms import (
    ActionForm,
    EditActionForm,
    ImportForm,
    LinkResponseForm,
    LinkThemeForm,
    PriorityForm,
    PublicationForm,
    StatusForm,
)
from engage.actions.models import STATUSES, Action, Priority, timescale_label
from engage.actions.queries import ThemeRef
from engage.followups import queries as follow_up_queries
from engage.platform import clock, events
from engage.platform.database import db
from engage.platform.downloads import spreadsheet
from engage.platform.forms import add_problems, form_status, refuse, starting_from, summary
from engage.staff.surveys import submitted_response_or_404, survey_or_404
from surveys import services as survey_services
from surveys.equality import SMALL_GROUP

bp = Blueprint("actions", __name__)


def _priorities() -> list[Priority]:
    return list(db().scalars(select(Priority).order_by(Priority.id)))


@bp.get("/actions")
@role_required(Role.VIEWER)
def plan() -> ResponseReturnValue:
    return render_template(
        "actions/plan.html",
        title=_("Action plan"),
        priorities=_priorities(),
        uncovered=len(services.uncovered(db())),
    )


@bp.route("/actions/priorities/new", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def new_priority() -> ResponseReturnValue:
    form = PriorityForm()
    if form.validate_on_submit():
        try:
            priority = services.add_priority(
                db(), form.title.data or "", form.description.data or "", clock.now(), current_staff()
            )
        except services.ActionError as error:
            db().rollback()
            refuse(form, error)
        else:
            db().commit()
            flash(_("Added the priority '%(title)s'", title=priority.title), "success")
            return redirect(url_for("staff.actions.plan"))
    title = _("Add a priority")
    return render_template("actions/priority_new.html", title=title, form=form), form_status(form)


@bp.route("/actions/new", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def new_action() -> ResponseReturnValue:
    form = ActionForm(priorities=_priorities())
    if not form.is_submitted():
        form.priority.data = request.args.get("priority", "")
    elif form.validate():
        try:
            action = services.add_action(db(), form.new_action(), clock.now(), current_staff())
        except services.ActionError as error:
            db().rollback()
            refuse(form, error)
        else:
            db().commit()
            flash(_("Added the action '%(title)s'", title=action.title), "success")
            return redirect(url_for("staff.actions.detail", action_id=action.id))
    return render_template("actions/action_new.html", title=_("Add an action"), form=form), form_status(form)


def _action(action_id: int) -> Action:
    action = db().get(Action, action_id)
    if action is None:
        abort(404)
    return action


@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def edit_action(action_id: int) -> ResponseReturnValue:
    """Change an action's priority, wording, timescale or measures; each edit is kept."""
    action = _action(action_id)
    form = EditActionForm(priorities=_priorities(), **starting_from(EditActionForm.data_of(action)))
    back = url_for("staff.actions.detail", action_id=action.id)
    if form.is_submitted() and not form.validate():
        # Every problem at once: the service's too, beside the fields the form passed.
        try:
            services.check_action(db(), form.new_action())
        except services.ActionError as error:
            add_problems(form, error.errors)
    elif form.is_submitted():
        try:
            edit = services.edit_action(db(), action, form.new_action(), clock.now(), current_staff())
        except services.ActionError as error:
            db().rollback()
            refuse(form, error)
        else:
            if edit is None:
                flash(_("You did not change anything, so nothing was saved"), "info")
                return redirect(back)
            db().commit()
            flash(_("Saved your changes to the action"), "success")
            return redirect(back)
    return render_template(
        "actions/action_edit.html", title=_("Edit: %(title)s", title=action.title), action=action, form=form
    ), form_status(form)


def _unlinked_themes(action: Action) -> list[ThemeRef]:
    """Themes an officer may still link to the action."""
    taken = {(item.analysis_id, item.theme_id) for item in action.links}
    return [ref for ref in services.all_themes(db()) if (ref.analysis.id, ref.theme_id) not in taken]


def _detail(
    action: Action,
    *,
    link_refused: services.ActionError | None = None,
    status_form: StatusForm | None = None,
) -> ResponseReturnValue:
    """The action's page; a refused form comes back with what was sent and why it was refused."""
    residents, by_locality = services.residents_behind(action)
    linked = [(item, queries.theme_ref(item.analysis, item.theme_id)) for item in action.links]
    choices = _unlinked_themes(action)
    localities: dict[str, str] = {}
    for item in action.links:
        if item.analysis.survey.published is not None:
            definition = survey_services.definition_of(item.analysis.survey.published)
            localities.update({loc.code: loc.name for loc in definition.localities})
    link_form = (
        LinkThemeForm(themes=choices) if link_refused else LinkThemeForm(formdata=None, themes=choices)
    )
    if link_refused:
        refuse(link_form, link_refused)
    status_form = status_form or StatusForm(formdata=None, current=action.status)
    page_errors = summary(link_form, status_form)
    return render_template(
        "actions/detail.html",
        title=action.title,
        history=queries.history(action),
        direct=services.responses_for_action(db(), action),
        action=action,
        residents=residents,
        by_locality=by_locality,
        localities=localities,
        linked=linked,
        has_choices=bool(choices),
        link_form=link_form,
        status_form=status_form,
        page_errors=page_errors,
    ), form_status(page_errors=page_errors)


@bp.get("/actions/<int:action_id>")
@role_required(Role.VIEWER)
def detail(action_id: int) -> ResponseReturnValue:
    return _detail(_action(action_id))


@bp.post("/actions/<int:action_id>/status")
@role_required(Role.OFFICER)
def status(action_id: int) -> ResponseReturnValue:
    action = _action(action_id)
    form = StatusForm(current=action.status)
    if not form.validate():
        return _detail(action, status_form=form)
    try:
        change = services.change_status(
            db(), action, form.status.data or "", form.reason.data or "", clock.now(), current_staff()
        )
    except services.ActionError as error:
        db().rollback()
        refuse(form, error)
        return _detail(_action(action_id), status_form=form)
    db().commit()
    events.action_status_changed.send(change)
    flash(_("The action is now '%(status)s'", status=change.status_label), "success")
    return redirect(url_for("staff.actions.detail", action_id=action.id))


@bp.post("/actions/<int:action_id>/themes")
@role_required(Role.OFFICER)
def link_theme(action_id: int) -> ResponseReturnValue:
    action = _action(action_id)
    form = LinkThemeForm()
    try:
        services.link(db(), action, form.theme.data or "", clock.now(), current_staff())
    except services.ActionError as error:
        db().rollback()
        return _detail(_action(action_id), link_refused=error)
    db().commit()
    flash(_("Linked the theme to this action"), "success")
    return redirect(url_for("staff.actions.detail", action_id=action.id))


@bp.post("/actions/<int:action_id>/themes/<int:link_id>/remove")
@role_required(Role.OFFICER)
def unlink_theme(action_id: int, link_id: int) -> ResponseReturnValue:
    action = _action(action_id)
    try:
        services.unlink(db(), action, link_id, current_staff())
    except services.ActionError as error:
        db().rollback()
        return _detail(_action(action_id), link_refused=error)
    db().commit()
    flash(_("Removed the link"), "success")
    return redirect(url_for("staff.actions.detail", action_id=action.id))


@bp.get("/actions/coverage")
@role_required(Role.VIEWER)
def coverage() -> ResponseReturnValue:
    return render_template(
        "actions/coverage.html", title=_("Themes with no action yet"), themes=services.uncovered(db())
    )


# The import reads what the export writes (statuses and timescales in English, as the import
# reads them); the themes column is for reading only.
EXPORT_COLUMNS = [*services.IMPORT_COLUMNS, "themes"]


def _export_rows() -> list[list[Any]]:
    rows = []
    for priority in _priorities():
        for action in priority.actions:
            themes = "; ".join(queries.theme_ref(item.analysis, item.theme_id).label for item in action.links)
            values = [
                priority.title,
                action.title,
                action.description,
                action.lead_officer,
                timescale_label(action.timescale, action.due_on),
                action.outputs,
                action.outcomes,
                STATUSES.get(action.status, action.status),
                action.status_reason,
                themes,
            ]
            rows.append(values)
    return rows


@bp.get("/actions/plan.<fmt>")
@role_required(Role.VIEWER)
def export(fmt: str) -> ResponseReturnValue:
    """The action plan as CSV or XLSX, formula-safe."""
    return spreadsheet(EXPORT_COLUMNS, _export_rows(), fmt, "action-plan", "Action plan")


@bp.route("/actions/import", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def import_plan() -> ResponseReturnValue:
    """Add actions from a CSV or XLSX file shaped like the export; all rows or none."""
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        if upload is None or not upload.filename:
            form.file.errors = [_("Choose a CSV or XLSX file to import")]
        else:
            try:
                rows = services.read_table(upload.filename, upload.read())
                result = services.import_plan(db(), rows, clock.now(), current_staff())
            except services.ActionError as error:
                db().rollback()
                form.file.errors = list(error.errors.values())
            else:
                if result.errors:
                    db().rollback()
                    form.file.errors = list(result.errors)
                else:
                    db().commit()
                    added = ngettext("Imported %(num)d action", "Imported %(num)d actions", result.added)
                    new = ngettext("(%(num)d new priority);", "(%(num)d new priorities);", result.priorities)
                    left = _("%(num)d already in the plan were left as they are", num=result.already)
                    flash(f"{added} {new} {left}", "success")
                    return redirect(url_for("staff.actions.plan"))
    # Every row's problem is listed at the top, each linking to the file field.
    page_errors = [{"text": text, "href": "#file"} for text in form.file.errors]
    return render_template(
        "actions/import.html", title=_("Import actions"), import_form=form, page_errors=page_errors
    ), form_status(page_errors=page_errors)


# --- "You said, we did": the officers' side -------------------------------------------


@bp.route("/surveys/<slug>/you-said-we-did", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def edit_publication(slug: str) -> ResponseReturnValue:
    survey = survey_or_404(slug, published=True)
    page = services.publication(db(), survey)
    form = PublicationForm(**starting_from({"intro": page.intro if page else ""}))
    if form.validate_on_submit():
        publish = form.publishing
        try:
            page = services.save_publication(
                db(),
                survey,
                form.intro.data or "",
                publish,
                clock.now(),
                current_staff(),
                open_reason=form.open_reason.data or "",
            )
        except services.ActionError as error:
            db().rollback()
            refuse(form, error)
        else:
            db().commit()
            if publish:
                events.plan_published.send(survey)
            flash(
                _("Published: residents can see the page now")
                if page.published_at
                else _("Saved. The page is not published"),
                "success",
            )
            return redirect(url_for("staff.actions.edit_publication", slug=slug))
    return render_template(
        "actions/publication.html",
        title=_("You said, we did: %(title)s", title=survey.title),
        survey=survey,
        page=page,
        form=form,
        waiting=follow_up_queries.waiting(db(), survey),
        quote_sections=services.quotes_to_publish(db(), survey),
        checklist=services.checklist(db(), survey, page, clock.now()),
        small_group=SMALL_GROUP,
    ), form_status(form)


@bp.get("/surveys/<slug>/you-said-we-did/preview")
@role_required(Role.OFFICER)
def preview_publication(slug: str) -> ResponseReturnValue:
    """The public page exactly as residents would see it if the officer published now."""
    return public.render_page(survey_or_404(slug, published=True), preview=True)


@bp.post("/surveys/<slug>/responses/<public_id>/actions")
@role_required(Role.OFFICER)
def link_response(slug: str, public_id: str) -> ResponseReturnValue:
    """Link one response to an action it speaks to (the form is on the response's page)."""
    survey = survey_or_404(slug)
    response = submitted_response_or_404(survey, public_id)
    back = url_for("staff.responses.response_detail", slug=slug, public_id=public_id)
    form = LinkResponseForm()
    try:
        services.link_response(db(), form.action.data or "", response, clock.now(), current_staff())
    except services.ActionError as error:
        db().rollback()
        flash(next(iter(error.errors.values())), "error")
        return redirect(back + "#trace"), 303
    db().commit()
    flash(_("Linked this response to the action"), "success")
    return redirect(back), 303

"""Officers' side of forums: forums, members, exports, emails, meetings and consent wording.

Anyone signed in may see forums and anonymous counts. Names, emails and the rest of
members' personal data need the officer role, and every page or file that shows it
writes an audit row (who looked at or exported whose data, and when).
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from engage.accounts.decorators import current_staff, role_required
from engage.accounts.models import Role
from engage.forums import services
from engage.forums.forms import ConsentForm, ForumForm, MeetingForm, MemberEmailForm
from engage.forums.models import (
    INTEREST_AREAS,
    ORGANISATION_TYPES,
    ConsentWording,
    Forum,
    ForumMeeting,
    ForumMember,
    MemberStatus,
)
from engage.platform import audit, clock, i18n
from engage.platform.config import Settings
from engage.platform.database import db
from engage.platform.downloads import spreadsheet
from engage.platform.forms import add_problems, form_status, starting_from
from surveys.i18n import N_

bp = Blueprint("forums", __name__, url_prefix="/forums")

EXPORT_COLUMNS = [
    ("name", N_("Name")),
    ("email", N_("Email")),
    ("organisation", N_("Organisation")),
    ("role", N_("Role")),
    ("organisation_type", N_("Organisation type")),
    ("localities", N_("Areas")),
    ("interests", N_("Interests")),
    ("access_needs", N_("Accessibility needs")),
    ("status", N_("Status")),
    ("confirmed_at", N_("Confirmed (UK time)")),
    ("emails_stopped", N_("Emails stopped")),
    ("language", N_("Language")),
]


def _settings() -> Settings:
    return current_app.config["ENGAGE_SETTINGS"]  # type: ignore[no-any-return]


def _forum(slug: str) -> Forum:
    forum = db().scalar(select(Forum).where(Forum.slug == slug))
    if forum is None:
        abort(404)
    return forum


# --- forums -------------------------------------------------------------------------


@bp.get("", strict_slashes=False)
@role_required(Role.VIEWER)
def list_forums() -> ResponseReturnValue:
    forums = db().scalars(select(Forum).order_by(Forum.name)).all()
    today = clock.now().date()
    rows = [(f, services.status_counts(db(), f), f.is_open(today)) for f in forums]
    return render_template("forum_admin/list.html", title=_("Forums"), rows=rows)


def _form_page(forum: Forum | None, form: ForumForm) -> ResponseReturnValue:
    return render_template(
        "forum_admin/form.html", title=_("Edit forum") if forum else _("New forum"), forum=forum, form=form
    ), form_status(form)


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def new_forum() -> ResponseReturnValue:
    form = ForumForm()
    if form.is_submitted():
        form.validate()
        details = form.details()
        add_problems(form, details.problems(db()))
        if not form.errors:
            forum = services.create_forum(db(), details, clock.now(), by=current_staff())
            db().commit()
            flash(_("%(name)s has been created", name=forum.name), "success")
            return redirect(url_for("staff.forums.forum_page", slug=forum.slug))
    return _form_page(None, form)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def edit_forum(slug: str) -> ResponseReturnValue:
    forum = _forum(slug)
    form = ForumForm(**starting_from(ForumForm.of(services.ForumDetails.of(forum))))
    if form.is_submitted():
        form.validate()
        details = form.details(slug=forum.slug)
        add_problems(form, details.problems(db(), forum))
        if not form.errors:
            services.update_forum(db(), forum, details, by=current_staff())
            db().commit()
            flash(_("Your changes have been saved"), "success")
            return redirect(url_for("staff.forums.forum_page", slug=forum.slug))
    return _form_page(forum, form)


@bp.get("/<slug>")
@role_required(Role.VIEWER)
def forum_page(slug: str) -> ResponseReturnValue:
    forum = _forum(slug)
    wording = services.current_wording(db(), clock.now())
    db().commit()
    return render_template(
        "forum_admin/forum.html",
        title=forum.name,
        forum=forum,
        counts=services.status_counts(db(), forum),
        breakdown=services.anonymous_breakdown(db(), forum),
        is_open=forum.is_open(clock.now().date()),
        interest_labels=INTEREST_AREAS,
        older_wording=len(services.members_on_older_wording(db(), forum, wording)),
        wording=wording,
        can_edit=current_user.has_role(Role.OFFICER),
    )


# --- members ------------------------------------------------------------------------


def _filter() -> services.MemberFilter:
    args = request.args
    return services.MemberFilter(
        locality=args.get("locality", "")[:80],
        interest=args.get("interest", "") if args.get("interest", "") in INTEREST_AREAS else "",
        organisation_type=args.get("organisation_type", "")
        if args.get("organisation_type", "") in ORGANISATION_TYPES
        else "",
        status=args.get("status", "") if args.get("status", "") in MemberStatus.CURRENT else "",
    )


def _filter_details(chosen: services.MemberFilter) -> dict[str, str]:
    return {k: v for k, v in vars(chosen).items() if v}


@bp.get("/<slug>/members")
@role_required(Role.OFFICER)
def members(slug: str) -> ResponseReturnValue:
    forum = _forum(slug)
    chosen = _filter()
    found = services.filtered_members(db(), forum, chosen)
    audit.record(
        db(),
        "forum.members_viewed",
        object_type="forum",
        object_id=forum.id,
        summary=f"Viewed {len(found)} members of {forum.name}",
        details={"filter": _filter_details(chosen), "count": len(found)},
        actor=current_staff(),
    )
    db().commit()
    return render_template(
        "forum_admin/members.html",
        title=_("Members of %(name)s", name=forum.name),
        forum=forum,
        members=found,
        chosen=chosen,
        query=_filter_details(chosen),
        locality_choices=[(name, name) for name in forum.localities],
        interest_labels=INTEREST_AREAS,
        organisation_types=ORGANISATION_TYPES,
        statuses={s: str(_(MemberStatus.LABELS[s])) for s in MemberStatus.CURRENT},
        language_of=_language_of,
    )


def _member(forum: Forum, member_id: int) -> ForumMember:
    member = db().get(ForumMember, member_id)
    if member is None or member.forum_id != forum.id or member.status not in MemberStatus.CURRENT:
        abort(404)
    return member


@bp.get("/<slug>/members/<int:member_id>")
@role_required(Role.OFFICER)
def member_page(slug: str, member_id: int) -> ResponseReturnValue:
    forum = _forum(slug)
    member = _member(forum, member_id)
    audit.record(
        db(),
        "forum.member_viewed",
        object_type="forum_member",
        object_id=member.id,
        summary=f"Viewed a member of {forum.name}",
        actor=current_staff(),
    )
    db().commit()
    full = (
        forum.capacity is not None
        and services.count_status(db(), forum, MemberStatus.ACTIVE) >= forum.capacity
    )
    return render_template(
        "forum_admin/member.html",
        title=member.name or _("Member"),
        forum=forum,
        member=member,
        full=full,
        ends=services.membership_ends(member, services.Retention.from_settings(_settings())),
        interest_labels=INTEREST_AREAS,
        organisation_types=ORGANISATION_TYPES,
        language_of=_language_of,
    )


@bp.post("/<slug>/members/<int:member_id>/offer-place")
@role_required(Role.OFFICER)
def offer_place(slug: str, member_id: int) -> ResponseReturnValue:
    forum = _forum(slug)
    member = _member(forum, member_id)
    if member.status != MemberStatus.WAITING:
        abort(409)
    services.give_place(db(), member, clock.now(), by=current_staff())
    db().commit()
    flash(_("%(name)s is now a member", name=member.name), "success")
    return redirect(url_for("staff.forums.member_page", slug=slug, member_id=member.id))


@bp.route("/<slug>/members/<int:member_id>/erase", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def erase_member(slug: str, member_id: int) -> ResponseReturnValue:
    """For a request made by phone or letter: the same erasure a member can do themselves."""
    forum = _forum(slug)
    member = _member(forum, member_id)
    if request.method == "GET":
        return render_template(
            "forum_admin/erase.html", title=_("Erase this member"), forum=forum, member=member
        )
    services.erase_for_member(db(), member, clock.now(), by=current_staff())
    db().commit()
    flash(_("The member's personal data has been erased"), "success")
    return redirect(url_for("staff.forums.members", slug=slug))


def _language_of(member: ForumMember) -> str:
    """The language emails to the member are written in, by its English name ("Welsh")."""
    return i18n.language(member.language).english_name


def _export_rows(found: list[ForumMember]) -> list[list[Any]]:
    rows = []
    for m in found:
        values = {
            "name": m.name,
            "email": m.email,
            "organisation": m.organisation or "",
            "role": m.role or "",
            "organisation_type": ORGANISATION_TYPES.get(m.organisation_type, m.organisation_type),
            "localities": "; ".join(m.localities),
            "interests": "; ".join(INTEREST_AREAS.get(i, i) for i in m.interests),
            "access_needs": m.access_needs or "",
            "status": m.status_label,
            "confirmed_at": clock.local(m.confirmed_at).strftime("%Y-%m-%d %H:%M") if m.confirmed_at else "",
            "emails_stopped": "yes" if m.emails_opt_out else "no",
            "language": _language_of(m),
        }
        rows.append([values[key] for key, _label in EXPORT_COLUMNS])
    return rows


@bp.get("/<slug>/members.<fmt>")
@role_required(Role.OFFICER)
def export_members(slug: str, fmt: str) -> ResponseReturnValue:
    if fmt not in ("csv", "xlsx"):
        abort(404)
    forum = _forum(slug)
    chosen = _filter()
    found = services.filtered_members(db(), forum, chosen)
    rows = _export_rows(found)
    header = [_(label) for _key, label in EXPORT_COLUMNS]
    stamp = clock.today().strftime("%Y-%m-%d")
    download = spreadsheet(header, rows, fmt, f"{forum.slug}-members-{stamp}", _("Members"))
    audit.record(
        db(),
        "forum.members_exported",
        object_type="forum",
        object_id=forum.id,
        summary=f"Exported {len(rows)} members of {forum.name} as {fmt.upper()}",
        details={"format": fmt, "filter": _filter_details(chosen), "count": len(rows)},
        actor=current_staff(),
    )
    db().commit()
    return download


# --- emailing members ---------------------------------------------------------------


@bp.route("/<slug>/email", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def email_members(slug: str) -> ResponseReturnValue:
    forum = _forum(slug)
    form = MemberEmailForm()
    if form.is_submitted():
        form.validate()
        message = form.message()
        add_problems(form, message.problems())
        if not form.errors and form.confirmed.data == "yes":
            count, job = services.email_members(db(), forum, message, by=current_staff())
            if job.status == "failed":
                flash(_("The emails could not be queued. Nothing was sent; try again later"), "error")
            else:
                flash(_("Your email is being sent to %(num)d people in the background", num=count), "success")
            return redirect(url_for("staff.forums.forum_page", slug=slug))
        if not form.errors:
            return render_template(
                "forum_admin/email_confirm.html",
                title=_("Check your email before sending"),
                forum=forum,
                message=message,
                count=len(services.recipients(db(), forum, message.audience)),
                audiences=services.audience_words(),
            )
    title = _("Email members of %(name)s", name=forum.name)
    return render_template("forum_admin/email.html", title=title, forum=forum, form=form), form_status(form)


# --- meetings -----------------------------------------------------------------------


@bp.route("/<slug>/meetings/new", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def new_meeting(slug: str) -> ResponseReturnValue:
    forum = _forum(slug)
    form = MeetingForm()
    if form.is_submitted():
        form.validate()
        typed = form.meeting()
        add_problems(form, typed.problems())
        if not form.errors:
            meeting = services.add_meeting(db(), forum, typed, now=clock.now(), by=current_staff())
            db().commit()
            flash(_("The meeting has been added. Members can book from their forum page"), "success")
            return redirect(url_for("staff.forums.meeting_page", slug=slug, meeting_id=meeting.id))
    return render_template(
        "forum_admin/meeting_form.html", title=_("New meeting"), forum=forum, form=form
    ), form_status(form)


def _meeting(forum: Forum, meeting_id: int) -> ForumMeeting:
    meeting = db().get(ForumMeeting, meeting_id)
    if meeting is None or meeting.forum_id != forum.id:
        abort(404)
    return meeting


@bp.get("/<slug>/meetings/<int:meeting_id>")
@role_required(Role.OFFICER)
def meeting_page(slug: str, meeting_id: int) -> ResponseReturnValue:
    forum = _forum(slug)
    meeting = _meeting(forum, meeting_id)
    audit.record(
        db(),
        "forum.meeting_viewed",
        object_type="forum_meeting",
        object_id=meeting.id,
        summary=f"Viewed who is booked on {meeting.title}",
        actor=current_staff(),
    )
    db().commit()
    return render_template("forum_admin/meeting.html", title=meeting.title, forum=forum, meeting=meeting)


@bp.post("/<slug>/meetings/<int:meeting_id>/remove/<int:member_id>")
@role_required(Role.OFFICER)
def remove_booking(slug: str, meeting_id: int, member_id: int) -> ResponseReturnValue:
    forum = _forum(slug)
    meeting = _meeting(forum, meeting_id)
    member = _member(forum, member_id)
    services.remove_booking(db(), meeting, member, clock.now(), by=current_staff())
    db().commit()
    flash(_("The booking has been removed"), "success")
    return redirect(url_for("staff.forums.meeting_page", slug=slug, meeting_id=meeting.id))


# --- consent wording ----------------------------------------------------------------


@bp.route("/consent", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def consent() -> ResponseReturnValue:
    now = clock.now()
    current = services.current_wording(db(), now)
    kind = ConsentForm.for_purposes(tuple(p["key"] for p in current.purposes))
    texts = {p["key"]: p["text"] for p in current.purposes}
    form = kind(**starting_from({"introduction": current.introduction, **texts}))
    if form.is_submitted():
        form.validate()
        statements = form.statements()
        add_problems(form, services.wording_problems(statements))
        if not form.errors:
            introduction = statements.pop("introduction")
            wording = services.new_wording(db(), introduction, statements, now, by=current_staff())
            db().commit()
            flash(
                _(
                    "Version %(version)s is now shown on sign-up forms. "
                    "Ask existing members to re-confirm "
                    "from each forum's page",
                    version=wording.version,
                ),
                "success",
            )
            return redirect(url_for("staff.forums.consent"))
    db().commit()
    history = db().scalars(select(ConsentWording).order_by(ConsentWording.version.desc())).all()
    return render_template(
        "forum_admin/consent.html", title=_("Consent wording"), current=current, history=history, form=form
    ), form_status(form)


@bp.post("/<slug>/ask-to-reconfirm")
@role_required(Role.OFFICER)
def ask_to_reconfirm(slug: str) -> ResponseReturnValue:
    forum = _forum(slug)
    asked = services.ask_to_reconfirm(
        db(),
        forum,
        clock.now(),
        services.Retention.from_settings(_settings()),
        by=current_staff(),
    )
    flash(_("%(num)d members have been asked to re-confirm", num=asked), "success")
    return redirect(url_for("staff.forums.forum_page", slug=slug))

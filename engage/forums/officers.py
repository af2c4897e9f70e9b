"""Officers' side of forums: forums, members, exports, emails, meetings and consent wording.

Anyone signed in may see forums and anonymous counts. Names, emails and the rest of
members' personal data need the officer role, and every page or file that shows it
writes an audit row (who looked at or exported whose data, and when).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
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
from flask_login import current_user
from sqlalchemy import select

from engage.accounts.decorators import current_staff, role_required
from engage.accounts.models import Role
from engage.forums import services
from engage.forums.models import (
    INTEREST_AREAS,
    ORGANISATION_TYPES,
    ConsentWording,
    Forum,
    ForumMeeting,
    ForumMember,
    MemberStatus,
)
from engage.platform import audit, clock, inputs
from engage.platform.config import Settings
from engage.platform.database import db
from engage.platform.downloads import spreadsheet
from engage.platform.errors import summary_items
from surveys import text
from surveys.question_types import parse_date_parts

bp = Blueprint("forums", __name__, url_prefix="/forums")

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EXPORT_COLUMNS = [
    ("name", "Name"),
    ("email", "Email"),
    ("organisation", "Organisation"),
    ("role", "Role"),
    ("organisation_type", "Organisation type"),
    ("localities", "Areas"),
    ("interests", "Interests"),
    ("access_needs", "Accessibility needs"),
    ("status", "Status"),
    ("confirmed_at", "Confirmed (UK time)"),
    ("emails_stopped", "Emails stopped"),
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
    return render_template("forum_admin/list.html", title="Forums", rows=rows)


FORUM_CAPACITY_MAX = 100_000
MEETING_CAPACITY_MAX = 10_000


def _refuse_hidden(
    errors: dict[str, str], values: dict[str, Any], fields: dict[str, str], *, multiline: bool = False
) -> None:
    """The service's one text rule (surveys.text) for hand-written fields: ``fields`` maps
    each field to its label. Normalises the values; a refused value gets the rule's message."""
    for key in fields:
        values[key] = text.normalise(values[key], multiline=multiline)
    text.collect(errors, {key: (label, values[key]) for key, label in fields.items()}, multiline=multiline)


def _read_date(prefix: str, errors: dict[str, str], label: str) -> date | None:
    day, month, year = (request.form.get(f"{prefix}-{p}", "") for p in ("day", "month", "year"))
    if not (day.strip() or month.strip() or year.strip()):
        return None
    value = parse_date_parts(day, month, year, noun=label, example="1 3 2027")
    if isinstance(value, str):
        errors[prefix] = value
        return None
    return value


def _forum_form(forum: Forum | None) -> tuple[dict[str, Any], dict[str, str]]:
    form = request.form
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        "name": form.get("name", "").strip(),
        "slug": (form.get("slug", "").strip().lower() if forum is None else forum.slug),
        "purpose": form.get("purpose", "").strip(),
        "localities_text": form.get("localities", ""),
        "interests": [i for i in form.getlist("interests") if i in INTEREST_AREAS],
        "capacity_text": form.get("capacity", "").strip(),
        "date_parts": {k: form.get(k, "") for k in form if k.startswith(("opens_on-", "closes_on-"))},
    }
    _refuse_hidden(errors, values, {"name": "The forum's name"})
    _refuse_hidden(errors, values, {"purpose": "The purpose", "localities_text": "The areas"}, multiline=True)
    if "localities_text" in errors:
        errors["localities"] = errors.pop("localities_text")
    if not values["name"]:
        errors["name"] = "Enter the forum's name"
    elif len(values["name"]) > 150:
        errors.setdefault("name", "The name must be 150 characters or fewer")
    if forum is None:
        if not SLUG.match(values["slug"]) or len(values["slug"]) > 60:
            errors["slug"] = (
                "The web address must be lower-case letters, numbers and hyphens, like cultural-forum"
            )
        elif db().scalar(select(Forum.id).where(Forum.slug == values["slug"])) is not None:
            errors["slug"] = "Another forum already uses that web address"
    if not values["purpose"]:
        errors["purpose"] = "Say what the forum is for"
    elif len(values["purpose"]) > 5000:
        errors.setdefault("purpose", "The purpose must be 5,000 characters or fewer")
    localities = [line.strip() for line in values["localities_text"].split("\n") if line.strip()]
    if any(len(line) > 80 for line in localities):
        errors.setdefault("localities", "Each area must be 80 characters or fewer")
    values["localities"] = list(dict.fromkeys(localities))
    capacity = None
    if values["capacity_text"]:
        capacity = inputs.whole_number(values["capacity_text"], 1, FORUM_CAPACITY_MAX)
        if capacity is None:
            errors["capacity"] = (
                f"Capacity must be a whole number of people from 1 to {FORUM_CAPACITY_MAX:,}, or left empty"
            )
    values["capacity"] = capacity
    values["opens_on"] = _read_date("opens_on", errors, "The opening date")
    values["closes_on"] = _read_date("closes_on", errors, "The closing date")
    if values["opens_on"] and values["closes_on"] and values["closes_on"] < values["opens_on"]:
        errors["closes_on"] = "The closing date must be on or after the opening date"
    return values, errors


def _form_page(forum: Forum | None, values: dict[str, Any], errors: dict[str, str]) -> ResponseReturnValue:
    return render_template(
        "forum_admin/form.html",
        title="Edit forum" if forum else "New forum",
        forum=forum,
        values=values,
        errors=errors,
        page_errors=summary_items(errors),
        interest_labels=INTEREST_AREAS,
    ), (400 if errors else 200)


def _values_of(forum: Forum) -> dict[str, Any]:
    parts: dict[str, str] = {}
    for prefix, value in (("opens_on", forum.opens_on), ("closes_on", forum.closes_on)):
        if value:
            parts.update({f"{prefix}-day": str(value.day), f"{prefix}-month": str(value.month)})
            parts[f"{prefix}-year"] = str(value.year)
    return {
        "name": forum.name,
        "slug": forum.slug,
        "purpose": forum.purpose,
        "localities_text": "\n".join(forum.localities),
        "interests": forum.interests,
        "capacity_text": str(forum.capacity or ""),
        "date_parts": parts,
    }


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def new_forum() -> ResponseReturnValue:
    if request.method == "GET":
        return _form_page(None, {"interests": [], "date_parts": {}}, {})
    values, errors = _forum_form(None)
    if errors:
        return _form_page(None, values, errors)
    forum = services.create_forum(db(), values, clock.now(), by=current_staff())
    db().commit()
    flash(f"{forum.name} has been created", "success")
    return redirect(url_for("staff.forums.forum_page", slug=forum.slug))


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def edit_forum(slug: str) -> ResponseReturnValue:
    forum = _forum(slug)
    if request.method == "GET":
        return _form_page(forum, _values_of(forum), {})
    values, errors = _forum_form(forum)
    if errors:
        return _form_page(forum, values, errors)
    services.update_forum(db(), forum, values, by=current_staff())
    db().commit()
    flash("Your changes have been saved", "success")
    return redirect(url_for("staff.forums.forum_page", slug=forum.slug))


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
    )
    db().commit()
    return render_template(
        "forum_admin/members.html",
        title=f"Members of {forum.name}",
        forum=forum,
        members=found,
        chosen=chosen,
        query=_filter_details(chosen),
        locality_choices=[(name, name) for name in forum.localities],
        interest_labels=INTEREST_AREAS,
        organisation_types=ORGANISATION_TYPES,
        statuses={s: MemberStatus.LABELS[s] for s in MemberStatus.CURRENT},
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
    )
    db().commit()
    full = (
        forum.capacity is not None
        and services.count_status(db(), forum, MemberStatus.ACTIVE) >= forum.capacity
    )
    return render_template(
        "forum_admin/member.html",
        title=member.name or "Member",
        forum=forum,
        member=member,
        full=full,
        ends=services.membership_ends(member, services.Retention.from_settings(_settings())),
        interest_labels=INTEREST_AREAS,
        organisation_types=ORGANISATION_TYPES,
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
    flash(f"{member.name} is now a member", "success")
    return redirect(url_for("staff.forums.member_page", slug=slug, member_id=member.id))


@bp.route("/<slug>/members/<int:member_id>/erase", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def erase_member(slug: str, member_id: int) -> ResponseReturnValue:
    """For a request made by phone or letter: the same erasure a member can do themselves."""
    forum = _forum(slug)
    member = _member(forum, member_id)
    if request.method == "GET":
        return render_template(
            "forum_admin/erase.html", title="Erase this member", forum=forum, member=member
        )
    services.erase_for_member(db(), member, clock.now(), by=current_staff())
    db().commit()
    flash("The member's personal data has been erased", "success")
    return redirect(url_for("staff.forums.members", slug=slug))


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
        }
        rows.append([values[key] for key, _ in EXPORT_COLUMNS])
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
    header = [label for _, label in EXPORT_COLUMNS]
    stamp = clock.today().strftime("%Y-%m-%d")
    download = spreadsheet(header, rows, fmt, f"{forum.slug}-members-{stamp}", "Members")
    audit.record(
        db(),
        "forum.members_exported",
        object_type="forum",
        object_id=forum.id,
        summary=f"Exported {len(rows)} members of {forum.name} as {fmt.upper()}",
        details={"format": fmt, "filter": _filter_details(chosen), "count": len(rows)},
    )
    db().commit()
    return download


# --- emailing members ---------------------------------------------------------------


@bp.route("/<slug>/email", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def email_members(slug: str) -> ResponseReturnValue:
    forum = _forum(slug)
    values = {
        "subject": request.form.get("subject", ""),
        "body": request.form.get("body", ""),
        "audience": request.form.get("audience", "all"),
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        message = services.MemberEmail(**values)
        errors = message.problems()
        values = {"subject": message.subject, "body": message.body, "audience": message.audience}
        if not errors and request.form.get("confirmed") == "yes":
            count, job = services.email_members(db(), forum, message, by=current_staff())
            if job.status == "failed":
                flash("The emails could not be queued. Nothing was sent; try again later", "error")
            else:
                flash(f"Your email is being sent to {count} people in the background", "success")
            return redirect(url_for("staff.forums.forum_page", slug=slug))
        if not errors:
            return render_template(
                "forum_admin/email_confirm.html",
                title="Check your email before sending",
                forum=forum,
                values=values,
                count=len(services.recipients(db(), forum, message.audience)),
                audiences=services.AUDIENCES,
            )
    return render_template(
        "forum_admin/email.html",
        title=f"Email members of {forum.name}",
        forum=forum,
        values=values,
        errors=errors,
        page_errors=summary_items(errors),
        audiences=services.AUDIENCES,
    ), (400 if errors else 200)


# --- meetings -----------------------------------------------------------------------


@bp.route("/<slug>/meetings/new", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def new_meeting(slug: str) -> ResponseReturnValue:
    forum = _forum(slug)
    form = request.form
    values = {k: form.get(k, "").strip() for k in ("title", "time", "place", "capacity", "details")}
    values.update({k: form.get(k, "") for k in ("date-day", "date-month", "date-year")})
    errors: dict[str, str] = {}
    if request.method == "POST":
        _refuse_hidden(errors, values, {"title": "The title", "place": "The place"})
        _refuse_hidden(errors, values, {"details": "The details"}, multiline=True)
        if not values["title"] or len(values["title"]) > 150:
            errors.setdefault("title", "Enter a title of 150 characters or fewer")
        day = _read_date("date", errors, "The date")
        if day is None and "date" not in errors:
            errors["date"] = "Enter the date of the meeting"
        match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", values["time"])
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            errors["time"] = "Enter the start time in 24-hour form, like 18:30"
        if not values["place"] or len(values["place"]) > 200:
            errors.setdefault("place", "Enter the place, 200 characters or fewer")
        capacity = inputs.whole_number(values["capacity"], 1, MEETING_CAPACITY_MAX)
        if capacity is None:
            errors["capacity"] = (
                f"Enter how many people can come, as a whole number from 1 to {MEETING_CAPACITY_MAX:,}"
            )
        if len(values["details"]) > 2000 and "details" not in errors:
            errors["details"] = "Details must be 2,000 characters or fewer"
        if not errors and day is not None and match is not None and capacity is not None:
            local = datetime.combine(day, time(int(match.group(1)), int(match.group(2))), tzinfo=clock.LONDON)
            meeting = services.add_meeting(
                db(),
                forum,
                title=values["title"],
                starts_at=local.astimezone(UTC),
                place=values["place"],
                capacity=capacity,
                details=values["details"],
                now=clock.now(),
                by=current_staff(),
            )
            db().commit()
            flash("The meeting has been added. Members can book from their forum page", "success")
            return redirect(url_for("staff.forums.meeting_page", slug=slug, meeting_id=meeting.id))
    return render_template(
        "forum_admin/meeting_form.html",
        title="New meeting",
        forum=forum,
        values=values,
        errors=errors,
        page_errors=summary_items(errors),
    ), (400 if errors else 200)


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
    flash("The booking has been removed", "success")
    return redirect(url_for("staff.forums.meeting_page", slug=slug, meeting_id=meeting.id))


# --- consent wording ----------------------------------------------------------------


@bp.route("/consent", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def consent() -> ResponseReturnValue:

    now = clock.now()
    current = services.current_wording(db(), now)
    values = {"introduction": current.introduction, **{p["key"]: p["text"] for p in current.purposes}}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {key: request.form.get(key, "").strip() for key in values}
        _refuse_hidden(errors, values, dict.fromkeys(values, "The statement"), multiline=True)
        for key, statement in values.items():
            if not statement:
                errors[key] = "This statement cannot be empty"
            elif len(statement) > 2000:
                errors.setdefault(key, "Each statement must be 2,000 characters or fewer")
        if not errors:
            introduction = values.pop("introduction")
            wording = services.new_wording(db(), introduction, values, now, by=current_staff())
            db().commit()
            flash(
                f"Version {wording.version} is now shown on sign-up forms. "
                "Ask existing members to re-confirm "
                "from each forum's page",
                "success",
            )
            return redirect(url_for("staff.forums.consent"))
    db().commit()
    history = db().scalars(select(ConsentWording).order_by(ConsentWording.version.desc())).all()
    return render_template(
        "forum_admin/consent.html",
        title="Consent wording",
        current=current,
        history=history,
        values=values,
        errors=errors,
        page_errors=summary_items(errors),
    ), (400 if errors else 200)


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
    flash(f"{asked} members have been asked to re-confirm", "success")
    return redirect(url_for("staff.forums.forum_page", slug=slug))

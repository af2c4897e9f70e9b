"""Forums for the public: register interest, confirm by email, and look after your own data.

There are no passwords. A member's self-service pages are reached by a link we
email them; the link's token is random, stored only as a digest, expires, and
is replaced whenever a new one is sent. Every answer that could reveal whether
an email address is registered is the same either way.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup, escape
from sqlalchemy import select

from engage.forums import links, services
from engage.forums.forms import (
    STATUS_WORDS,
    BookingForm,
    LinkRequestForm,
    SignUpForm,
    StayForm,
    UpdatesForm,
    consent_words,
    interest_words,
    organisation_words,
)
from engage.forums.models import (
    BookingStatus,
    ConsentWording,
    Forum,
    ForumMeeting,
    ForumMember,
    MemberStatus,
)
from engage.platform import clock, i18n, mail
from engage.platform.config import Settings
from engage.platform.database import db
from engage.platform.extensions import csrf, rate_limiter
from engage.platform.forms import add_problems, form_status, refuse, starting_from, summary
from engage.platform.links import external_url
from engage.platform.ratelimit import Limit
from engage.platform.security import mark_private
from surveys.export import neutralise
from surveys.refusal import RefusedError

log = logging.getLogger(__name__)

bp = Blueprint("forums", __name__, url_prefix="/forums")


def _settings() -> Settings:
    return current_app.config["ENGAGE_SETTINGS"]  # type: ignore[no-any-return]


def _retention() -> services.Retention:
    return services.Retention.from_settings(_settings())


def _forum_or_404(slug: str) -> Forum:
    forum = db().scalar(select(Forum).where(Forum.slug == slug))
    if forum is None:
        abort(404)
    return forum


def _limits() -> tuple[Limit, Limit]:
    per_hour = _settings().forum_signups_per_hour
    return Limit("forum:client", per_hour, 3600), Limit("forum:email", 3, 3600)


@bp.after_request
def _no_referrer(response: Response) -> Response:
    # Self-service URLs carry a secret: never pass them on, even to our own pages.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.context_processor
def _words() -> dict[str, Any]:
    """Dates and the default consent wording in the page's language."""
    return {"day": i18n.long_date, "consent_text": _consent_text}


def _consent_text(text: str) -> Markup:
    """A consent statement as HTML: translated when it is the default wording; an officer's
    own wording that has no translation is marked as English on a page in another language."""
    shown = consent_words(text)
    if shown == text and i18n.current() != "en":
        return Markup('<span lang="en">%s</span>') % text
    return escape(shown)


@bp.get("")
def index() -> ResponseReturnValue:
    today = clock.now().date()
    forums = db().scalars(select(Forum).order_by(Forum.name)).all()
    return render_template(
        "forums/index.html",
        title=_("Stakeholder forums"),
        open_forums=[f for f in forums if f.is_open(today)],
    )


@bp.get("/<slug>")
def forum(slug: str) -> ResponseReturnValue:
    item = _forum_or_404(slug)
    return render_template(
        "forums/forum.html",
        title=item.name,
        forum=item,
        is_open=item.is_open(clock.now().date()),
        today=clock.now().date(),
        interest_labels=interest_words(),
    )


def _form_context(item: Forum, form: SignUpForm, wording: ConsentWording) -> dict[str, Any]:
    return {
        "forum": item,
        "form": form,
        # In the order the fields are on the page (the form's own order).
        "page_errors": summary(form),
        "wording": wording,
        "introduction": _introduction(wording),
    }


def _introduction(wording: ConsentWording) -> Markup:
    """The consent wording's introduction, with how often members are asked to stay."""
    shown = _consent_text(wording.introduction)
    return shown.replace("{membership}", _membership_words())


def _membership_words() -> str:
    """How often members are asked to stay, as it reads after "every": "year", "2 years"."""
    days = _settings().forum_membership_days
    if days % 365 == 0:
        years = days // 365
        return str(ngettext("year", "%(num)d years", years))
    return str(ngettext("%(num)d day", "%(num)d days", days))


@bp.route("/<slug>/register", methods=["GET", "POST"])
def register(slug: str) -> ResponseReturnValue:
    mark_private()
    item = _forum_or_404(slug)
    now = clock.now()
    if not item.is_open(now.date()):
        return render_template("forums/closed.html", title=item.name, forum=item, today=now.date()), 410
    wording = services.current_wording(db(), now)
    form = SignUpForm(forum=item, wording=wording)
    status = 200
    if form.is_submitted():
        if form.is_bot:
            # A bot filled in the field people never see: look the same, keep nothing.
            log.info("Forum sign-up for %s dropped: honeypot field filled in", item.slug)
            return redirect(url_for("forums.check_email", slug=item.slug))
        form.validate()
        data, errors = services.validate(form.sign_up(), item, wording)
        add_problems(form, errors)
        client_limit, email_limit = _limits()
        if not form.errors:
            limiter = rate_limiter()
            blocked = not limiter.hit(client_limit, request.remote_addr or "unknown").allowed
            if not blocked:
                blocked = not limiter.hit(email_limit, f"{item.slug}:{data.email.lower()}").allowed
            if blocked:
                refuse(
                    form,
                    RefusedError(
                        errors={
                            "email": _(
                                "There have been too many sign-ups from here in the last hour. "
                                "Your answers are still below: wait an hour and send them again"
                            )
                        }
                    ),
                )
                status = 429
        if not form.errors:
            outcome = services.sign_up(
                db(), item, data, wording, now, _retention(), language=_page_language()
            )
            message = _sign_up_email(outcome)
            db().commit()
            mail.dispatch(message)
            return redirect(url_for("forums.check_email", slug=item.slug))
        status = status if status != 200 else 400
    return render_template(
        "forums/register.html",
        title=_("Register your interest in %(forum)s", forum=item.name),
        **_form_context(item, form, wording),
    ), status


def _sign_up_email(outcome: services.SignUpOutcome) -> Any:
    member = outcome.member
    assert member.email is not None
    forum = member.forum
    if outcome.kind == "already-member":
        assert outcome.manage_token is not None
        return mail.send(
            member.email,
            _("You are already registered for %(forum)s", forum=forum.name),
            "forum_already",
            purpose="forum_already_registered",
            forum_member_id=member.id,
            forum=forum,
            name=member.name,
            manage_link=links.manage_url(outcome.manage_token),
            link_days=_settings().forum_link_days,
        )
    assert outcome.confirm_token is not None
    return mail.send(
        member.email,
        _("Confirm you want to join %(forum)s", forum=forum.name),
        "forum_confirm",
        purpose="forum_confirm",
        forum_member_id=member.id,
        forum=forum,
        name=member.name,
        confirm_link=external_url("forums.confirm", token=outcome.confirm_token),
        days=_settings().forum_unconfirmed_days,
    )


@bp.get("/<slug>/check-your-email")
def check_email(slug: str) -> ResponseReturnValue:
    item = _forum_or_404(slug)
    return render_template(
        "forums/check_email.html",
        title=_("Check your email"),
        forum=item,
        days=_settings().forum_unconfirmed_days,
    )


def _expired_link(kind: str) -> ResponseReturnValue:
    return render_template("forums/link_expired.html", title=_("That link has expired"), kind=kind), 404


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str) -> ResponseReturnValue:
    """GET asks; only POST confirms, so a mail scanner opening the link confirms nothing."""
    mark_private()
    now = clock.now()
    member = services.find_by_confirm_token(db(), token, now)
    if member is None:
        return _expired_link("confirm")
    if request.method == "GET":
        return render_template(
            "forums/confirm.html",
            title=_("Confirm you want to join %(forum)s", forum=member.forum.name),
            member=member,
        )
    member.language = _page_language()
    manage_token = services.confirm(db(), member, now, _retention())
    assert member.email is not None
    with links.in_language(member):
        message = _welcome_email(member, manage_token)
    db().commit()
    mail.dispatch(message)
    return redirect(url_for("forums.manage", token=manage_token, confirmed="1"))


def _welcome_email(member: ForumMember, manage_token: str) -> Any:
    assert member.email is not None
    return mail.send(
        member.email,
        _("Welcome to %(forum)s", forum=member.forum.name),
        "forum_welcome",
        purpose="forum_welcome",
        forum_member_id=member.id,
        headers=links.unsubscribe_headers(member),
        forum=member.forum,
        name=member.name,
        waiting=member.status == MemberStatus.WAITING,
        manage_link=links.manage_url(manage_token, member),
        link_days=_settings().forum_link_days,
        unsubscribe_link=links.unsubscribe_url(member),
    )


def _page_language() -> str:
    code = i18n.current()
    return code if code in i18n.SITE_LANGUAGES else i18n.DEFAULT


def _member_or_expired(token: str) -> ForumMember | None:
    """The member whose page this is. When they act on it (a POST), the page's language
    becomes theirs, for the emails sent to them later; only looking changes nothing."""
    mark_private()
    member = services.find_by_manage_token(db(), token, clock.now())
    if member is not None and request.method == "POST":
        member.language = _page_language()
    return member


@bp.get("/manage/<token>")
def manage(token: str) -> ResponseReturnValue:
    member = _member_or_expired(token)
    if member is None:
        return _expired_link("manage")
    wording = services.current_wording(db(), clock.now())
    now = clock.now()
    upcoming = [m for m in member.forum.meetings if m.starts_at > now]
    return render_template(
        "forums/manage.html",
        title=_("Your forum membership"),
        member=member,
        token=token,
        confirmed=request.args.get("confirmed") == "1",
        done=request.args.get("done", ""),
        wording=wording,
        needs_reconfirm=any(c.wording_id != wording.id for c in member.current_consents()),
        ends=services.membership_ends(member, _retention()),
        organisation_types=organisation_words(),
        interest_labels=interest_words(),
        status_labels={key: str(label) for key, label in STATUS_WORDS.items()},
        meetings=upcoming,
        bookings={b.meeting_id: b for b in member.bookings},
    )


@bp.route("/manage/<token>/details", methods=["GET", "POST"])
def update(token: str) -> ResponseReturnValue:
    member = _member_or_expired(token)
    if member is None:
        return _expired_link("manage")
    now = clock.now()
    wording = services.current_wording(db(), now)
    form = SignUpForm(forum=member.forum, **starting_from(SignUpForm.of(services.SignUp.from_member(member))))
    status = 200
    if form.is_submitted():
        form.validate()
        data, errors = services.validate(form.sign_up(), member.forum, wording, need_consent=False)
        add_problems(form, errors)
        new_email = not form.errors and services.email_changes(member, data.email)
        if new_email:
            clash = services.find_member(db(), member.forum, data.email)
            if clash is not None and clash.id != member.id:
                message = _("That email address is already used for another sign-up to this forum")
                add_problems(form, {"email": message})
        status = 400
        if new_email and not form.errors:
            # Each change sends a link to the new address: the same limit as sign-ups.
            _client_limit, email_limit = _limits()
            key = f"{member.forum.slug}:{data.email.lower()}"
            if not rate_limiter().hit(email_limit, key).allowed:
                message = _(
                    "Too many links have been sent to that address in the last hour. "
                    "Your changes are still below: wait an hour and save them again"
                )
                add_problems(form, {"email": message})
                status = 429
        if not form.errors:
            changed = services.update_details(member, data, now)
            messages = []
            done = "details" if changed else "nothing"
            if new_email:
                email_token = services.request_email_change(member, data.email, now, _retention())
                messages = _email_change_emails(member, email_token)
                done = "email"
            db().commit()
            for message in messages:
                mail.dispatch(message)
            return redirect(url_for("forums.manage", token=token, done=done))
    return render_template(
        "forums/update.html",
        title=_("Change your details"),
        member=member,
        token=token,
        **_form_context(member.forum, form, wording),
    ), (status if form.errors else 200)


def _email_change_emails(member: ForumMember, token: str) -> list[Any]:
    """A link to the new address, and a notice to the old one (which stays in use till then)."""
    assert member.email is not None and member.new_email is not None
    forum = member.forum
    confirm = mail.send(
        member.new_email,
        _("Confirm your new email address for %(forum)s", forum=forum.name),
        "forum_email_change",
        purpose="forum_email_change",
        forum_member_id=member.id,
        forum=forum,
        name=member.name,
        link=external_url("forums.change_email", token=token),
        link_days=_settings().forum_link_days,
    )
    notice = mail.send(
        member.email,
        _("Your email address for %(forum)s is being changed", forum=forum.name),
        "forum_email_notice",
        purpose="forum_email_notice",
        forum_member_id=member.id,
        forum=forum,
        name=member.name,
        link_days=_settings().forum_link_days,
    )
    return [confirm, notice]


@bp.route("/change-email/<token>", methods=["GET", "POST"])
def change_email(token: str) -> ResponseReturnValue:
    """The link sent to a new address. GET asks; only POST changes the address."""
    mark_private()
    now = clock.now()
    member = services.find_by_email_token(db(), token, now)
    if member is None:
        return _expired_link("email")
    problem = None
    if request.method == "POST":
        problem = services.confirm_email_change(db(), member, now)
        if problem is None:
            manage_token = services.issue_manage_token(member, now, _retention())
            db().commit()
            return redirect(url_for("forums.manage", token=manage_token, done="email-changed"))
    return render_template(
        "forums/change_email.html",
        title=_("Confirm your new email address"),
        member=member,
        problem=problem,
    ), (409 if problem else 200)


@bp.post("/manage/<token>/emails")
def emails(token: str) -> ResponseReturnValue:
    member = _member_or_expired(token)
    if member is None:
        return _expired_link("manage")
    now = clock.now()
    wording = services.current_wording(db(), now)
    purposes = [c.purpose for c in member.current_consents() if c.purpose != "updates"]
    if UpdatesForm().updates.data == "yes":
        purposes.append("updates")
    services.set_purposes(member, purposes, wording, now, channel="web")
    db().commit()
    return redirect(url_for("forums.manage", token=token, done="emails"))


@bp.route("/manage/<token>/stay", methods=["GET", "POST"])
def reconfirm(token: str) -> ResponseReturnValue:
    """Stay a member for another period, agreeing to the consent wording as it is now."""
    member = _member_or_expired(token)
    if member is None:
        return _expired_link("manage")
    now = clock.now()
    wording = services.current_wording(db(), now)
    form = StayForm(
        wording=wording, **starting_from({"purposes": [c.purpose for c in member.current_consents()]})
    )
    if form.validate_on_submit():
        try:
            services.reconfirm(member, list(form.purposes.data or []), wording, now)
        except RefusedError as error:
            refuse(form, error)
        else:
            db().commit()
            return redirect(url_for("forums.manage", token=token, done="stayed"))
    return render_template(
        "forums/reconfirm.html",
        title=_("Stay in the forum"),
        member=member,
        token=token,
        wording=wording,
        introduction=_introduction(wording),
        form=form,
    ), form_status(form)


@bp.get("/manage/<token>/download.<fmt>")
def download(token: str, fmt: str) -> ResponseReturnValue:
    member = _member_or_expired(token)
    if member is None:
        return _expired_link("manage")
    held = _held(member)
    if fmt == "json":
        body = json.dumps(held, ensure_ascii=False, indent=2)
        mimetype = "application/json"
    elif fmt == "csv":
        body = _member_csv(held)
        mimetype = "text/csv"
    else:
        abort(404)
    response = make_response(body)
    response.mimetype = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="your-forum-data.{fmt}"'
    return response


def _held(member: ForumMember) -> dict[str, Any]:
    """Everything held about a member, its labels (status, organisation type, interests,
    consent wording) in the page's language; the keys stay as they are, for programs."""
    held = services.export_member(member)
    held["status"] = str(STATUS_WORDS.get(member.status, held["status"]))
    held["organisation_type"] = organisation_words().get(member.organisation_type, held["organisation_type"])
    words = interest_words()
    held["interests"] = [words.get(key, key) for key in member.interests]
    for consent in held["consents"]:
        consent["wording"] = consent_words(consent["wording"])
    return held


# The download's column headings and each item's name, in the page's language. In English
# they are the JSON download's keys, so the two files match.
CSV_HEADINGS = (_l("section"), _l("item"), _l("value"))
CSV_ITEMS: dict[str, Any] = {
    "forum": _l("forum"),
    "status": _l("status"),
    "name": _l("name"),
    "email": _l("email"),
    "new_email_waiting_for_confirmation": _l("new_email_waiting_for_confirmation"),
    "organisation": _l("organisation"),
    "role": _l("role"),
    "organisation_type": _l("organisation_type"),
    "localities": _l("localities"),
    "interests": _l("interests"),
    "accessibility_needs": _l("accessibility_needs"),
    "signed_up_at": _l("signed_up_at"),
    "signed_up_by": _l("signed_up_by"),
    "confirmed_at": _l("confirmed_at"),
    "last_confirmed_at": _l("last_confirmed_at"),
    "emails_stopped": _l("emails_stopped"),
    "purpose": _l("purpose"),
    "wording_version": _l("wording_version"),
    "wording": _l("wording"),
    "given_at": _l("given_at"),
    "given_by": _l("given_by"),
    "withdrawn_at": _l("withdrawn_at"),
    "meeting": _l("meeting"),
    "starts_at": _l("starts_at"),
    "booking": _l("booking"),
}


def _item(key: str) -> str:
    return str(CSV_ITEMS.get(key, key))


def _member_csv(held: dict[str, Any]) -> str:
    """One row per fact, so nested consents and bookings read naturally in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([str(heading) for heading in CSV_HEADINGS])
    for key, value in held.items():
        if key == "consents":
            for number, consent in enumerate(value, 1):
                for field, text in consent.items():
                    section = _("consent %(num)d", num=number)
                    writer.writerow([section, _item(field), neutralise(_text(text))])
        elif key == "meetings":
            for number, booking in enumerate(value, 1):
                for field, text in booking.items():
                    section = _("meeting %(num)d", num=number)
                    writer.writerow([section, _item(field), neutralise(_text(text))])
        else:
            writer.writerow([_("details"), _item(key), neutralise(_text(value))])
    return out.getvalue()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)


@bp.post("/manage/<token>/meetings/<int:meeting_id>")
def meeting(token: str, meeting_id: int) -> ResponseReturnValue:
    member = _member_or_expired(token)
    if member is None:
        return _expired_link("manage")
    item = db().get(ForumMeeting, meeting_id)
    if item is None or item.forum_id != member.forum_id:
        abort(404)
    now = clock.now()
    if item.starts_at <= now:
        abort(410)
    if BookingForm().action.data == "cancel":
        services.cancel_booking(db(), item, member, now)
        done = "cancelled"
    else:
        booking = services.book(db(), item, member, now)
        done = "booked" if booking.status == BookingStatus.BOOKED else "waiting"
    db().commit()
    return redirect(url_for("forums.manage", token=token, done=done) + "#meetings")


@bp.route("/manage/<token>/leave", methods=["GET", "POST"])
def leave(token: str) -> ResponseReturnValue:
    member = _member_or_expired(token)
    if member is None:
        return _expired_link("manage")
    if request.method == "GET":
        return render_template("forums/leave.html", title=_("Leave the forum"), member=member, token=token)
    forum = member.forum
    email = member.email
    # Erasing deletes every email about them; the goodbye, which names only the forum, is
    # deleted in turn once it is sent (or after a day if it cannot be: see engage.platform.mail).
    services.erase(db(), member, clock.now(), reason="erased", channel="web")
    message = None
    if email:
        message = mail.send(
            email,
            _("You have left %(forum)s", forum=forum.name),
            "forum_left",
            purpose="forum_left",
            forum_member_id=member.id,
            goodbye=True,
            forum=forum,
        )
    db().commit()
    if message is not None:
        mail.dispatch(message)
    return redirect(url_for("forums.left", slug=forum.slug))


@bp.get("/<slug>/left")
def left(slug: str) -> ResponseReturnValue:
    item = _forum_or_404(slug)
    return render_template("forums/left.html", title=_("You have left the forum"), forum=item)


@bp.route("/manage", methods=["GET", "POST"])
def request_link() -> ResponseReturnValue:
    """Lost the link? The answer is the same whether or not the address is registered."""
    mark_private()
    form = LinkRequestForm()
    if form.validate_on_submit():
        email, problem = services.check_email((form.email.data or "")[:300])
        if problem:
            form.email.errors = [problem]
        else:
            client_limit, email_limit = _limits()
            limiter = rate_limiter()
            allowed = limiter.hit(client_limit, request.remote_addr or "unknown").allowed and (
                limiter.hit(email_limit, f"link:{email.lower()}").allowed
            )
            if not allowed:
                form.email.errors = [
                    _("Too many links have been asked for from here. Wait an hour and try again")
                ]
                return render_template(
                    "forums/request_link.html", title=_("Get a link to your forum details"), form=form
                ), 429
            # The same work whether or not the address is registered (a token, one email
            # rendered, stored and sent, a commit), so the time taken does not tell.
            issued = services.issue_manage_links(db(), email, clock.now(), _retention())
            message = mail.send(
                email,
                _("Your forum details"),
                "forum_link",
                purpose="forum_link" if issued else "forum_link_unregistered",
                forum_member_id=issued[0][0].id if issued else None,
                name=issued[0][0].name if issued else "",
                forums=[(member.forum, links.manage_url(token)) for member, token in issued],
                link_days=_settings().forum_link_days,
                request_url=external_url("forums.request_link"),
                forums_url=external_url("forums.index"),
            )
            db().commit()
            mail.dispatch(message)
            return render_template("forums/link_sent.html", title=_("Check your email"), email=email)
        form._errors = None  # the address's problem was added after validating
    return render_template(
        "forums/request_link.html", title=_("Get a link to your forum details"), form=form
    ), form_status(form)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str) -> ResponseReturnValue:
    """Stop forum emails. POST is RFC 8058 one-click, sent by mail programs without a form."""
    mark_private()
    member_id = links.member_id_from_unsubscribe(token)
    member = db().get(ForumMember, member_id) if member_id is not None else None
    if member is None or member.status not in MemberStatus.CURRENT:
        return _expired_link("unsubscribe")
    if request.method == "POST":
        services.unsubscribe(member, clock.now())
        db().commit()
        return render_template(
            "forums/unsubscribed.html", title=_("You will not get forum emails"), member=member
        )
    return render_template(
        "forums/unsubscribe.html", title=_("Stop forum emails"), member=member, token=token
    )

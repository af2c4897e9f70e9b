"""The forums' retention run: what ``flask --app wsgi forums purge`` and the job worker do.

It deletes sign-ups never confirmed, emails members whose membership is about to
end, and erases those whose membership has ended. The counts go in the audit log.
"""

from __future__ import annotations

from babel.dates import format_date
from flask import current_app
from flask_babel import gettext as _

from engage.forums import links, services
from engage.platform import audit, clock, mail, maintenance
from engage.platform.config import Settings
from engage.platform.database import db
from engage.platform.models import OutboundEmail


def run_purge() -> services.PurgeResult:
    settings: Settings = current_app.config["ENGAGE_SETTINGS"]
    retention = services.Retention.from_settings(settings)
    session = db()
    now = clock.now()
    result = services.purge(session, now, retention)
    messages: list[OutboundEmail] = []
    for member, token in result.reminded:
        ends = services.membership_ends(member, retention)
        assert member.email is not None and ends is not None
        with links.in_language(member):
            message = mail.send(
                member.email,
                _("Do you want to stay in %(forum)s?", forum=member.forum.name),
                "forum_reminder",
                purpose="forum_reminder",
                forum_member_id=member.id,
                headers=links.unsubscribe_headers(member),
                forum=member.forum,
                name=member.name,
                ends=format_date(clock.local(ends).date(), "d MMMM y", locale=member.language),
                manage_link=links.manage_url(token, member),
                email_language=member.language,
            )
        messages.append(message)
    summary = result.summary()
    if any(summary.values()):
        audit.record(
            session,
            "forums.purged",
            object_type="forum_member",
            summary=", ".join(f"{count} {what}" for what, count in summary.items()),
            details=summary,
            actor_label="retention job",
            actor=None,
        )
    session.commit()
    for message in messages:
        mail.dispatch(message)
    return result


@maintenance.task("forum sign-ups and memberships (unconfirmed deleted, lapsed erased)")
def purge_forum_members() -> int:
    result = run_purge()
    return result.unconfirmed_deleted + result.lapsed

"""Which alerts each member of staff chose, and which alerts have been sent to whom.

``StaffAlert`` holds one row per (account, kind) that is switched on: no row, no alert
(everything is off until the officer chooses). ``AlertSent`` holds one row per alert
decided for an account, keyed by what it was about (a survey and its closing time, an
action and its due date, a forum sign-up, a digest's day): the unique key is what makes
each alert go once, however often or however many times at once the run happens.
"""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from surveys.i18n import N_
from surveys.orm import Base, UTCDateTime


class AlertKind(enum.StrEnum):
    """An alert an officer may choose; stored as its text."""

    DIGEST = "digest"
    CLOSING_SOON = "closing_soon"
    ACTION_DUE = "action_due"
    FORUM_SIGN_UP = "forum_sign_up"

    @property
    def label(self) -> str:
        """What the officer ticks, in the page's language."""
        return str(
            _(
                {
                    AlertKind.DIGEST: N_("A daily digest of new responses"),
                    AlertKind.CLOSING_SOON: N_("A survey is closing in 3 days"),
                    AlertKind.ACTION_DUE: N_("An action is due"),
                    AlertKind.FORUM_SIGN_UP: N_("Someone signs up to a forum"),
                }[self]
            )
        )

    @property
    def hint(self) -> str:
        """What the alert says and when, in the page's language."""
        return str(
            _(
                {
                    AlertKind.DIGEST: N_(
                        "Each morning from 7am: how many responses each survey has had since the last "
                        "digest, and from which areas. Not sent on a day with no new responses."
                    ),
                    AlertKind.CLOSING_SOON: N_(
                        "Once for each survey, 3 days before it closes: surveys you created, and "
                        "surveys whose creator no longer has an active account."
                    ),
                    AlertKind.ACTION_DUE: N_(
                        "Once for each action and due date: actions in the action plan due within "
                        "3 days, or overdue, that are not done."
                    ),
                    AlertKind.FORUM_SIGN_UP: N_(
                        "Within the hour, when someone confirms a place on a forum or its waiting list. "
                        "The email names the forum, not the person."
                    ),
                }[self]
            )
        )

    @property
    def short(self) -> str:
        """A few words for the audit log, in English: "daily digest"."""
        return {
            AlertKind.DIGEST: "daily digest",
            AlertKind.CLOSING_SOON: "survey closing",
            AlertKind.ACTION_DUE: "action due",
            AlertKind.FORUM_SIGN_UP: "forum sign-up",
        }[self]

    @property
    def stop_label(self) -> str:
        """What the unsubscribe pages and the alert emails call these emails, in the page's
        language: "daily digest emails"."""
        return str(
            _(
                {
                    AlertKind.DIGEST: N_("daily digest emails"),
                    AlertKind.CLOSING_SOON: N_("emails about surveys closing"),
                    AlertKind.ACTION_DUE: N_("emails about actions due"),
                    AlertKind.FORUM_SIGN_UP: N_("emails about forum sign-ups"),
                }[self]
            )
        )


class StaffAlert(Base):
    """One alert a member of staff has switched on."""

    __tablename__ = "staff_alert"
    __table_args__ = (UniqueConstraint("staff_user_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # an AlertKind
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Everything up to here has been alerted (the digest's last window ended here; a
    #: forum sign-up confirmed earlier is not news). Starts at ``chosen_at``.
    covered_until: Mapped[datetime] = mapped_column(UTCDateTime)


class AlertSent(Base):
    """An alert decided for one account: sent, or (a digest with nothing new) let pass."""

    __tablename__ = "staff_alert_sent"
    __table_args__ = (UniqueConstraint("staff_user_id", "kind", "subject_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # an AlertKind
    #: What it was about: "day:2026-11-24", "survey:12:2026-11-28T23:59", "action:7:2026-12-05",
    #: "member:31".
    subject_key: Mapped[str] = mapped_column(String(80))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

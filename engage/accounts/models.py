"""Staff accounts, their server-side sessions, the audit log, the outbox and rate-limit counts."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.platform import clock
from surveys.i18n import N_
from surveys.orm import Base, UTCDateTime


class Role(enum.StrEnum):
    """What a member of staff may do. Each role includes the ones below it."""

    ADMIN = "admin"
    OFFICER = "officer"
    BRANCH_STAFF = "branch_staff"
    VIEWER = "viewer"

    @property
    def english_label(self) -> str:
        """The role's name in English, for records (the audit log) and the command line."""
        return {
            Role.ADMIN: N_("Administrator"),
            Role.OFFICER: N_("Officer"),
            Role.BRANCH_STAFF: N_("Branch staff"),
            Role.VIEWER: N_("Viewer"),
        }[self]

    @property
    def label(self) -> str:
        """The role's name as pages show it, in the page's language: "Administrator"."""
        return str(_(self.english_label))

    @property
    def description(self) -> str:
        """What the role may do, in the page's language."""
        return str(
            _(
                {
                    Role.ADMIN: N_("Manages staff accounts and everything officers can do."),
                    Role.OFFICER: N_(
                        "Builds surveys, reviews themes, keeps the action plan and publishes results."
                    ),
                    Role.BRANCH_STAFF: N_("Enters paper responses and looks after kiosks in a branch."),
                    Role.VIEWER: N_("Reads reports and responses but changes nothing."),
                }[self]
            )
        )

    @property
    def rank(self) -> int:
        return {Role.VIEWER: 0, Role.BRANCH_STAFF: 1, Role.OFFICER: 2, Role.ADMIN: 3}[self]


class StaffUser(Base):
    __tablename__ = "staff_user"
    __allow_unmapped__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    sessions: Mapped[list[StaffSession]] = relationship(back_populates="user")

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def has_role(self, minimum: Role) -> bool:
        return self.is_active_account and self.role_enum.rank >= minimum.rank

    # Flask-Login's view of a staff member. The id it keeps in the cookie is the
    # session token set by the loader, never the account's primary key.
    session_token: str | None = None
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return self.session_token is not None

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    def get_id(self) -> str | None:
        return self.session_token

    def __repr__(self) -> str:
        return f"<StaffUser {self.id} {self.role}>"


class StaffSession(Base):
    """A signed-in browser. The cookie holds only this row's random token.

    Logging out, a password change or deactivation revokes the row, so a copy of
    an old cookie is worthless afterwards.
    """

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    client_address: Mapped[str | None] = mapped_column(String(64), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(String(255), nullable=True)

    user: Mapped[StaffUser] = relationship(back_populates="sessions")

    __table_args__ = (Index("ix_staff_session_user_active", "user_id", "revoked_at"),)

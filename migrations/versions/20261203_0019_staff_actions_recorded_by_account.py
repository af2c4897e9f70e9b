"""staff actions recorded by account

Who changed an action's status, linked a theme or a response, published "You said, we
did", wrote a theme note or decided on a quote was kept as text ("Name (email)", or a
note's author's name). It becomes the staff account's id, shown by the account's name:
one "who" everywhere. Existing rows are matched to accounts by the email in the text, or
a note by its author's name when exactly one account has it; text that names no account
(the demo loader's "Demo data") becomes "not recorded".

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (table, old text column, new id column, how the text was written)
COLUMNS = (
    ("action_status_change", "changed_by", "changed_by_id", "name_and_email"),
    ("action_theme_link", "created_by", "created_by_id", "name_and_email"),
    ("you_said_we_did", "published_by", "published_by_id", "name_and_email"),
    ("action_response_link", "created_by", "created_by_id", "name_and_email"),
    ("theme_note", "author", "author_id", "name"),
    ("theme_quote_review", "decided_by", "decided_by_id", "name_and_email"),
)
_EMAIL_IN_BRACKETS = re.compile(r"\(([^()\s]+@[^()\s]+)\)\s*$")


def email_in(text: str | None) -> str | None:
    """The email address a stored "who" names: "Sam Officer (sam@x.gov.uk)" or "sam@x.gov.uk"."""
    value = (text or "").strip()
    found = _EMAIL_IN_BRACKETS.search(value)
    if found:
        return found.group(1).lower()
    if "@" in value and " " not in value:
        return value.lower()
    return None


def upgrade() -> None:
    bind = op.get_bind()
    accounts = bind.execute(sa.text("SELECT id, name, email FROM staff_user")).all()
    by_email = {email.lower(): id_ for id_, _, email in accounts}
    names = [name for _, name, _ in accounts]
    by_name = {name: id_ for id_, name, _ in accounts if names.count(name) == 1}
    for table, old, new, written in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(new, sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_{new}_staff_user"), "staff_user", [new], ["id"], ondelete="SET NULL"
            )
        rows = bind.execute(sa.text(f"SELECT id, {old} FROM {table}")).all()  # noqa: S608 (names above)
        for row_id, text in rows:
            if written == "name":
                staff_id = by_name.get((text or "").strip())
            else:
                staff_id = by_email.get(email_in(text) or "")
            if staff_id is not None:
                bind.execute(
                    sa.text(f"UPDATE {table} SET {new} = :staff WHERE id = :row"),  # noqa: S608
                    {"staff": staff_id, "row": row_id},
                )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(old)


def downgrade() -> None:
    bind = op.get_bind()
    staff = {
        id_: (name, email)
        for id_, name, email in bind.execute(sa.text("SELECT id, name, email FROM staff_user"))
    }
    for table, old, new, written in reversed(COLUMNS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(old, sa.String(length=200), nullable=False, server_default=""))
        for row_id, staff_id in bind.execute(sa.text(f"SELECT id, {new} FROM {table}")).all():  # noqa: S608
            if staff_id in staff:
                name, email = staff[staff_id]
                text = name if written == "name" else f"{name} ({email})"
                bind.execute(
                    sa.text(f"UPDATE {table} SET {old} = :text WHERE id = :row"),  # noqa: S608
                    {"text": text, "row": row_id},
                )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_{new}_staff_user"), type_="foreignkey")
            batch_op.drop_column(new)

"""Links that go out in forum emails.

Confirmation and self-service links carry random tokens stored as digests (see
``services``). Unsubscribe links must keep working in every email ever sent, so
they carry the member id signed with the app's secret key instead: they can
only stop emails, and stop working once the member's data is erased.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from engage.forums.models import ForumMember
from engage.platform import mail
from engage.platform.links import external_url

SALT = "engage.forums.unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_token(member: ForumMember) -> str:
    return str(_serializer().dumps(member.id))


def member_id_from_unsubscribe(token: str) -> int | None:
    try:
        value = _serializer().loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, int) else None


def unsubscribe_url(member: ForumMember) -> str:
    return external_url("forums.unsubscribe", token=unsubscribe_token(member))


def manage_url(token: str) -> str:
    return external_url("forums.manage", token=token)


def unsubscribe_headers(member: ForumMember) -> dict[str, str]:
    return mail.unsubscribe_headers(unsubscribe_url(member))

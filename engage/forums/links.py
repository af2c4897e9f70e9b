"""Links that go out in forum emails.

Confirmation and self-service links carry random tokens stored as digests (see
``services``). Unsubscribe links must keep working in every email ever sent, so
they carry the member id signed with the app's secret key instead: they can
only stop emails, and stop working once the member's data is erased.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app
from flask_babel import force_locale
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


@contextmanager
def in_language(member: ForumMember) -> Iterator[None]:
    """Write an email to ``member`` in their language: its words, subject and dates.

    Works in a request (whatever the page's language) and in an app context without
    one (``forums purge``, the job worker)."""
    with force_locale(member.language or "en"):
        yield


def member_url(endpoint: str, member: ForumMember, **values: Any) -> str:
    """A link for ``member`` that opens the page in their language (``?lang=cy``)."""
    return external_url(endpoint, lang=member.language or "en", **values)


def unsubscribe_url(member: ForumMember) -> str:
    return member_url("forums.unsubscribe", member, token=unsubscribe_token(member))


def manage_url(token: str, member: ForumMember | None = None) -> str:
    """The member's own page; with ``member``, opening in their language."""
    if member is None:
        return external_url("forums.manage", token=token)
    return member_url("forums.manage", member, token=token)


def unsubscribe_headers(member: ForumMember) -> dict[str, str]:
    """The List-Unsubscribe header's link has no ``?lang=``: mail programs POST to it
    (RFC 8058) without showing the page, and a plain address keeps the header unencoded."""
    return mail.unsubscribe_headers(external_url("forums.unsubscribe", token=unsubscribe_token(member)))

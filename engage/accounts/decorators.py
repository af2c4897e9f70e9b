"""Who may see a staff page, and who is signed in."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort
from flask_login import current_user, login_required

from engage.accounts.models import Role, StaffUser

F = TypeVar("F", bound=Callable[..., Any])


def current_staff() -> StaffUser:
    """The staff account signed in to this request (on pages behind ``role_required``)."""
    return current_user._get_current_object()  # type: ignore[no-any-return]


def role_required(minimum: Role) -> Callable[[F], F]:
    """Signed in, and with at least ``minimum``'s rank; otherwise 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(minimum):
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator

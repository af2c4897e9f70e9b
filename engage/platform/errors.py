"""Error pages in the service's own layout, and never a stack trace."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from flask import Flask, Response, current_app, g, render_template, request
from flask.globals import request_ctx
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError

from engage.platform import links
from engage.platform.database import db
from engage.platform.security import mark_private
from surveys.refusal import RefusedError

log = logging.getLogger(__name__)

# Fields never echoed back into a page, even to their owner.
SECRET_FIELD_MARKERS = ("password", "csrf_token", "token", "secret")

RETRY_AFTER_SECONDS = 30

# In the page's language when shown (lazy: the language is chosen per request).
ERROR_TITLES: dict[int, Any] = {
    400: _l("There is a problem with your request"),
    403: _l("You do not have permission to see this page"),
    404: _l("Page not found"),
    405: _l("That action is not available on this page"),
    413: _l("What you sent is too large"),
    429: _l("Too many attempts"),
    500: _l("Sorry, there is a problem with the service"),
    503: _l("Sorry, the service is unavailable"),
}


def summary_items(errors: Iterable[tuple[str, str]] | dict[str, str]) -> list[dict[str, str]]:
    """Error summary items for GOV.UK's component: each message links to its field's id."""
    pairs = errors.items() if isinstance(errors, dict) else errors
    return [{"text": text, "href": f"#{key}"} for key, text in pairs]


def _render(status: int, **context: Any) -> tuple[str, int]:
    title = str(ERROR_TITLES[status])
    if status >= 500 and "_login_user" not in g:
        # Do not ask a possibly broken database who is signed in.
        g._login_user = AnonymousUserMixin()
    if context.get("csrf"):
        title = _("Your form timed out")
    if request_ctx and request_ctx.url_adapter is None:
        # The request's Host was refused (not in TRUSTED_HOSTS), so Flask has no URL adapter:
        # build the page's links against the public address instead.
        request_ctx.url_adapter = links.adapter(current_app)
    try:
        return render_template("errors/error.html", title=title, status=status, **context), status
    except Exception:
        log.exception("Error page %s failed to render", status)
        return (
            f"<!DOCTYPE html><html lang='en-GB'><head><title>{title}</title></head>"
            f"<body><h1>{title}</h1><p>Please try again later.</p></body></html>",
            status,
        )


def kept_fields() -> list[tuple[str, str]]:
    """What the person typed into the form that failed, minus anything secret."""
    kept = []
    for name, value in request.form.items(multi=True):
        if any(marker in name.lower() for marker in SECRET_FIELD_MARKERS):
            continue
        kept.append((name, value))
    return kept


def handle_csrf(error: CSRFError) -> tuple[str, int]:
    """An expired or missing form token: offer to send the same answers again."""
    log.info("CSRF check failed on %s: %s", request.path, error.description)
    mark_private()
    fields = kept_fields() if request.method == "POST" else []
    had_secret = any("password" in name.lower() for name in request.form)
    return _render(400, csrf=True, kept=fields, action=request.path, had_secret=had_secret)


def handle_http(error: HTTPException) -> tuple[str, int] | HTTPException | Response:
    status = error.code or 500
    if status not in ERROR_TITLES:
        return error
    if status == 429:
        retry_after = getattr(error, "retry_after", None)
        # Werkzeug's own wording is English and says little: the page's own sentence instead.
        description = error.description if error.description != type(error).description else None
        body, code = _render(429, retry_after=retry_after, description=description)
        return _with_retry_after(body, code, retry_after)
    if status == 405:
        return _render(405, allowed=getattr(error, "valid_methods", None))
    return _render(status)


def _with_retry_after(body: str, code: int, retry_after: int | None) -> Response:
    response = Response(body, status=code, mimetype="text/html")
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


def handle_database_unavailable(error: Exception) -> Response:
    """The database is down: say so, keep what was typed on this page, ask to retry."""
    log.error("Database unavailable while serving %s: %s", request.path, error)
    kept = kept_fields() if request.method == "POST" else []
    if kept:
        mark_private()
    body, status = _render(503, kept=kept, action=request.full_path.rstrip("?"))
    return _with_retry_after(body, status, RETRY_AFTER_SECONDS)


def handle_unstorable(error: DataError) -> tuple[str, int]:
    """The database refused a value it cannot hold (a NUL byte, a number out of range):
    the request was at fault, so say so. Known cases are refused earlier, per field."""
    log.warning("Database refused a value while serving %s: %s", request.path, error.orig)
    # The failed transaction must be rolled back before the page (which may read who is
    # signed in, or which kiosk this is) can use the database again.
    try:
        db().rollback()
    except Exception:
        log.exception("Rollback after a refused value failed")
    return _render(400, unstorable=True)


def handle_refused(error: RefusedError) -> tuple[str, int]:
    """A service refused a change and the page did not show why itself: say why, in the
    service's own words, and change nothing."""
    log.info("Change refused on %s: %s", request.path, error)
    try:
        db().rollback()
    except Exception:
        log.exception("Rollback after a refused change failed")
    return _render(400, refused=str(error))


def handle_unexpected(error: Exception) -> tuple[str, int]:
    original = getattr(error, "original_exception", None) or error
    log.error("Unhandled error serving %s", request.path, exc_info=original)
    return _render(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(DataError, handle_unstorable)
    app.register_error_handler(RefusedError, handle_refused)
    for unavailable in (OperationalError, InterfaceError, PoolTimeoutError):
        app.register_error_handler(unavailable, handle_database_unavailable)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(InternalServerError, handle_unexpected)
    app.register_error_handler(Exception, handle_unexpected)

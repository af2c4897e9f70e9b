"""Keep secret tokens out of logs and out of staff screens.

Self-service links carry their secret in the path (``/forums/manage/<token>``,
``/s/<slug>/resume/<token>``, ``/hear-back/confirm/<token>`` …) because they must work from
an email on any device without JavaScript. Paths are what access logs record, and the
``Referer`` of every page such a link opens carries it again. So every line the service
logs (its own loggers and gunicorn's access and error logs) goes through :func:`mask`,
which replaces the token with ``[hidden]``; the outbox pages use the same rule.

``SECRET_PATH`` is written out rather than derived from the URL map because gunicorn's
logger starts before the application; ``tests/test_logmask.py`` checks it covers every
route with a ``token`` in it.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger as GunicornBaseLogger

__all__ = ["HIDDEN", "GunicornLogger", "MaskSecretsFilter", "install", "mask"]

HIDDEN = "[hidden]"

SECRET_PATH = re.compile(
    r"(/s/[^/\s?#\"'<>]+/resume/"
    r"|/forums/(?:confirm|manage|change-email|unsubscribe)/"
    r"|/hear-back/(?:confirm|stop)/"
    r"|/staff/email-alerts/stop/)"
    r"(?!\[hidden\])[^/\s?#\"'<>]+"
)


def mask(text: str) -> str:
    """``text`` with the secret part of every self-service link replaced by ``[hidden]``."""
    if "/" not in text:
        return text
    return SECRET_PATH.sub(lambda match: match.group(1) + HIDDEN, text)


class MaskSecretsFilter(logging.Filter):
    """A handler filter: the formatted message and any traceback text are masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def install(logger: logging.Logger) -> None:
    """Mask everything ``logger``'s handlers write (call after handlers are configured)."""
    for handler in logger.handlers:
        if not any(isinstance(f, MaskSecretsFilter) for f in handler.filters):
            handler.addFilter(MaskSecretsFilter())


class GunicornLogger(GunicornBaseLogger):
    """gunicorn's logger with secret tokens masked in access lines (request line, path,
    query, referer) and error lines. Used with ``--logger-class engage.platform.logmask.GunicornLogger``."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {key: mask(value) if isinstance(value, str) else value for key, value in atoms.items()}

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            install(log)

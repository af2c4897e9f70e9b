"""The one error type for a change that cannot be made.

Every service that refuses a change (a survey action, a definition, a staff account, an
action plan entry, a theme edit, an import) raises a subclass of :class:`RefusedError`
whose message, in plain English, says what to do; ``errors`` maps form fields to their
own messages when the refusal is about particular fields. Pages catch it to show the
message beside what was typed; one that escapes becomes a 400 page with the message
(``engage.platform.errors``), never a 500.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["RefusedError"]


class RefusedError(ValueError):
    """A change that cannot be made; the message is for the person who asked for it."""

    def __init__(self, message: str = "", errors: Mapping[str, str] | None = None) -> None:
        self.errors: dict[str, str] = dict(errors or {})
        super().__init__(message or "; ".join(self.errors.values()))

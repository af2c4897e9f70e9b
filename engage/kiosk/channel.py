"""Which channel a survey started in this browser came through: online, or a library kiosk.

The residents' journey asks this when a response starts, so it lives apart from the
kiosk's views (``g.kiosk`` is set by the kiosk's before-request hook).
"""

from __future__ import annotations

from flask import abort, current_app, g, has_request_context, request

from engage.kiosk.models import KioskDevice
from engage.platform import i18n
from engage.platform.extensions import rate_limiter
from engage.platform.ratelimit import Limit

__all__ = ["START_LIMIT", "current_kiosk", "default_language", "kiosk_language", "start_channel"]

# Responses a kiosk may start in an hour (a busy branch starts far fewer). Many kiosks
# can share one public address, so starts are limited per kiosk instead.
START_LIMIT = Limit("kiosk:start", 120, 3600)


def current_kiosk() -> KioskDevice | None:
    device: KioskDevice | None = g.get("kiosk")
    return device


def start_channel() -> tuple[str, str | None]:
    """How a survey started in this browser is recorded: ("kiosk", branch) on a kiosk."""
    device = current_kiosk()
    if device is None:
        return "online", None
    verdict = rate_limiter().hit(START_LIMIT, f"kiosk-device:{device.id}")
    if not verdict.allowed:
        abort(429)
    return "kiosk", device.branch_code


# --- the language on a shared tablet -------------------------------------------------
#
# Each resident chooses their language on the attract screen. The choice travels in the
# address (``?lang=cy``) of every kiosk page and API call, and in the ordinary language
# cookie for the residents' pages (the journey without JavaScript); the kiosk deletes that
# cookie whenever it resets, so the next person starts in the kiosk's default.


def default_language() -> str:
    """The language a kiosk starts in for each resident: ``KIOSK_LANGUAGE`` (a site
    language: the settings check it), else English."""
    return str(current_app.config.get("KIOSK_LANGUAGE") or i18n.DEFAULT)


def kiosk_language() -> str:
    """The language this kiosk request asked for (``?lang=``), else the kiosk's default."""
    code = request.args.get("lang", "") if has_request_context() else ""
    return code if code in i18n.SITE_LANGUAGES else default_language()

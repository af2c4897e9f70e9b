"""Which channel a survey started in this browser came through: online, or a library kiosk.

The residents' journey asks this when a response starts, so it lives apart from the
kiosk's views (``g.kiosk`` is set by the kiosk's before-request hook).
"""

from __future__ import annotations

from flask import abort, g

from engage.kiosk.models import KioskDevice
from engage.platform.extensions import rate_limiter
from engage.platform.ratelimit import Limit

__all__ = ["START_LIMIT", "current_kiosk", "start_channel"]

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

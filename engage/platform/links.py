"""Links that leave the service: built from ``ENGAGE_BASE_URL``, never from the request.

An emailed confirmation link, a resume link, a QR code on a poster, a link printed in a
PDF or an Atom feed's addresses are read outside the browser that asked for them. If they
were built from the request (``url_for(..., _external=True)``), anyone could send a
request with ``Host: attacker.example`` and have the service email a real person a
secret link to the attacker's site. So every such link is built here, from the
configured public address, with or without a request.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app
from werkzeug.routing import MapAdapter

from engage.platform.config import Settings

__all__ = ["adapter", "base_url", "external_url", "init_app"]

_ADAPTER = "engage.platform.links.adapter"


def base_url() -> str:
    """The configured public address without a trailing slash, e.g. ``https://haveyoursay.example``."""
    settings: Settings = current_app.config["ENGAGE_SETTINGS"]
    return settings.base_url.rstrip("/")


def adapter(app: Flask) -> MapAdapter:
    """URL building bound to the public address (also used to render pages for refused hosts)."""
    adapter: MapAdapter | None = app.extensions.get(_ADAPTER)
    if adapter is None:
        settings: Settings = app.config["ENGAGE_SETTINGS"]
        parts = urlsplit(settings.base_url)
        adapter = app.url_map.bind(
            parts.netloc, script_name=parts.path.rstrip("/") or "/", url_scheme=parts.scheme
        )
        app.extensions[_ADAPTER] = adapter
    return adapter


def external_url(endpoint: str, **values: Any) -> str:
    """The absolute address of ``endpoint`` on the public site (query values as ``url_for``)."""
    return adapter(current_app).build(endpoint, values, force_external=True)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["external_url"] = external_url

"""engage: a consultation and engagement platform for library and heritage services."""

from __future__ import annotations

import logging
from collections import ChainMap
from collections.abc import KeysView, MutableMapping
from datetime import datetime
from pathlib import Path
from typing import Any

import redis
from flask import Flask
from flask.templating import Environment as FlaskEnvironment
from flask_babel import gettext as _
from jinja2 import BytecodeCache, ChoiceLoader, Environment, PackageLoader, PrefixLoader
from jinja2.bccache import Bucket
from redis.backoff import ExponentialBackoff
from redis.retry import Retry
from werkzeug.middleware.proxy_fix import ProxyFix

from engage.accounts.models import Role, StaffUser
from engage.platform import clock, i18n, logmask
from engage.platform.config import DEFAULT_INSTANCE_PATH, PROJECT_ROOT, Settings, flask_config
from surveys import question_types
from surveys.definition import LIKERT_SCALE

__all__ = ["connect_redis", "create_app"]

__version__ = "0.1.0"


def create_app(config: dict[str, Any] | None = None, *, settings: Settings | None = None) -> Flask:
    """Build the application.

    ``settings`` defaults to the ``ENGAGE_*`` environment; ``config`` overrides
    individual Flask config keys afterwards (tests use it).
    """
    settings = settings or Settings.from_environ()
    instance_path = Path((config or {}).get("INSTANCE_PATH", DEFAULT_INSTANCE_PATH))
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder="static",
    )
    app.jinja_environment = _TemplateEnvironment
    # Every <int:...> in a route stops at the largest id a row can have (before any route is added).
    # Imported here, like the modules below: they import the engage package themselves.
    from engage.platform.inputs import RecordIdConverter

    app.url_map.converters["int"] = RecordIdConverter
    app.config.update(flask_config(settings, instance_path))
    if config:
        app.config.update(config)
    if settings.proxy_count:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=settings.proxy_count,
            x_proto=settings.proxy_count,
            # The public host comes from ENGAGE_BASE_URL; X-Forwarded-Host is believed only
            # when configured (and TRUSTED_HOSTS still checks it in production).
            x_host=settings.proxy_count if settings.proxy_forwarded_host else 0,
        )

    _configure_logging(app, settings)
    _configure_templates(app)

    # Imported here: these modules import the engage package themselves, so the factory
    # imports them when it runs rather than when engage is first imported.
    from engage.accounts import login
    from engage.platform import database, errors, extensions, links, security

    database.init_app(app)
    _init_redis(app, settings)
    extensions.init_app(app)
    login.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    links.init_app(app)

    # Imported here: every feature, once the platform is bound (see above).
    from engage.actions.public import bp as yswd_bp
    from engage.followups.views import bp as followups_bp
    from engage.forums.public import bp as forums_bp
    from engage.kiosk import views as kiosk
    from engage.public.views import bp as public_bp
    from engage.residents.views import bp as residents_bp
    from engage.staff import area as staff_area

    app.register_blueprint(public_bp)
    app.register_blueprint(residents_bp)
    app.register_blueprint(forums_bp)
    app.register_blueprint(followups_bp)
    app.register_blueprint(yswd_bp)
    kiosk.init_app(app)
    staff_area.init_app(app)

    # Imported here: the commands import every feature (see above).
    from engage.cli import register_commands

    register_commands(app)
    return app


def _configure_logging(app: Flask, settings: Settings) -> None:
    level = getattr(logging, settings.log_level.upper(), logging.INFO)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s [%(name)s] %(message)s")
    # Self-service links carry their secret in the path: no log line may hold one.
    logmask.install(logging.getLogger())
    app.logger.setLevel(level)
    for noisy in ("alembic", "rq.worker", "weasyprint", "fontTools"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


class _Globals(ChainMap[str, Any]):
    """A template's globals over the environment's, as Jinja makes them, but whose
    ``keys()`` is a plain set of names. Each time a page imports a macro (the GOV.UK
    components import theirs inside each call: about 24 imports on a question page),
    Jinja subtracts the imported template's global names from the page's
    (``Template._get_default_module``); against a ChainMap's keys view that is a Python
    call per name: 34 µs an import, against 5 µs with a set (docs/performance.md)."""

    def keys(self) -> KeysView[str]:
        return dict.fromkeys(self).keys()


class _TemplateEnvironment(FlaskEnvironment):
    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return _Globals({} if d is None else d, self.globals)


class _ProcessBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory for every app in this process.

    A worker builds one app, so this changes nothing there; the test suite builds an app
    per test, and without it would parse and compile the same templates each time (a
    quarter of an integration test's time). Entries are keyed by the template's name and
    the environment's syntax settings, and checked against the source's checksum, so an
    edited template, or one read with other settings, is compiled afresh."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def get_bucket(self, environment: Environment, name: str, filename: str | None, source: str) -> Bucket:
        settings = (
            environment.trim_blocks,
            environment.lstrip_blocks,
            environment.keep_trailing_newline,
            environment.newline_sequence,
            environment.block_start_string,
            environment.variable_start_string,
            environment.comment_start_string,
            environment.line_statement_prefix,
            environment.line_comment_prefix,
            environment.optimized,
            environment.is_async,
            tuple(sorted(environment.extensions)),
        )
        key = self.get_cache_key(f"{name}|{settings!r}", filename)
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


_BYTECODE = _ProcessBytecodeCache()


def _configure_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            app.jinja_loader,  # type: ignore[list-item]
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.bytecode_cache = _BYTECODE
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    settings: Settings = app.config["ENGAGE_SETTINGS"]
    app.jinja_env.globals.update(
        council_name=settings.council_name,
        service_name=settings.service_name,
        council_website=settings.council_website,
        contact_email=settings.contact_email,
        engage_version=__version__,
        roles=Role,
        question_choices=lambda q, d: list(question_types.choices(q, d).items()),
        question_types=question_types.TYPES,
        likert_scale=LIKERT_SCALE,
        # A day (a date, not a time) in the page's language: "3 March 2026".
        long_date=i18n.long_date,
    )

    @app.context_processor
    def _names_in_the_page_language() -> dict[str, str]:
        return settings.names(i18n.current())

    app.jinja_env.filters["london"] = london_time
    app.jinja_env.filters["london_date"] = london_date
    app.jinja_env.filters["london_short"] = london_short
    app.jinja_env.filters["local"] = local_format
    app.jinja_env.filters["staff_name"] = staff_name
    app.jinja_env.filters["written_in"] = i18n.written_in


def london_time(value: datetime | None) -> str:
    """A UTC time as people in the council's area read it, in the page's language:
    "Tuesday 3 March 2026, 6:30pm", "Dydd Mawrth 3 Mawrth 2026, 6:30yh"."""
    return "" if value is None else i18n.long_time(clock.local(value))


def london_date(value: datetime | None) -> str:
    """The day of a UTC time in the council's area, in the page's language: "3 March 2026"."""
    return "" if value is None else i18n.long_date(clock.local(value))


def london_short(value: datetime | None, seconds: bool = False, padded: bool = True) -> str:
    """A UTC time in the council's area, short, for tables, in the page's language:
    "03 Mar 2026 14:05" ("3 Mar 2026 14:05" when not ``padded``; ``seconds`` adds them)."""
    return "" if value is None else i18n.short_datetime(clock.local(value), seconds=seconds, padded=padded)


def local_format(value: datetime | None, fmt: str) -> str:
    """A UTC time in the council's area, formatted with ``fmt`` (strftime)."""
    return "" if value is None else clock.local(value).strftime(fmt)


def staff_name(user: StaffUser | None) -> str:
    """Who did something, as pages show it: the staff account's name (one "who" everywhere)."""
    return user.name if user is not None else str(_("Not recorded"))


def connect_redis(url: str) -> redis.Redis:
    """A Redis client that fails fast: one quick retry, then the caller degrades and logs."""
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=2,
        socket_timeout=2,
        retry=Retry(ExponentialBackoff(cap=0.2, base=0.05), retries=1),
    )


def _init_redis(app: Flask, settings: Settings) -> None:
    """Connect to Redis when configured; the connection itself is lazy."""
    if settings.redis_url:
        app.extensions["engage.redis"] = connect_redis(settings.redis_url)

"""Configuration read from ``ENGAGE_*`` environment variables.

Every setting has a documented default that makes ``make run`` work on a
laptop with nothing but SQLite. Production mode (``ENGAGE_ENV=production``)
refuses to start without a real secret key.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_INSTANCE_PATH = PROJECT_ROOT / "instance"


_HOST = re.compile(r"\.?[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]")


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message says which and how to fix it."""


def _bool(value: str, name: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"{name} must be true or false, not {value!r}.")


def _int(value: str, name: str, minimum: int = 0) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}.") from None
    if number < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {number}.")
    return number


DEFAULT_SERVICE_NAME = "Have your say on libraries and heritage"
WELSH_SERVICE_NAME = "Dweud eich dweud am lyfrgelloedd a threftadaeth"


@dataclass
class Settings:
    """The application's settings. Field names map to ``ENGAGE_<NAME>`` variables."""

    env: str = "development"
    secret_key: str = ""
    database_url: str = ""
    redis_url: str = ""
    redis_namespace: str = "engage"
    council_name: str = "Anyshire County Council"
    service_name: str = DEFAULT_SERVICE_NAME
    base_url: str = "http://127.0.0.1:5000"
    council_website: str = "https://www.anyshire.gov.uk"
    # The council's and the service's names, and the council's website, on Welsh pages
    # (blank: the English ones; the service name's default is its Welsh translation).
    council_name_cy: str = ""
    service_name_cy: str = ""
    council_website_cy: str = ""
    # The language a library kiosk starts in for each resident: en or cy.
    kiosk_language: str = "en"
    contact_email: str = "libraries.engagement@anyshire.gov.uk"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_use_tls: bool = True
    mail_from: str = "Anyshire Libraries <no-reply@anyshire.gov.uk>"
    staff_idle_minutes: int = 30
    staff_absolute_hours: int = 12
    login_attempts_per_account: int = 5
    login_attempts_per_client: int = 20
    login_window_minutes: int = 15
    max_content_length: int = 2 * 1024 * 1024
    proxy_count: int = 0
    proxy_forwarded_host: bool = False
    allowed_hosts: str = ""
    argon2_time_cost: int = 3
    argon2_memory_cost: int = 65536
    argon2_parallelism: int = 2
    log_level: str = "INFO"
    forum_unconfirmed_days: int = 7
    forum_membership_days: int = 730
    forum_reminder_days: int = 30
    forum_link_days: int = 30
    forum_signups_per_hour: int = 10
    outbox_retention_days: int = 30
    resume_emails_per_client_per_hour: int = 20
    resume_emails_per_address_per_hour: int = 3
    # Officers' theme edits to analyses of at least this many answers are applied by a
    # background job (with progress) instead of inside the request.
    theme_edits_in_background_from: int = 20_000

    def names(self, language: str) -> dict[str, str]:
        """The council's and the service's names and the council's website, for pages in
        ``language``."""
        if language == "cy":
            service = self.service_name_cy or (
                WELSH_SERVICE_NAME if self.service_name == DEFAULT_SERVICE_NAME else self.service_name
            )
            return {
                "council_name": self.council_name_cy or self.council_name,
                "service_name": service,
                "council_website": self.council_website_cy or self.council_website,
            }
        return {
            "council_name": self.council_name,
            "service_name": self.service_name,
            "council_website": self.council_website,
        }

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def base_host(self) -> str:
        """The host name of ``base_url``, without port."""
        return urlsplit(self.base_url).hostname or ""

    @property
    def trusted_hosts(self) -> list[str] | None:
        """Host names requests may be addressed to; ``None`` accepts any (development and tests).

        Production accepts only the public address's host and ``ENGAGE_ALLOWED_HOSTS``, so a
        request with a forged ``Host`` (or ``X-Forwarded-Host``) header gets a 400 page.
        """
        extra = [host.strip().lower() for host in self.allowed_hosts.split(",") if host.strip()]
        if not self.is_production and not extra:
            return None
        return [self.base_host, *extra]

    @property
    def base_url_is_https(self) -> bool:
        return urlsplit(self.base_url).scheme == "https"

    @classmethod
    def from_environ(cls, environ: dict[str, str] | None = None) -> Settings:
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, Any] = {}
        for item in fields(cls):
            name = f"ENGAGE_{item.name.upper()}"
            if name not in environ:
                continue
            raw = environ[name]
            if item.type == "int":
                values[item.name] = _int(raw, name)
            elif item.type == "bool":
                values[item.name] = _bool(raw, name)
            else:
                values[item.name] = raw.strip()
        settings = cls(**values)
        settings.validate()
        if settings.is_production and not environ.get("ENGAGE_BASE_URL", "").strip():
            raise ConfigError(
                "ENGAGE_BASE_URL is not set. Emails to residents, forum members and staff "
                "(confirmations, resume links, 'You said, we did' updates, unsubscribe links) "
                "are sent by background jobs that build their links from it, so production "
                "needs the public address, for example https://haveyoursay.anyshire.gov.uk."
            )
        return settings

    def validate(self) -> None:
        if self.env not in {"development", "production", "testing"}:
            raise ConfigError(f"ENGAGE_ENV must be development, production or testing, not {self.env!r}.")
        if self.is_production and len(self.secret_key) < 32:
            raise ConfigError(
                "ENGAGE_SECRET_KEY is missing or shorter than 32 characters. In production the "
                "secret key signs every session and form, so it must be set explicitly: generate "
                "one with `python -c 'import secrets; print(secrets.token_hex(32))'` and keep it "
                "the same on every worker."
            )
        if self.is_production and not self.database_url:
            raise ConfigError(
                "ENGAGE_DATABASE_URL is not set. Production needs an explicit database URL, "
                "for example postgresql+psycopg://engage@db.internal/engage."
            )
        if self.staff_idle_minutes < 1 or self.staff_absolute_hours < 1:
            raise ConfigError("Staff session timeouts must be at least one minute and one hour.")
        if min(self.forum_unconfirmed_days, self.forum_membership_days, self.forum_link_days) < 1:
            raise ConfigError(
                "ENGAGE_FORUM_UNCONFIRMED_DAYS, _MEMBERSHIP_DAYS and _LINK_DAYS must be at least 1."
            )
        if self.outbox_retention_days < 1:
            raise ConfigError(
                "ENGAGE_OUTBOX_RETENTION_DAYS must be at least 1: emails hold personal data and are "
                "deleted this many days after they are made."
            )
        if self.forum_reminder_days >= self.forum_membership_days:
            raise ConfigError(
                "ENGAGE_FORUM_REMINDER_DAYS must be shorter than ENGAGE_FORUM_MEMBERSHIP_DAYS, so "
                "members are reminded before their membership lapses."
            )
        if min(self.resume_emails_per_client_per_hour, self.resume_emails_per_address_per_hour) < 1:
            raise ConfigError(
                "ENGAGE_RESUME_EMAILS_PER_CLIENT_PER_HOUR and _PER_ADDRESS_PER_HOUR must be at least 1."
            )
        parts = urlsplit(self.base_url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ConfigError(
                "ENGAGE_BASE_URL must be an address starting with http:// or https://, "
                f"not {self.base_url!r}."
            )
        if parts.query or parts.fragment or parts.username or parts.password:
            raise ConfigError(
                "ENGAGE_BASE_URL must be the public address only (scheme, host, optional port and path), "
                f"not {self.base_url!r}."
            )
        if self.kiosk_language not in {"en", "cy"}:
            raise ConfigError(f"ENGAGE_KIOSK_LANGUAGE must be en or cy, not {self.kiosk_language!r}.")
        for host in self.allowed_hosts.split(","):
            if host.strip() and not _HOST.fullmatch(host.strip()):
                raise ConfigError(
                    "ENGAGE_ALLOWED_HOSTS must be host names separated by commas, like "
                    f"haveyoursay.anyshire.gov.uk,engage.internal, not {self.allowed_hosts!r}."
                )


def development_secret_key(instance_path: Path) -> str:
    """A generated secret key kept in the instance folder so every worker shares it."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Write atomically so two workers starting together agree on one key.
    tmp = key_file.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(key, encoding="utf-8")
    try:
        os.link(tmp, key_file)
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return key_file.read_text(encoding="utf-8").strip()


def default_database_url(instance_path: Path) -> str:
    return f"sqlite:///{instance_path / 'engage.sqlite3'}"


def flask_config(settings: Settings, instance_path: Path) -> dict[str, Any]:
    """Translate settings into the Flask config keys the extensions read."""
    secret = settings.secret_key or development_secret_key(instance_path)
    return {
        "SECRET_KEY": secret,
        "ENGAGE_SETTINGS": settings,
        "KIOSK_LANGUAGE": settings.kiosk_language,
        "DATABASE_URL": settings.database_url or default_database_url(instance_path),
        "MAX_CONTENT_LENGTH": settings.max_content_length,
        "SEND_FILE_MAX_AGE_DEFAULT": 3600,
        "MAX_FORM_MEMORY_SIZE": settings.max_content_length,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": settings.base_url_is_https,
        "SESSION_COOKIE_NAME": "engage_session",
        "REMEMBER_COOKIE_DURATION": 0,
        "WTF_CSRF_TIME_LIMIT": 60 * 60 * 4,
        "WTF_CSRF_SSL_STRICT": True,
        "TESTING": settings.env == "testing",
        "PREFERRED_URL_SCHEME": urlsplit(settings.base_url).scheme,
        "TRUSTED_HOSTS": settings.trusted_hosts,
    }

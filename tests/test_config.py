"""Configuration comes from ENGAGE_* variables, with clear messages when it is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from engage import create_app
from engage.platform.config import ConfigError, Settings, development_secret_key


def test_defaults_work_for_development() -> None:
    settings = Settings.from_environ({})
    assert settings.env == "development"
    assert settings.council_name == "Anyshire County Council"
    assert settings.staff_idle_minutes == 30 and settings.staff_absolute_hours == 12
    assert settings.outbox_retention_days == 30


def test_values_are_read_and_typed() -> None:
    settings = Settings.from_environ(
        {
            "ENGAGE_COUNCIL_NAME": "Borsetshire Council",
            "ENGAGE_STAFF_IDLE_MINUTES": "10",
            "ENGAGE_SMTP_USE_TLS": "no",
            "ENGAGE_OUTBOX_RETENTION_DAYS": "7",
        }
    )
    assert settings.outbox_retention_days == 7
    assert settings.council_name == "Borsetshire Council"
    assert settings.staff_idle_minutes == 10
    assert settings.smtp_use_tls is False


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (
            {"ENGAGE_ENV": "production", "ENGAGE_DATABASE_URL": "postgresql://x/y"},
            "ENGAGE_SECRET_KEY is missing",
        ),
        ({"ENGAGE_ENV": "production", "ENGAGE_SECRET_KEY": "k" * 40}, "ENGAGE_DATABASE_URL is not set"),
        (
            {
                "ENGAGE_ENV": "production",
                "ENGAGE_SECRET_KEY": "k" * 40,
                "ENGAGE_DATABASE_URL": "postgresql://x/y",
            },
            "ENGAGE_BASE_URL is not set. Emails",
        ),
        ({"ENGAGE_ENV": "staging"}, "ENGAGE_ENV must be development, production or testing"),
        ({"ENGAGE_STAFF_IDLE_MINUTES": "half an hour"}, "ENGAGE_STAFF_IDLE_MINUTES must be a whole number"),
        ({"ENGAGE_SMTP_USE_TLS": "maybe"}, "ENGAGE_SMTP_USE_TLS must be true or false"),
        ({"ENGAGE_BASE_URL": "ftp://x"}, "ENGAGE_BASE_URL must be an address starting with http://"),
        ({"ENGAGE_BASE_URL": "https://"}, "ENGAGE_BASE_URL must be an address starting with http://"),
        ({"ENGAGE_BASE_URL": "https://x.example/?a=b"}, "ENGAGE_BASE_URL must be the public address only"),
        ({"ENGAGE_BASE_URL": "https://u:p@x.example"}, "ENGAGE_BASE_URL must be the public address only"),
        ({"ENGAGE_ALLOWED_HOSTS": "a.example, b/c"}, "ENGAGE_ALLOWED_HOSTS must be host names"),
        ({"ENGAGE_PROXY_FORWARDED_HOST": "sometimes"}, "ENGAGE_PROXY_FORWARDED_HOST must be true or false"),
        ({"ENGAGE_OUTBOX_RETENTION_DAYS": "0"}, "ENGAGE_OUTBOX_RETENTION_DAYS must be at least 1"),
        ({"ENGAGE_RESUME_EMAILS_PER_ADDRESS_PER_HOUR": "0"}, "ENGAGE_RESUME_EMAILS_PER_CLIENT_PER_HOUR and"),
    ],
)
def test_bad_configuration_is_a_clear_start_up_error(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_environ(environ)


def test_production_needs_a_secret_key_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENGAGE_ENV", "production")
    monkeypatch.setenv("ENGAGE_DATABASE_URL", "sqlite://")
    monkeypatch.delenv("ENGAGE_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="secret key signs every session"):
        create_app()


def test_development_key_is_generated_once_and_shared(tmp_path: Path) -> None:
    first = development_secret_key(tmp_path)
    assert len(first) == 64
    assert development_secret_key(tmp_path) == first, "every worker reads the same key"


def test_https_base_url_makes_cookies_secure(tmp_path: Path) -> None:
    app = create_app(
        {"INSTANCE_PATH": tmp_path},
        settings=Settings(
            env="testing",
            secret_key="s" * 40,
            database_url="sqlite://",
            base_url="https://engage.anyshire.gov.uk",
        ),
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"

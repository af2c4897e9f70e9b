"""``flask --app wsgi alerts send``: queue officers' email alerts (for cron, e.g. hourly)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from engage.alerts.services import send_alerts
from engage.platform import clock
from engage.platform.database import db

alerts_cli = AppGroup("alerts", help="Officers' email alerts.")


@alerts_cli.command("send")
def alerts_send() -> None:
    """Queue the alerts due now in the outbox, each once (safe to run as often as you like)."""

    queued = send_alerts(db(), clock.now())
    click.echo(f"Queued {len(queued)} alert email{'' if len(queued) == 1 else 's'}.")

"""``flask --app wsgi forums ...``: the forums' scheduled housekeeping."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from engage.forums.retention import run_purge

forums_cli = AppGroup("forums", help="Stakeholder forums: retention housekeeping.")


@forums_cli.command("purge")
def forums_purge() -> None:
    """Delete unconfirmed sign-ups, remind members before their membership ends, erase lapsed ones."""

    for what, count in run_purge().summary().items():
        click.echo(f"{count} {what}")

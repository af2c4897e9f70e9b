"""Command-line tasks: ``flask --app wsgi <group> <command>``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from alembic.util.exc import CommandError
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from engage.accounts import services as accounts
from engage.accounts.models import Role, StaffUser
from engage.alerts.cli import alerts_cli
from engage.cli.surveys import surveys_cli
from engage.demo import load_demo
from engage.forums.cli import forums_cli
from engage.platform import audit, backup, clock, database
from engage.platform.jobs import queue_name
from engage.platform.maintenance import report, run_maintenance

staff_cli = AppGroup("staff", help="Manage staff accounts.")
db_cli = AppGroup("db", help="Apply or inspect database migrations.")
jobs_cli = AppGroup("jobs", help="Run background jobs.")
demo_cli = AppGroup("demo", help="Demonstration data for trying the service.")
maintenance_cli = AppGroup("maintenance", help="Housekeeping: purge data whose time is up.")
backup_cli = AppGroup("backup", help="Back up the database, or restore it from a backup.")


@backup_cli.command("create")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The backup file to write (default: instance/backups/engage-<date>-<time>.sqlite3 or .dump).",
)
def backup_create(output: Path | None) -> None:
    """Back up the whole database (SQLite online backup, or pg_dump) while the service runs."""

    target = backup.Target.of(_url())
    destination = output or Path(current_app.instance_path) / "backups" / backup.default_name(
        target, clock.now()
    )
    try:
        written = backup.create(_url(), destination)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    except OSError as error:  # a name too long, a folder that cannot be made
        raise click.ClickException(
            f"Cannot write the backup to {destination}: {error.strerror or error}."
        ) from None
    click.echo(f"Backed up the {target.backend} database to {written} ({written.stat().st_size:,} bytes).")


@backup_cli.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask: replace the database without a question.")
def backup_restore(source: Path, yes: bool) -> None:
    """Replace the whole database with the backup in SOURCE. Stop the service first."""

    try:
        target = backup.check(_url(), source)
        if not yes:
            click.confirm(
                f"This replaces everything in the {target.backend} database with {source}. Continue?",
                abort=True,
            )
        backup.restore(_url(), source)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    except OSError as error:
        raise click.ClickException(f"Cannot read the backup {source}: {error.strerror or error}.") from None
    click.echo(f"Restored {source}. The database is at revision {database.current_revision(_url())}.")
    if database.current_revision(_url()) != database.head_revision():
        click.echo("Run `flask --app wsgi db upgrade` to bring it up to this version.")


@maintenance_cli.command("run")
def maintenance_run() -> None:
    """Run every housekeeping step now (for cron, or when no job worker runs)."""

    for name, removed in run_maintenance().items():
        click.echo(report(name, removed))


def _url() -> str:
    return str(current_app.config["DATABASE_URL"])


@contextmanager
def _alembic_errors() -> Iterator[None]:
    """Alembic's own refusals (an unknown revision) as one line, not a traceback."""
    try:
        yield
    except CommandError as error:
        raise click.ClickException(f"{error}.") from None


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    if not revision.strip():
        raise click.ClickException("Name the revision to upgrade to, or leave it out for the newest.")
    with _alembic_errors():
        database.upgrade(_url(), revision)
    click.echo(f"Database is at revision {database.current_revision(_url())}.")


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Undo migrations down to REVISION ("base" removes every table)."""
    if not revision.strip():
        raise click.ClickException('Name the revision to go back to, or "base".')
    with _alembic_errors():
        database.downgrade(_url(), revision)
    click.echo(f"Database is at revision {database.current_revision(_url()) or 'base'}.")


@db_cli.command("current")
def db_current() -> None:
    """Show the database's revision and whether it is up to date."""
    current = database.current_revision(_url())
    head = database.head_revision()
    click.echo(f"current: {current or 'base'}\nnewest:  {head}")
    if current != head:
        click.echo("The database needs `flask --app wsgi db upgrade`.")
        sys.exit(1)


ROLE_NAMES = [role.value for role in Role]


@staff_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLE_NAMES), default=Role.OFFICER.value, show_default=True)
@click.option("--name", default=None, help="Full name (defaults to the part of the email before @).")
@click.option(
    "--generate-password",
    is_flag=True,
    help="Generate a one-time password and print it, instead of prompting for one.",
)
def staff_create(email: str, role: str, name: str | None, generate_password: bool) -> None:
    """Create a staff account for EMAIL."""
    session = database.db()
    if generate_password:
        password = accounts.generate_password()
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    display_name = name or email.split("@")[0].replace(".", " ").title()
    try:
        user = accounts.create_staff(
            session,
            email=email,
            name=display_name,
            role=Role(role),
            password=password,
            must_change=generate_password,
        )
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    audit.record(
        session,
        "staff.created",
        object_type="staff_user",
        object_id=user.id,
        summary=f"Created {user.email} as {user.role_enum.label} from the command line",
        actor_label="command line",
        actor=None,
    )
    session.commit()
    click.echo(f"Created {user.email} ({user.role_enum.label}).")
    if generate_password:
        click.echo(f"One-time password: {password}")
        click.echo("They must choose a new password when they first sign in.")


@staff_cli.command("list")
def staff_list() -> None:
    """List staff accounts."""
    for user in database.db().scalars(select(StaffUser).order_by(StaffUser.email)):
        state = "active" if user.is_active_account else "deactivated"
        click.echo(f"{user.email}\t{user.role}\t{state}")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Run the queued jobs, then stop.")
def jobs_worker(burst: bool) -> None:
    """Run background jobs from Redis (needs ENGAGE_REDIS_URL)."""
    from rq import Queue, SimpleWorker

    client = current_app.extensions.get("engage.redis")
    if client is None:
        raise click.ClickException(
            "ENGAGE_REDIS_URL is not set, so there is no queue: without Redis, jobs run "
            "inside the web process and no worker is needed."
        )
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    queue = Queue(queue_name(app), connection=client)
    if not burst:
        # Start the hourly housekeeping chain (it re-queues itself; a Redis key stops duplicates).
        queue.enqueue(
            "engage.platform.jobs.run_in_app_context",
            "engage.platform.maintenance:scheduled_maintenance",
            (),
            {},
        )
    worker = SimpleWorker([queue], connection=client)
    worker.work(burst=burst, with_scheduler=True)


@demo_cli.command("load")
def demo_load() -> None:
    """Load demonstration data (safe to run again: nothing is duplicated)."""

    base_url = current_app.config["ENGAGE_SETTINGS"].base_url
    for line in load_demo(database.db(), current_app.instance_path, base_url):
        click.echo(line)


def register_commands(app: Flask) -> None:

    for group in (
        staff_cli,
        db_cli,
        jobs_cli,
        demo_cli,
        maintenance_cli,
        backup_cli,
        surveys_cli,
        forums_cli,
        alerts_cli,
    ):
        app.cli.add_command(group)

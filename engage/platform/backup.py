"""Back up and restore the whole database with each engine's own tools.

- SQLite: the online backup API (``sqlite3.Connection.backup``) copies a consistent
  snapshot while the service keeps running; restore copies a backup back the same way.
- PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists
  --no-owner --single-transaction``, so a failed restore changes nothing.

A backup holds personal data (forum members, "tell me what happened" addresses): keep
it as carefully as the database. Restoring checks the file is a backup of this service
for the same engine and not from a newer version of it, and replaces everything.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from engage.platform import database

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(RuntimeError):
    """Something a person can act on; the message says what."""


@dataclass(frozen=True)
class Target:
    backend: str  # "sqlite" or "postgresql"
    url: str

    @classmethod
    def of(cls, url: str) -> Target:
        parsed = make_url(database.normalise_url(url))
        if parsed.get_backend_name() == "sqlite":
            if not parsed.database or parsed.database == ":memory:":
                raise BackupError("An in-memory SQLite database cannot be backed up.")
            return cls("sqlite", url)
        if parsed.get_backend_name() == "postgresql":
            return cls("postgresql", url)
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {parsed.get_backend_name()}.")

    @property
    def sqlite_path(self) -> Path:
        return Path(str(make_url(self.url).database))

    @property
    def suffix(self) -> str:
        return ".sqlite3" if self.backend == "sqlite" else ".dump"

    def libpq(self) -> tuple[list[str], dict[str, str]]:
        """Connection arguments for pg_dump/pg_restore; the password goes in the environment."""
        parsed = make_url(database.normalise_url(self.url))
        args = ["--dbname", str(parsed.database or "")]
        if parsed.host:
            args += ["--host", parsed.host]
        if parsed.port:
            args += ["--port", str(parsed.port)]
        if parsed.username:
            args += ["--username", parsed.username]
        env = dict(os.environ)
        if parsed.password:
            env["PGPASSWORD"] = str(parsed.password)
        return args, env


def default_name(target: Target, now: datetime) -> str:
    return f"engage-{now:%Y%m%d-%H%M%S}{target.suffix}"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed: install PostgreSQL's client tools (Debian: postgresql-client)."
        )
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(f"{Path(command[0]).name} failed: {detail[-1] if detail else result.returncode}")


def create(url: str, destination: Path) -> Path:
    """Write a backup of the database at ``url`` to ``destination`` (never overwritten)."""
    target = Target.of(url)
    if destination.exists():
        raise BackupError(f"{destination} already exists: choose another name.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    try:
        if target.backend == "sqlite":
            if not target.sqlite_path.exists():
                raise BackupError(f"There is no database at {target.sqlite_path}.")
            with sqlite3.connect(target.sqlite_path) as source, sqlite3.connect(partial) as copy:
                source.backup(copy)
            sqlite3.connect(partial).close()
        else:
            args, env = target.libpq()
            _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(partial), *args], env)
        partial.rename(destination)
    finally:
        partial.unlink(missing_ok=True)
    return destination


def _revision_in_sqlite(path: Path) -> str | None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a backup of this service ({error}).") from error
    return str(row[0]) if row else None


def check(url: str, source: Path) -> Target:
    """Refuse anything that is not a backup this service can restore into ``url``."""
    target = Target.of(url)
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    with source.open("rb") as handle:
        head = handle.read(16)
    kind = "sqlite" if head.startswith(SQLITE_MAGIC) else "postgresql" if head.startswith(PG_MAGIC) else None
    if kind is None:
        raise BackupError(f"{source} is not a backup made by `backup create` (unknown file type).")
    if kind != target.backend:
        raise BackupError(f"{source} is a {kind} backup; this service's database is {target.backend}.")
    if kind == "sqlite":
        revision = _revision_in_sqlite(source)
        known = database.known_revisions()
        if revision is None or revision not in known:
            raise BackupError(
                f"{source} is at database revision {revision or 'none'}, which this version of the service "
                "does not know: restore it with the version that made it."
            )
    return target


def restore(url: str, source: Path) -> None:
    """Replace the database at ``url`` with the backup in ``source``."""
    target = check(url, source)
    if target.backend == "sqlite":
        target.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(source) as backup, sqlite3.connect(target.sqlite_path) as live:
            backup.backup(live)
        return
    args, env = target.libpq()
    _run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(source),
        ],
        env,
    )

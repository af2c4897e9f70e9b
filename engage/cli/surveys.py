"""``flask --app wsgi surveys ...``: import, publish, close, export and purge surveys."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup

from engage.platform import audit, clock, inputs
from engage.platform.database import db
from surveys import export, services
from surveys.definition import validate
from surveys.models import Survey

surveys_cli = AppGroup("surveys", help="Import, publish, close and export surveys and their responses.")


def _survey(slug: str) -> Survey:
    survey = services.get_survey(db(), slug)
    if survey is None:
        raise click.ClickException(f"There is no survey with the web address {slug!r}.")
    return survey


# A definition is tens of kilobytes; this leaves room for a survey of hundreds of questions.
MAX_DEFINITION_BYTES = 5 * 1024 * 1024


def _read_json(path: str) -> Any:
    """The JSON object in ``path``; every way it can be wrong is one line and exit status 1."""
    try:
        with Path(path).open("rb") as file:
            raw = file.read(MAX_DEFINITION_BYTES + 1)  # never more, even from /dev/zero
    except (OSError, ValueError) as error:  # ValueError: a NUL byte in the name
        raise click.ClickException(
            f"Cannot read {path}: {getattr(error, 'strerror', None) or error}."
        ) from None
    if len(raw) > MAX_DEFINITION_BYTES:
        raise click.ClickException(
            f"{path} is bigger than {MAX_DEFINITION_BYTES // 1024 // 1024} MB: "
            f"a survey definition can be up to {MAX_DEFINITION_BYTES // 1024 // 1024} MB."
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise click.ClickException(f"{path} is not UTF-8 text. Save it as UTF-8 and try again.") from None
    try:
        data = inputs.load_json(text)
    except inputs.JSONTooDeepError as error:
        raise click.ClickException(f"{path} cannot be imported: the JSON is {error.problem}.") from None
    except inputs.JSONError as error:
        raise click.ClickException(
            f"{path} is not valid JSON: {error.problem.removeprefix('not valid: ')}."
        ) from None
    if not isinstance(data, dict):
        raise click.ClickException(f"{path} must hold one JSON object, the survey definition.")
    return data


@surveys_cli.command("import")
@click.argument("file")
def import_survey(file: str) -> None:
    """Check a definition FILE and save it as the survey's draft; prints the slug."""
    data = _read_json(file)
    problems = validate(data)
    if problems:
        click.echo(f"{file} has {len(problems)} problem{'s' if len(problems) != 1 else ''}:", err=True)
        for problem in problems:
            click.echo(f"  {problem.path}: {problem.message}", err=True)
        sys.exit(1)
    session = db()
    version = services.save_definition(session, data, clock.now())
    audit.record(
        session,
        "survey.imported",
        object_type="survey",
        object_id=version.survey_id,
        summary=f"Imported {version.survey.slug} as draft version {version.number}",
        actor_label="command line",
        actor=None,
    )
    session.commit()
    click.echo(version.survey.slug)
    click.echo(f"Saved as a draft (version {version.number}).")


@surveys_cli.command("publish")
@click.argument("slug")
def publish(slug: str) -> None:
    """Publish SLUG's draft: residents see it from now on, and it never changes again."""
    session = db()
    survey = _survey(slug)
    definition = services.definition_of(survey.latest)
    for code in definition.languages[1:]:
        missing = definition.missing_text(code)
        if missing:
            raise click.ClickException(
                f"{slug} is offered in {code} but {len(missing)} of its texts have no translation "
                f"(first: {missing[0]}). Translate them (the builder's translation page, or the "
                "definition's translations) or stop offering the language, then publish."
            )
    try:
        version = services.publish(session, survey, clock.now())
    except services.SurveyError as error:
        raise click.ClickException(f"{error}.") from None
    audit.record(
        session,
        "survey.published",
        object_type="survey",
        object_id=survey.id,
        summary=f"Published version {version.number} of {slug}",
        actor_label="command line",
        actor=None,
    )
    session.commit()
    click.echo(f"Published {slug} version {version.number}.")


@surveys_cli.command("close")
@click.argument("slug")
def close(slug: str) -> None:
    """Close SLUG now: it stops taking answers."""
    session = db()
    survey = _survey(slug)
    services.close(survey, clock.now())
    audit.record(
        session,
        "survey.closed",
        object_type="survey",
        object_id=survey.id,
        summary=f"Closed {slug}",
        actor_label="command line",
        actor=None,
    )
    session.commit()
    click.echo(f"Closed {slug}.")


@surveys_cli.command("list")
def list_surveys() -> None:
    """Every survey with its state, published version and submitted responses."""
    from sqlalchemy import select

    now = clock.now()
    for survey in db().scalars(select(Survey).order_by(Survey.slug)):
        state = services.availability(survey, now).reason.replace("_", " ")
        published = survey.published.number if survey.published else "-"
        submitted = services.count_submitted(db(), survey)
        click.echo(f"{survey.slug}\t{state}\tpublished version {published}\t{submitted} responses")


@surveys_cli.command("export")
@click.argument("slug")
@click.option(
    "--version", "number", type=int, default=None, help="A version number (default: the published one)."
)
def export_definition(slug: str, number: int | None) -> None:
    """Print SLUG's definition as JSON."""
    survey = _survey(slug)
    if number is None:
        version = survey.published or survey.latest
    else:
        version = next((v for v in survey.versions if v.number == number), None)  # type: ignore[assignment]
        if version is None:
            raise click.ClickException(f"{slug} has no version {number}.")
    click.echo(json.dumps(version.definition, ensure_ascii=False, indent=2))


@surveys_cli.command("responses")
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write here instead of printing.",
)
def responses(slug: str, fmt: str, out: str | None) -> None:
    """Submitted responses to SLUG: one row each, one column per answer."""
    columns, rows = export.response_rows(db(), _survey(slug))
    text = export.to_csv(columns, rows) if fmt == "csv" else export.to_json(rows)
    if out:
        try:
            Path(out).write_text(text, encoding="utf-8", newline="")
        except OSError as error:
            raise click.ClickException(f"Cannot write {out}: {error.strerror or error}.") from None
        click.echo(f"Wrote {len(rows)} responses to {out}.", err=True)
    else:
        click.echo(text, nl=False)


@surveys_cli.command("purge")
def purge() -> None:
    """Delete unfinished responses that have passed their survey's resume_days."""
    removed = services.purge_expired(db(), clock.now())
    db().commit()
    click.echo(f"Removed {removed} expired unfinished responses.")

"""The surveys command line, CSV/JSON exports and the demo loader."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from engage.demo.surveys import load_demo_surveys
from engage.platform import clock
from engage.platform.config import PROJECT_ROOT
from engage.platform.database import db
from surveys import export, services
from surveys.definition import QUESTION_TYPES, loads
from surveys.models import Response, Submission

EXAMPLE = PROJECT_ROOT / "examples" / "surveys" / "library-co-design.json"


def test_example_uses_every_question_type_and_routing() -> None:
    definition = loads(EXAMPLE.read_text())
    # Every type but email: the example asks who wants to hear back after it is sent, with
    # the address kept apart from the answers (engage.followups), not as an answer.
    assert {q.type for q in definition.questions()} == set(QUESTION_TYPES) - {"email"}
    assert len(definition.localities) == 2
    assert sum(q.type == "long_text" for q in definition.questions()) >= 3
    assert definition.equality_section
    text = EXAMPLE.read_text()
    for operator in ('"equals"', '"any_of"', '"not_answered"', '"all"', '"any"'):
        assert operator in text
    assert any(q.kiosk_skip for q in definition.questions())


def test_import_publish_export_round_trip(app: Flask) -> None:
    runner = app.test_cli_runner()
    imported = runner.invoke(args=["surveys", "import", str(EXAMPLE)])
    assert imported.exit_code == 0, imported.output
    assert imported.output.splitlines()[0] == "library-co-design"
    assert "Saved as a draft (version 1)." in imported.output
    assert runner.invoke(args=["surveys", "publish", "library-co-design"]).exit_code == 0
    exported = runner.invoke(args=["surveys", "export", "library-co-design"])
    assert json.loads(exported.output) == json.loads(EXAMPLE.read_text())
    listed = runner.invoke(args=["surveys", "list"])
    assert "library-co-design\topen\tpublished version 1\t0 responses" in listed.output
    assert runner.invoke(args=["surveys", "close", "library-co-design"]).exit_code == 0
    assert "closed" in runner.invoke(args=["surveys", "list"]).output


def test_import_lists_every_problem_with_its_path(app: Flask, tmp_path: Path) -> None:
    data = json.loads(EXAMPLE.read_text())
    data["pages"][0]["questions"][0]["options"] = data["pages"][0]["questions"][0]["options"][:1]
    data["pages"][1]["show_if"] = {"question": "visit_frequency", "equals": "daily"}
    data["closes_at"] = "2020-01-01T00:00:00Z"
    data["opens_at"] = "2021-01-01T00:00:00Z"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    result = app.test_cli_runner().invoke(args=["surveys", "import", str(bad)])
    assert result.exit_code == 1
    assert "$.closes_at: the survey must close after it opens" in result.output
    assert (
        "$.pages[0].questions[0].options: a single_choice question needs at least 2 options" in result.output
    )
    assert "$.pages[1].show_if: 'daily' is not one of the answers to 'visit_frequency'" in result.output
    assert "Traceback" not in result.output


def test_import_unreadable_files(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"title": "caf\xe9"}'.encode("latin-1"))
    broken = tmp_path / "broken.json"
    broken.write_text('{"slug": ')
    for path, message in (
        (tmp_path / "missing.json", "Cannot read"),
        (latin, "is not UTF-8 text"),
        (broken, "is not valid JSON"),
    ):
        result = runner.invoke(args=["surveys", "import", str(path)])
        assert result.exit_code == 1
        assert message in result.output
    assert runner.invoke(args=["surveys", "publish", "nope"]).exit_code == 1


def test_import_hostile_files_get_one_line_and_status_1(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 50_000 + "]" * 50_000)
    nested = tmp_path / "nested.json"
    nested.write_text('{"pages": ' * 100 + "[]" + "}" * 100)
    huge = tmp_path / "huge.json"
    with huge.open("w") as file:
        file.write('{"title": "')
        file.write("x" * 6_000_000)
        file.write('"}')
    not_an_object = tmp_path / "list.json"
    not_an_object.write_text("[1, 2, 3]")
    for path, message in (
        (deep, f"{deep} cannot be imported: the JSON is nested more than 64 levels deep."),
        (nested, f"{nested} cannot be imported: the JSON is nested more than 64 levels deep."),
        (huge, f"{huge} is bigger than 5 MB: a survey definition can be up to 5 MB."),
        (not_an_object, f"{not_an_object} must hold one JSON object, the survey definition."),
        (Path("/dev/zero"), "/dev/zero is bigger than 5 MB: a survey definition can be up to 5 MB."),
    ):
        result = runner.invoke(args=["surveys", "import", str(path)])
        assert result.exit_code == 1, (path, result.output)
        assert isinstance(result.exception, SystemExit), result.exception
        assert result.output.strip() == f"Error: {message}", result.output


def test_demo_responses_export_and_formula_safety(app: Flask) -> None:
    with app.app_context():
        lines = list(load_demo_surveys(db(), clock.now()))
        assert lines == [
            "Loaded the demo postcode table (3 districts).",
            "Loaded survey library-co-design with 360 responses.",
        ]
        assert next(iter(load_demo_surveys(db(), clock.now()))).startswith(
            "Survey library-co-design already loaded"
        )
        assert db().scalar(select(func.count()).select_from(Submission)) == 360
        channels = set(db().scalars(select(Response.channel).distinct()))
        assert channels == {"online", "kiosk", "paper", "event"}
        localities = set(db().scalars(select(Response.locality_code).distinct()))
        assert localities == {"northgate", "riverside-valley"}
        # A resident whose answer looks like a spreadsheet formula.
        response = db().scalars(select(Response)).first()
        assert response is not None
        response.answers = {**response.answers, "one_change": '=HYPERLINK("http://evil")'}
        db().commit()
        survey = services.get_survey(db(), "library-co-design")
        assert survey is not None
        columns, rows = export.response_rows(db(), survey)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["surveys", "responses", "library-co-design", "--format", "csv"])
    assert result.exit_code == 0
    table = list(csv.DictReader(io.StringIO(result.output)))
    assert len(table) == 360 == len(rows)
    assert len({row["response_id"] for row in table}) == 360
    assert any(row["one_change"].startswith("'=HYPERLINK") for row in table)
    assert not any(str(v).startswith("=") for row in table for v in row.values())
    data = json.loads(
        runner.invoke(args=["surveys", "responses", "library-co-design", "--format", "json"]).output
    )
    assert len(data) == 360 and set(data[0]) >= {"response_id", "reference", "channel", "answers"}
    assert "eq_age" not in columns


def test_purge_command(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["surveys", "purge"])
    assert result.exit_code == 0
    assert "Removed 0 expired unfinished responses." in result.output

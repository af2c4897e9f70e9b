"""The command line will not publish a survey whose languages are incomplete, as the builder."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask

from engage.platform.config import PROJECT_ROOT

EXAMPLE = PROJECT_ROOT / "examples" / "surveys" / "library-co-design.json"


def test_publish_refuses_a_language_with_missing_text(app: Flask, tmp_path: Path) -> None:
    data = json.loads(EXAMPLE.read_text())
    assert "cy" in data["translations"]
    del data["translations"]["cy"]["title"]
    partial = tmp_path / "partial.json"
    partial.write_text(json.dumps(data))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["surveys", "import", str(partial)]).exit_code == 0
    refused = runner.invoke(args=["surveys", "publish", "library-co-design"])
    assert refused.exit_code == 1
    assert "offered in cy but 1 of its texts have no translation (first: Title)" in refused.output
    assert "not published" in runner.invoke(args=["surveys", "list"]).output

    complete = tmp_path / "complete.json"
    complete.write_text(EXAMPLE.read_text())
    assert runner.invoke(args=["surveys", "import", str(complete)]).exit_code == 0
    assert runner.invoke(args=["surveys", "publish", "library-co-design"]).exit_code == 0

"""``python -m analysis.bench``: one size in its own worker, with or without the question."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from analysis import bench
from analysis.model import ThemeModel

TOPICS = ("parking near the library", "open on sundays", "more books in polish", "wifi keeps dropping")


def _data(folder: Path) -> Path:
    with (folder / "tweet.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "text", "label"])
        for i in range(40):
            writer.writerow([f"t{i}", f"{TOPICS[i % 4]} please {i}", str(i % 4)])
    return folder


def test_one_size_passes_the_question_to_the_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asked: list[str | None] = []

    class Recording(ThemeModel):
        def __init__(self, **kwargs: Any) -> None:
            asked.append(kwargs.get("question"))
            super().__init__(**kwargs)

    monkeypatch.setattr(bench, "ThemeModel", Recording)
    args = ["--one", "60", "--k", "4", "--representation", "tfidf", "--data-dir", str(_data(tmp_path))]
    assert bench.main([*args, "--question", "What one change would help?"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["n"] == 60 and result["themes"] == 4
    assert bench.main(args) == 0
    assert asked == ["What one change would help?", None]


def test_no_data_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="no development data"):
        bench.main(["--one", "10", "--representation", "tfidf", "--data-dir", str(tmp_path)])

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.codebook import Codebook
from analysis.io import load_model, save_model
from analysis.model import ThemeModel
from tests.analysis.conftest import IDS, TEXTS


def _csv(path: Path, rows: list[tuple[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["ref", "answer", "locality"])
        writer.writerows((i, t, "Witney") for i, t in rows)
    return path


def test_themes_then_assign(tmp_path: Path) -> None:
    src = _csv(tmp_path / "in.csv", list(zip(IDS, TEXTS, strict=True)))
    out, model = tmp_path / "out.json", tmp_path / "model.npz"
    args = ["themes", str(src), "--text-column", "answer", "--id-column", "ref", "--k", "4"]
    assert main([*args, "--out", str(out), "--save-model", str(model)]) == 0
    data = json.loads(out.read_text())
    assert len(data["themes"]) == 4
    assert {"id", "label", "keywords", "size", "quotes"} <= set(data["themes"][0])
    assert [a["id"] for a in data["assignments"]] == IDS
    old = {a["id"]: a["theme_id"] for a in data["assignments"]}

    new = _csv(tmp_path / "new.csv", [(IDS[0], TEXTS[0]), ("z1", "car park full"), ("z2", "n/a")])
    out2 = tmp_path / "out2.json"
    assert main(["assign", str(model), str(new), "--out", str(out2)]) == 0
    got = {a["id"]: a["theme_id"] for a in json.loads(out2.read_text())["assignments"]}
    assert got == {IDS[0]: old[IDS[0]], "z1": old[IDS[0]], "z2": "unassigned"}


def test_assign_with_codebook(tmp_path: Path) -> None:
    model = ThemeModel(k=4).fit(TEXTS, ids=IDS)
    save_model(model, tmp_path / "m.npz", text_column="answer", id_column="ref")
    parking = model.theme_ids_[model.labels_[0]]
    book = Codebook()
    book.rename(parking, "Car parking", author="a", at="2025-01-01")
    (tmp_path / "cb.json").write_text(book.to_json())
    src = _csv(tmp_path / "in.csv", [("z1", "more parking spaces")])
    out = tmp_path / "o.json"
    assert (
        main(
            [
                "assign",
                str(tmp_path / "m.npz"),
                str(src),
                "--codebook",
                str(tmp_path / "cb.json"),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    data = json.loads(out.read_text())
    assert data["version"] == 1
    assert data["assignments"][0]["theme_id"] == parking
    assert "Car parking" in {t["label"] for t in data["themes"]}


def test_saved_model_round_trip(tmp_path: Path, fitted: ThemeModel) -> None:
    save_model(fitted, tmp_path / "m.npz")
    loaded, book, _ = load_model(tmp_path / "m.npz")
    assert book.version == 0
    probe = ["not enough parking", "wifi is slow", "story time", "n/a"]
    assert loaded.predict(probe).tolist() == fitted.predict(probe).tolist()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"ref,answer\n", "no answers"),
        (b"ref,text\n1,hello\n", "no column 'answer'"),
        (b'ref,answer\n1,"unterminated\n', "malformed"),
        (b"ref,answer\n1,caf\xe9\n", "not UTF-8"),
        (b"ref,answer\n1,a,b\n", "row 2"),
        (b"ref,answer\n1,a\n1,b\n", "more than once"),
        (b"ref,answer\n1,a\n ,b\n", "row 3 has no 'ref'"),
        (b"ref;answer\n1;a\n", "separated by semicolons"),
        (b"ref\tanswer\n1\ta\n", "separated by tabs"),
    ],
)
def test_bad_input_gives_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(content)
    code = main(
        [
            "themes",
            str(src),
            "--text-column",
            "answer",
            "--id-column",
            "ref",
            "--out",
            str(tmp_path / "o.json"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err


def test_missing_files_and_bad_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["themes", str(tmp_path / "nope.csv"), "--text-column", "a", "--out", "o.json"]) == 2
    bogus = tmp_path / "model.npz"
    bogus.write_bytes(b"not a model")
    src = _csv(tmp_path / "in.csv", [("1", "x")])
    assert (
        main(["assign", str(bogus), str(src), "--text-column", "answer", "--out", str(tmp_path / "o.json")])
        == 2
    )
    assert "not a saved theme model" in capsys.readouterr().err


def test_bad_k(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["themes", "x.csv", "--text-column", "a", "--k", "lots", "--out", "o.json"])
    assert exc.value.code == 2


@pytest.mark.parametrize("seed", ["-1", "99999999999999999999", "one"])
def test_bad_random_state(capsys: pytest.CaptureFixture[str], seed: str) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["themes", "x.csv", "--text-column", "a", "--random-state", seed, "--out", "o.json"])
    assert exc.value.code == 2
    assert "--random-state must be a whole number from 0 to 2147483647" in capsys.readouterr().err


def test_more_themes_than_answers_gives_what_there_is_quietly(tmp_path: Path) -> None:
    # Asked for more themes than the answers hold, the CLI gives as many as there are,
    # with no warning from the clustering library on stderr (run as a user runs it).
    texts = ["Parking", "parking!", "Open later", "open later please"] * 5
    src = _csv(tmp_path / "in.csv", [(f"r{i}", text) for i, text in enumerate(texts)])
    out = tmp_path / "out.json"
    args = [
        "themes",
        str(src),
        "--text-column",
        "answer",
        "--id-column",
        "ref",
        "--k",
        "50",
        "--out",
        str(out),
    ]
    done = subprocess.run(
        [sys.executable, "-m", "analysis", *args], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", done.stderr
    themes = json.loads(out.read_text())["themes"]
    assert 1 <= len(themes) <= 4
    assert f"{len(themes)} themes" in done.stdout

"""One table of routing cases, run against both survey runners.

The journey's Python runner (``surveys.runner``) and the kiosk's JavaScript runner
(``engage/static/kiosk-routing.js``, run here in Node) must show the same pages for the
same answers: the server replays what a kiosk sends with the Python rules, so any
difference loses or refuses a resident's answers. The cases and the survey they use are
in ``tests/fixtures/routing_cases.json``; each case states the pages expected online and
on a kiosk (where questions marked ``"kiosk": "skip"`` are not asked).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from engage.kiosk.offline import bundle_pages
from engage.platform.config import PROJECT_ROOT
from surveys import runner
from surveys.definition import parse

CASES: dict[str, Any] = json.loads(
    (Path(__file__).parent / "fixtures" / "routing_cases.json").read_text(encoding="utf-8")
)
DEFINITION = parse(CASES["survey"])
NAMES = [case["name"] for case in CASES["cases"]]

NODE_SCRIPT = """
import { readFileSync } from "node:fs";
import { route } from "./kiosk-routing.mjs";
const { pages, cases } = JSON.parse(readFileSync(0, "utf-8"));
const kept = (answers) => (page) => (page.questions.some((q) => q.id in answers) ? answers : null);
const results = cases.map((answers) => route(pages, kept(answers)).map(({ page }) => page.id));
process.stdout.write(JSON.stringify(results));
"""


@pytest.mark.parametrize("case", CASES["cases"], ids=NAMES)
@pytest.mark.parametrize("channel", ["online", "kiosk"])
def test_python_runner(case: dict[str, Any], channel: str) -> None:
    assert [page.id for page in runner.visible_pages(DEFINITION, case["answers"], channel)] == case[channel]


def _node() -> str:
    node = shutil.which("node")
    if node is None:  # make install puts Node on the machine (npm installs the front-end assets)
        pytest.fail("Node is needed to run the kiosk's routing rules; run make install")
    return node


@pytest.fixture(scope="module")
def kiosk_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Every case's visible pages from the kiosk runner, given the bundle the server sends."""
    work = tmp_path_factory.mktemp("kiosk-routing")
    shutil.copy(PROJECT_ROOT / "engage" / "static" / "kiosk-routing.js", work / "kiosk-routing.mjs")
    (work / "run.mjs").write_text(NODE_SCRIPT, encoding="utf-8")
    payload = {"pages": bundle_pages(DEFINITION), "cases": [case["answers"] for case in CASES["cases"]]}
    done = subprocess.run(
        [_node(), "run.mjs"], cwd=work, input=json.dumps(payload), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return dict(zip(NAMES, json.loads(done.stdout), strict=True))


@pytest.mark.parametrize("case", CASES["cases"], ids=NAMES)
def test_kiosk_runner(case: dict[str, Any], kiosk_results: dict[str, list[str]]) -> None:
    assert kiosk_results[case["name"]] == case["kiosk"]


def test_the_cases_cover_every_kind_of_rule() -> None:
    """So that a rule added to one runner only cannot pass unnoticed."""
    text = json.dumps(CASES["survey"])
    for rule in ('"equals"', '"any_of"', '"all"', '"any"', '"not_answered"', '"kiosk": "skip"'):
        assert rule in text
    # A page with no condition of its own whose only question is conditional, and a number
    # compared with a condition's values.
    assert any(not page.show_if and all(q.show_if for q in page.questions) for page in DEFINITION.pages)
    assert any(case["online"] != case["kiosk"] for case in CASES["cases"])

"""A typed definition writes itself back to the schema's JSON shape without losing anything.

The builder edits the typed :class:`surveys.definition.SurveyDefinition` and stores
``to_data()``, so every field must come back from ``parse`` unchanged.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from surveys.definition import (
    Branch,
    Locality,
    Option,
    Page,
    Question,
    SurveyDefinition,
    parse,
    validate,
)
from tests.residents.conftest import SURVEY

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "surveys" / "library-co-design.json"


def _everything() -> dict[str, Any]:
    """A definition that sets every optional field away from its default."""
    data = copy.deepcopy(SURVEY)
    data.update(
        what_happens="We publish what we did.",
        privacy="We keep your answers for two years.\n\nWe never ask your name.",
        duration_minutes=7,
        audience="Anyone who uses a library in Anyshire",
        topics=["Opening hours", "Children and families"],
        area_question="area",
        opens_at="2027-03-01T09:00:00+00:00",
        closes_at="2027-06-30T23:59:59+01:00",
        resume_days=12,
        equality_section=True,
        kiosk_unfinished="keep",
        follow_up=False,
    )
    data["pages"].append(
        {
            "id": "more",
            "title": "More",
            "intro": "Two paragraphs.\n\nHere.",
            "questions": [
                {
                    "id": "pick",
                    "type": "multiple_choice",
                    "text": "Pick",
                    "hint": "Any",
                    "required": False,
                    "options": [
                        {"value": "a", "label": "A", "hint": "The first"},
                        {"value": "b", "label": "B"},
                        {"value": "none", "label": "None", "exclusive": True},
                    ],
                    "other": {"label": "Else", "max_length": 80},
                    "kiosk": "skip",
                },
                {
                    "id": "rank",
                    "type": "ranking",
                    "text": "Rank",
                    "options": data["pages"][0]["questions"][0]["options"][:3],
                    "top_n": 2,
                },
                {"id": "words", "type": "long_text", "text": "Words", "max_length": 500},
                {
                    "id": "count",
                    "type": "number",
                    "text": "Count",
                    "min": 0,
                    "max": 2.5,
                    "integer": False,
                    "suffix": "km",
                },
                {
                    "id": "when",
                    "type": "date",
                    "text": "When",
                    "earliest": "2020-01-01",
                    "latest": "2030-12-31",
                },
            ],
        }
    )
    return data


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(copy.deepcopy(SURVEY), id="residents-fixture"),
        pytest.param(json.loads(EXAMPLE.read_text(encoding="utf-8")), id="demo-example"),
        pytest.param(_everything(), id="every-field"),
    ],
)
def test_parse_then_to_data_keeps_everything(data: dict[str, Any]) -> None:
    assert validate(data) == []
    definition = parse(data)
    written = definition.to_data()
    assert validate(written) == []
    assert parse(written) == definition
    assert written == parse(written).to_data(), "writing is stable"


def test_a_hand_written_definition_keeps_its_shape() -> None:
    """Only values written at their defaults (like a long text's 2000 limit) are dropped."""
    data = _everything()
    assert parse(data).to_data() == data
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    first = example["pages"][0]["questions"][0]
    assert first["other"] == {"label": "Something else", "max_length": 200}
    assert parse(example).to_data()["pages"][0]["questions"][0]["other"] == {"label": "Something else"}


def test_defaults_are_left_out() -> None:
    question = Question(id="q", type="long_text", text="Q", max_length=2000)
    definition = SurveyDefinition(
        slug="s",
        title="T",
        purpose="P",
        pages=(Page(id="p", title="P", questions=(question,)),),
        localities=(Locality("north", "North", (Branch("central", "Central", "north"),)),),
        opens_at=datetime(2027, 3, 1, 9, tzinfo=UTC),
    )
    assert definition.to_data() == {
        "schema_version": 1,
        "slug": "s",
        "title": "T",
        "purpose": "P",
        "opens_at": "2027-03-01T09:00:00+00:00",
        "localities": [
            {"code": "north", "name": "North", "branches": [{"code": "central", "name": "Central"}]}
        ],
        "pages": [{"id": "p", "title": "P", "questions": [{"id": "q", "type": "long_text", "text": "Q"}]}],
    }


def test_a_choice_question_always_lists_its_options_so_validation_can_name_the_gap() -> None:
    empty = Question(id="q", type="single_choice", text="Q")
    assert empty.to_data()["options"] == []
    dated = Question(id="d", type="date", text="D", earliest=date(2020, 1, 1))
    assert dated.to_data()["earliest"] == "2020-01-01"
    assert Option("v", "V").to_data() == {"value": "v", "label": "V"}

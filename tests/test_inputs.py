"""engage.platform.inputs: reading ids, whole numbers and JSON from outside without an exception."""

from __future__ import annotations

import json

import pytest

from engage.platform import inputs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        ("2147483647", 2_147_483_647),
        ("2147483648", None),  # past a 32-bit id: no row has it, and SQLite and PostgreSQL both refuse it
        ("99999999999999999999", None),
        ("0", None),
        ("-1", None),
        ("+1", None),
        ("1_0", None),
        (" 1", None),
        ("²", None),  # isdigit() says yes, int() says no
        ("٣", None),
        ("9" * 5000, None),  # int() raises past 4,300 digits
        ("", None),
        (None, None),
        (["1"], None),
    ],
)
def test_record_id(text: object, expected: int | None) -> None:
    assert inputs.record_id(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5", 5),
        (" 5 ", 5),
        ("٥", 5),
        ("0", None),
        ("11", None),
        ("-5", None),
        ("+5", None),
        ("5.0", None),
        ("1_0", None),
        ("²", None),
        ("99999999999999999999", None),
        ("9" * 5000, None),
        ("", None),
        (None, None),
    ],
)
def test_whole_number(text: object, expected: int | None) -> None:
    assert inputs.whole_number(text, 1, 10) == expected


def test_load_json_refuses_deep_nesting_quickly() -> None:
    for body in ("[" * 50_000, "[" * 50_000 + "]" * 50_000, '{"a": ' * 65 + "1" + "}" * 65):
        with pytest.raises(inputs.JSONError, match="nested more than 64 levels deep"):
            inputs.load_json(body)
    assert inputs.load_json("[" * 64 + "]" * 64) is not None
    assert inputs.depth(json.loads('{"a": [1, {"b": []}], "c": 2}')) == 4
    assert inputs.depth(7) == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "The JSON is not valid: Expecting property name enclosed in double quotes"),
        (b"\xff\xfe", "The JSON is not UTF-8 text"),
        ("1" * 5000, "The JSON is not valid"),
        ("", "The JSON is not valid: Expecting value"),
    ],
)
def test_load_json_messages(body: bytes | str, message: str) -> None:
    with pytest.raises(inputs.JSONError) as caught:
        inputs.load_json(body)
    assert str(caught.value).startswith(message)

"""The typed snapshot: one reading of ``ThemeAnalysis.result`` for every page and export."""

from __future__ import annotations

from typing import Any

from engage.themes.snapshot import EqualityTable, Snapshot, SnapshotTheme

SAVED: dict[str, Any] = {
    "themes": [
        {
            "id": "t1",
            "label": "Parking near the library",
            "size": 3,
            "keywords": ["parking", "car park"],
            "primary": 2,
            "key_phrase": "parking",
            "mentions": 3,
            "quotes": ["The car park is always full"],
            "quote_counts": [2],
            "by_locality": {"north": 2, "unknown": 1},
            "by_equality": [
                {"question": "Age", "answered": 12, "suppressed": True, "rows": [["18-24", None]]}
            ],
        },
        {"id": "t2", "label": "Sunday opening", "size": 2},
    ],
    "assignments": {"a1": "t1", "a2": "t1", "a3": "t2", "a4": "unassigned"},
    "further": {"a3": ["t1"]},
    "representation": "embeddings",
    "answers": 4,
    "unassigned": 1,
    "version": 7,
}


def test_an_answer_counts_under_every_theme_it_raises() -> None:
    saved = Snapshot.from_result(SAVED)
    assert saved.themes_of("a3") == ["t2", "t1"] and saved.themes_of("missing") == []
    assert saved.answers_in("t1") == {"a1", "a2", "a3"}
    assert saved.counts() == {"t1": 3, "t2": 1, "unassigned": 1}
    assert saved.counts(allowed={"a3"}) == {"t2": 1, "t1": 1}
    assert saved.labels() == {"t1": "Parking near the library", "t2": "Sunday opening"}


def test_fields_are_typed_and_old_snapshots_get_defaults() -> None:
    saved = Snapshot.from_result(SAVED)
    first, old = saved.themes
    assert first.by_equality == [EqualityTable("Age", 12, True, [("18-24", None)])]
    assert first.quote_counts == [2] and first.by_locality["north"] == 2
    # A theme saved before equality splits, key phrases and quote counts were kept.
    assert old == SnapshotTheme(id="t2", label="Sunday opening", size=2)
    assert old.by_equality is None and old.key_phrase == "" and old.quotes == []
    assert saved.theme("t2") is old and saved.theme("nope") is None
    assert Snapshot.from_result({}) == Snapshot() and Snapshot.from_result(None).themes == []


def test_a_snapshot_is_saved_as_the_json_it_was_read_from() -> None:
    saved = Snapshot.from_result(SAVED)
    again = Snapshot.from_result(saved.to_result())
    assert again == saved
    assert "by_equality" not in saved.to_result()["themes"][1], "not recorded stays not recorded"


def test_an_officers_sentences_are_out_of_date_when_their_numbers_no_longer_add_up() -> None:
    said = ["Most who raised this (8 of 9) are against it.", "A minority (1 of 9) see both sides."]
    split = {"support": 0, "oppose": 12, "mixed": 1, "neither": 0}
    theme = SnapshotTheme(
        id="t1", label="Wifi", size=13, stance=split, statements=said, statements_by_officer=True
    )
    assert theme.statements_out_of_date
    # Numbers that match, an officer's own words with no numbers, and machine drafts are not.
    matching = ["Most who raised this (12 of 13) are against it.", "A minority (1 of 13) see both sides."]
    assert not SnapshotTheme(
        id="t1", label="Wifi", size=13, stance=split, statements=matching, statements_by_officer=True
    ).statements_out_of_date
    own_words = ["Most people want the wifi fixed.", "A few also praise the staff."]
    assert not SnapshotTheme(
        id="t1", label="Wifi", size=13, stance=split, statements=own_words, statements_by_officer=True
    ).statements_out_of_date
    assert not SnapshotTheme(
        id="t1", label="Wifi", size=13, stance=split, statements=said
    ).statements_out_of_date

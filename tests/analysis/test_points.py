from __future__ import annotations

import time

import pytest

from analysis.points import split_points, without_opener


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The car park is always full. Also, please open on Sundays.",
            ["The car park is always full.", "please open on Sundays."],
        ),
        (
            "Wonderful staff and lovely building! Could you open later on Thursdays? Please keep it open.",
            [
                "Wonderful staff and lovely building!",
                "Could you open later on Thursdays?",
                "Please keep it open.",
            ],
        ),
        (
            "The toilets are dirty\nThe lift has been broken for months",
            ["The toilets are dirty", "The lift has been broken for months"],
        ),
        (
            "The café is lovely and also the staff are so helpful",
            ["The café is lovely", "the staff are so helpful"],
        ),
        (
            "The library is great, also the staff are friendly",
            ["The library is great", "the staff are friendly"],
        ),
        (
            "Another thing is the toilets are always dirty. As well as that, the lift is broken",
            ["the toilets are always dirty.", "the lift is broken"],
        ),
        (
            "The building is cold in winter, plus, the roof leaks when it rains",
            ["The building is cold in winter", "the roof leaks when it rains"],
        ),
        (
            "Opening hours are too short for me. Another thing I'd like is more events.",
            ["Opening hours are too short for me.", "Another thing I'd like is more events."],
        ),
    ],
)
def test_splits_sentences_lines_and_connectors(text: str, expected: list[str]) -> None:
    assert split_points(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("More computers; better wifi", ["More computers", "better wifi"]),
        ("- parking\n- opening hours", ["parking", "opening hours"]),
        ("* parking\n* opening hours\n* a café", ["parking", "opening hours", "a café"]),
        ("• Longer hours • More books for teenagers", ["Longer hours", "More books for teenagers"]),
        ("1) more parking 2) open on Sundays 3) a café", ["more parking", "open on Sundays", "a café"]),
        ("1. More parking\n2. Open on Sundays", ["More parking", "Open on Sundays"]),
        ("(a) parking\n(b) toilets", ["parking", "toilets"]),
        ("1. parking is bad. 2. hours are short.", ["parking is bad.", "hours are short."]),
        ("-parking\n-toilets", ["parking", "toilets"]),
    ],
)
def test_lists_and_semicolons_give_one_point_per_item(text: str, expected: list[str]) -> None:
    assert split_points(text) == expected


def test_lead_in_is_joined_onto_the_first_item() -> None:
    assert split_points("Two things I would like:\n- parking\n- opening hours") == [
        "Two things I would like: parking",
        "opening hours",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Please stock more books, e.g. the new crime novels everyone is reading.",
        "Dr. Smith runs a wonderful reading group at St. Mary's school.",
        "I live 3.5 miles away and the bus costs £4.50 each way.",
        "The No. 5 bus stops right outside the library.",
        "Mr. and Mrs. Jones from the village, i.e. my parents, love it.",
        "I think... maybe more books would help",
        "Mr. J. Smith said the branch would close",
        "The library opens at 9 a.m. on weekdays",
    ],
)
def test_abbreviations_decimals_and_initials_do_not_split(text: str) -> None:
    # min_words=1 so that a wrong split is not hidden by joining short parts back.
    assert split_points(text, min_words=1) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "I love the library and the staff",
        "More books and more computers and longer hours",
        "I also think the café is great",
        "We need more books as well as that new shelf in the corner",
        "Longer hours (until 8) would help working parents",
    ],
)
def test_plain_and_and_mid_clause_also_do_not_split(text: str) -> None:
    assert split_points(text) == [text]


def test_ambiguous_abbreviations_split_before_a_capital() -> None:
    assert split_points("Need books, DVDs etc. The café needs work too.") == [
        "Need books, DVDs etc.",
        "The café needs work too.",
    ]
    assert split_points("No. The library is fine as it is.") == ["No. The library is fine as it is."]
    assert split_points("No, it is fine as it is. Get the No. 5 bus there.") == [
        "No, it is fine as it is.",
        "Get the No. 5 bus there.",
    ]


def test_short_parts_are_joined_to_a_neighbour() -> None:
    # Joined onto the next part when first, onto the previous part otherwise.
    assert split_points("Thanks. Parking is terrible near the library") == [
        "Thanks. Parking is terrible near the library"
    ]
    assert split_points("Parking is terrible near the library. Thanks!") == [
        "Parking is terrible near the library. Thanks!"
    ]
    assert split_points("Great! Parking is terrible. Also, open on Sundays please.") == [
        "Great! Parking is terrible.",
        "open on Sundays please.",
    ]
    assert split_points("Yes. Good. Fine.") == ["Yes. Good. Fine."]


def test_min_words_can_be_changed() -> None:
    assert split_points("Thanks. Parking is terrible", min_words=1) == ["Thanks.", "Parking is terrible"]
    assert split_points("Parking is bad. Hours are short.", min_words=4) == [
        "Parking is bad. Hours are short."
    ]


def test_a_bullet_item_of_several_sentences_is_not_kept_whole_when_a_part_is_short() -> None:
    assert split_points("- Thanks. Parking is terrible\n- hours") == ["Thanks. Parking is terrible", "hours"]


def test_single_point_and_blank_answers() -> None:
    assert split_points("  The library is great  ") == ["The library is great"]
    assert split_points("Great") == ["Great"]
    assert split_points("") == []
    assert split_points("  \n\t ") == []
    assert split_points("...; - •") == ["...; - •"]


def test_whitespace_is_tidied_in_split_points() -> None:
    assert split_points("The car park   is full.\r\n\r\n  Also   the toilets are dirty ") == [
        "The car park is full.",
        "the toilets are dirty",
    ]


@pytest.mark.parametrize(
    "text",
    [
        ("The car park is full. Also, please open on Sundays; more wifi and also books. " * 700)[:50_000],
        "." * 50_000,
        " " * 49_999 + "x",
        "; " * 25_000,
        " ".join(f"{i % 99 + 1}) word" for i in range(7_000))[:50_000],
        "and also " * 5_500,
        "e.g. " * 10_000,
        "a" * 50_000,
        "\n- " * 16_000,
    ],
)
def test_long_answers_take_linear_time(text: str) -> None:
    start = time.perf_counter()
    points = split_points(text)
    # About 0.03 s here; quadratic work on 50,000 characters would take minutes. The
    # bound allows for a busy shared machine.
    assert time.perf_counter() - start < 2.0
    assert all(isinstance(p, str) for p in points)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("As a mum of two, more large print and audiobooks.", "more large print and audiobooks."),
        ("Speaking as a volunteer, free printing for job seekers", "free printing for job seekers"),
        ("as someone who uses it weekly, open on Sundays", "open on Sundays"),
        ("Honestly, the wifi keeps dropping", "the wifi keeps dropping"),
        ("To be honest , more staff", "more staff"),
        # What the answer says stays, even when it starts with "as".
        ("As well as books, more DVDs", "As well as books, more DVDs"),
        ("Ask a member of staff, they know", "Ask a member of staff, they know"),
        ("Parking, as a rule, is hopeless", "Parking, as a rule, is hopeless"),
        # Nothing but the opener: kept as written.
        ("As a student,", "As a student,"),
    ],
)
def test_an_opener_saying_who_is_speaking_is_left_out(text: str, expected: str) -> None:
    assert without_opener(text) == expected


def test_leaving_out_openers_takes_linear_time() -> None:
    text = "As a " + "very " * 20_000 + "long opener without a comma"
    start = time.perf_counter()
    assert without_opener(text) == text
    assert time.perf_counter() - start < 0.5

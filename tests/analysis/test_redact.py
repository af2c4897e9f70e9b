"""Redaction: fixed examples, the labelled catalogue's thresholds, properties of general
shapes (not just the catalogue's sentences) and hostile input that must stay fast."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from analysis import redact as redact_module
from analysis import redact_eval
from analysis.redact import KINDS, PLACEHOLDERS, find, redact

CASES = [
    ("Email me at jo.bloggs+lib@example.co.uk please", "Email me at [email] please"),
    ("contact JOHN.SMITH@COUNCIL.GOV.UK", "contact [email]"),
    ("write to sam (at) example (dot) com", "write to [email]"),
    ("call 07700 900123 after six", "call [phone] after six"),
    ("call 07700900123", "call [phone]"),
    ("ring +44 7700 900123", "ring [phone]"),
    ("ring +44 (0)1865 123456", "ring [phone]"),
    ("landline 01865 123456", "landline [phone]"),
    ("London 020 7946 0000", "London [phone]"),
    ("Tel: (01234) 567 890", "Tel: [phone]"),
    ("freephone 0800 123 4567", "freephone [phone]"),
    ("I live at OX1 2JD", "I live at [postcode]"),
    ("postcode ox41aa", "postcode [postcode]"),
    ("SW1A 1AA is far", "[postcode] is far"),
    ("near M1 1AE and B33 8TH", "near [postcode] and [postcode]"),
    ("NI QQ 12 34 56 C", "NI [NI number]"),
    ("ni no: AB123456C", "ni no: [NI number]"),
    ("NHS number 943 476 5919", "NHS number [NHS number]"),
    ("nhs 943-476-5919", "nhs [NHS number]"),
    ("nhs 9434765919", "nhs [NHS number]"),
    ("My name is John Smith and I love it", "My name is [name] and I love it"),
    ("my name is jo and i use it weekly", "my name is [name] and i use it weekly"),
    ("Hello, my name's Priya Patel.", "Hello, my name's [name]."),
    ("Hi this is Sarah Jones from Witney", "Hi this is [name] from Witney"),
    ("Regards, Mary", "Regards, [name]"),
]

UNCHANGED = [
    "This is the best library in Oxfordshire",
    "Open 9 to 5, 24/7 returns would help",
    "In 2024 the hours were cut by 10%",
    "My name is not important",
    "Room 101 is cold",
    "Bus 35 stops nearby",
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_redacts(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize("text", UNCHANGED)
def test_leaves_ordinary_text(text: str) -> None:
    assert redact(text) == text


def test_several_kinds_in_one_answer() -> None:
    out = redact("My name is Ann Lee, email ann@x.org, phone 07700 900123, OX4 1AA, NHS 943 476 5919")
    for secret in ("Ann", "Lee", "ann@x.org", "07700", "OX4", "943"):
        assert secret not in out
    for tag in ("[name]", "[email]", "[phone]", "[postcode]", "[NHS number]"):
        assert tag in out


# The five examples from the security issue: each reached the public page unredacted.
ISSUE_EXAMPLES = [
    (
        "Hi, I am Sarah Jones and I use the library every week",
        "Hi, I am [name] and I use the library every week",
    ),
    (
        "Please deliver to 14 Mill Lane as I cannot get there",
        "Please deliver to [address] as I cannot get there",
    ),
    ("I live at Flat 3, 12 High Street, above the chemist", "I live at [address], above the chemist"),
    ("Mr Patel at the desk was so helpful", "[name] at the desk was so helpful"),
    ("text me on 0 7 7 0 0 9 0 0 1 2 3 about the book group", "text me on [phone] about the book group"),
    ("write to jane dot doe at gmail dot com", "write to [email]"),
]


@pytest.mark.parametrize(("text", "expected"), ISSUE_EXAMPLES)
def test_the_issue_examples_are_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


MORE_CASES = [
    ("I'm Tom Baker, a retired teacher", "I'm [name], a retired teacher"),
    ("i am sarah jones and i use the computers", "i am [name] and i use the computers"),
    ("I AM JOHN SMITH AND I WANT IT OPEN", "I AM [name] AND I WANT IT OPEN"),
    ("Mrs O'Neill runs story time", "[name] runs story time"),
    ("I saw Dr. Okafor at the talk", "I saw [name] at the talk"),
    ("Thanks to Raj and Helen for code club", "Thanks to [name] and [name] for code club"),
    ("My son Jack loves Lego club", "My son [name] loves Lego club"),
    ("Great service - Anita", "Great service - [name]"),
    ("Keep it open!\nSandra", "Keep it open!\n[name]"),
    ("We moved to 22b Station Road last year", "We moved to [address] last year"),
    ("i live at 14 mill lane", "i live at [address]"),
    ("i live at 1 day street", "i live at [address]"),
    ("my address is 7 week lane", "my address is [address]"),
    ("Parcel for Unit 4, 16 Market Square", "Parcel for [address]"),
    ("Rose Cottage, Mill Lane is ours", "[address] is ours"),
    ("ring 0-7-7-0-0-9-0-0-6-5-4 please", "ring [phone] please"),
    ("my number is 07700.900.456", "my number is [phone]"),
    ("ring me on oh seven seven double oh nine hundred one two three", "ring me on [phone]"),
    ("email jane(at)gmail(dot)com", "email [email]"),
    ("contact sam_k [at] outlook [dot] com", "contact [email]"),
    ("mail tom.baker at hotmail.co.uk", "mail [email]"),
    ("reply to grandma_b at hotmail please", "reply to [email] please"),
]

MORE_UNCHANGED = [
    "I am happy with the staff",
    "I'm British Sign Language user",
    "Mill Lane branch is great",
    "The High Street library is much better",
    "Please open 9 to 5 on Saturdays",
    "The number 42 bus stops outside",
    "I am aged 65",
    "It has been my second home since 2019",
    "Story time at 10 am is too early",
    "I bring my 3 children",
    "Chapter 11 is missing",
    "More Mr Men and Little Miss books please",
    "The kids love Dr Who DVDs",
    "In 2019 the main road was closed",
    "We need 20 new street lights",
    "My dr appointment clashes with late opening",
    "I love Oxford",
    "More info at www.oxfordshire.gov.uk/libraries",
    "Look at bbc.co.uk for ideas",
    "Thank you for listening",
    "The ms word course was useful",
    "The dr. However said it was fine",
    "from A - B",
    "the branch was shut on 3 days road works made it worse",
    "i live 2 minutes from the high street",
    "we live 10 miles down the road",
]


@pytest.mark.parametrize(("text", "expected"), MORE_CASES)
def test_redacts_the_wider_shapes(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize("text", MORE_UNCHANGED)
def test_leaves_more_ordinary_text(text: str) -> None:
    assert redact(text) == text


def test_find_gives_spans_of_the_original_text() -> None:
    text = "I'm Ann Lee at 8 Park Road, call 07700 900123"
    spans = find(text)
    assert [(text[s.start : s.end], s.kind) for s in spans] == [
        ("Ann Lee", "name"),
        ("8 Park Road", "address"),
        ("07700 900123", "phone"),
    ]
    assert "[address]" in PLACEHOLDERS and set(PLACEHOLDERS) == set(KINDS.values())


# --- the labelled catalogue ------------------------------------------------------------
# Thresholds (docs/analysis.md): any change that leaks more or removes more than this fails.
RECALL_AT_LEAST = 0.95  # share of marked items removed completely, over the whole catalogue
PRECISION_AT_LEAST = 0.95  # share of removed characters that were personal data
UNCHANGED_AT_LEAST = 0.95  # share of answers with nothing personal that come through untouched
KIND_RECALL_AT_LEAST = 0.9  # for each kind with at least 5 items


def test_the_catalogue_is_big_enough_and_well_formed() -> None:
    cases = redact_eval.load_cases()
    assert len(cases) >= 100
    marked = [case for case in cases if case.spans]
    assert len(marked) >= 50 and len(cases) - len(marked) >= 50
    for kind in ("name", "address", "phone", "email"):
        assert sum(span.kind == kind for case in cases for span in case.spans) >= 10, kind


def test_the_catalogue_meets_the_thresholds() -> None:
    report = redact_eval.evaluate(redact_eval.load_cases())
    leaks = [output for _, output in report.leaks]
    assert report.overall.recall >= RECALL_AT_LEAST, leaks
    assert report.overall.precision >= PRECISION_AT_LEAST, [output for _, output in report.over]
    assert report.clean_rate >= UNCHANGED_AT_LEAST, [output for _, output in report.over]
    for kind, tally in report.by_kind.items():
        if tally.items >= 5:
            assert tally.recall >= KIND_RECALL_AT_LEAST, (kind, leaks)


def test_the_scorer_reads_marks_and_counts_partial_leaks() -> None:
    case = redact_eval.parse_case("Hi, I am [[name:Sarah Jones]] at [[address:14 Mill Lane]]\\nThanks")
    assert case.text == "Hi, I am Sarah Jones at 14 Mill Lane\nThanks"
    assert [case.text[s.start : s.end] for s in case.spans] == ["Sarah Jones", "14 Mill Lane"]
    report = redact_eval.evaluate([case, redact_eval.parse_case("I am happy")])
    assert report.overall.recall == 1.0 and report.clean_rate == 1.0
    # Only the first name is marked: the surname is removed too, which costs precision.
    partial = redact_eval.evaluate([redact_eval.parse_case("I am [[name:Sarah]] Jones")])
    assert partial.overall.recall == 1.0 and partial.overall.precision < 1.0
    with pytest.raises(ValueError, match="unknown kind"):
        redact_eval.parse_case("[[colour:red]]")


def test_the_scorer_command(capsys: pytest.CaptureFixture[str], tmp_path: object) -> None:
    assert redact_eval.main(["--misses"]) == 0
    out = capsys.readouterr().out
    assert "| **all** |" in out and "held out" in out
    assert redact_eval.main(["--cases", "/nonexistent/cases.txt"]) == 2


# --- properties: general shapes, not just the catalogue's sentences --------------------

FIRST = st.sampled_from(["Sarah", "Tom", "Priya", "Mohammed", "Agnieszka", "Kofi", "Siobhan", "Wei", "Jo"])
# Surnames of letters only, capitalised, none of them an everyday word: "I am Sarah All" is
# rightly read as a name and the word "All" (the redactor never takes its own list of
# everyday words, _NOT_NAMES and _CALENDAR, as part of a name). Found by CI's fixed seed.
EVERYDAY = redact_module._NOT_NAMES | redact_module._CALENDAR | {"street", "road", "lane"}
SURNAME = st.from_regex(r"[A-Z][a-z]{2,9}(?:-[A-Z][a-z]{2,8})?", fullmatch=True).filter(
    lambda word: word.lower() not in EVERYDAY and word.split("-")[0].lower() not in EVERYDAY
)
INTRO = st.sampled_from(["I am", "I'm", "My name is", "This is", "Hi, I am", "Regards,", "Thank you"])
TITLE = st.sampled_from(["Mr", "Mrs", "Ms", "Miss", "Dr", "Dr.", "Mrs.", "Cllr", "Prof"])
REST = st.sampled_from(["", " and I love the library.", ", I use it every week.", " from the book group"])


@settings(max_examples=150)
@given(INTRO, FIRST, SURNAME, REST)
def test_an_introduced_name_is_removed(intro: str, first: str, surname: str, rest: str) -> None:
    out = redact(f"{intro} {first} {surname}{rest}")
    assert first not in out and surname not in out and "[name]" in out


@settings(max_examples=150)
@given(TITLE, SURNAME, REST)
def test_a_title_and_surname_are_removed(title: str, surname: str, rest: str) -> None:
    out = redact(f"Please thank {title} {surname}{rest}")
    assert surname not in out and "[name]" in out


STREET_TYPE = st.sampled_from(
    ["Street", "Road", "Lane", "Avenue", "Close", "Drive", "Way", "Crescent", "Gardens"]
)


@settings(max_examples=150)
@given(
    st.integers(1, 999),
    st.sampled_from(["", "a", "b"]),
    st.lists(SURNAME, min_size=1, max_size=2),
    STREET_TYPE,
    st.sampled_from(["", "Flat 3, ", "flat 12 "]),
)
def test_a_house_number_and_street_are_removed(
    number: int, letter: str, words: list[str], kind: str, flat: str
) -> None:
    street = " ".join(words)
    address = f"{flat}{number}{letter} {street} {kind}"
    out = redact(f"Please send it to {address}, thank you")
    assert street not in out and "[address]" in out
    # Typed in lower case, after "live at", it still counts (street types that are not everyday words).
    if kind in ("Street", "Road", "Lane", "Avenue", "Crescent", "Gardens"):
        assert "[address]" in redact(f"i live at {address.lower()} near the shops")


@settings(max_examples=200)
@given(
    st.from_regex(r"07[0-9]{9}", fullmatch=True),
    st.lists(st.sampled_from(["", " ", ".", "-", " - "]), min_size=10, max_size=10),
)
def test_a_mobile_number_however_spaced_is_removed(digits: str, gaps: list[str]) -> None:
    written = digits[0] + "".join(gap + digit for gap, digit in zip(gaps, digits[1:], strict=True))
    out = redact(f"text me on {written} after six")
    assert not re.search(r"\d", out), out


@settings(max_examples=200)
@given(
    st.from_regex(r"[a-z]{2,10}", fullmatch=True),
    st.from_regex(r"[a-z]{2,10}", fullmatch=True),
    st.sampled_from([" dot ", ".", "(dot)", " [dot] ", "_"]),
    st.sampled_from([" at ", "@", "(at)", " [at] ", " AT "]),
    st.sampled_from(["gmail", "hotmail", "yahoo", "example", "btinternet"]),
    st.sampled_from([" dot com", ".co.uk", " dot org", "(dot)net", " dot co dot uk"]),
)
@example("jane", "doe", " dot ", " at ", "gmail", " dot com")
def test_an_email_written_out_is_removed(
    local: str, more: str, dot: str, at: str, domain: str, ending: str
) -> None:
    address = f"{local}{dot}{more}{at}{domain}{ending}"
    out = redact(f"write to {address} please")
    assert out == "write to [email] please", address


@settings(max_examples=200)
@given(
    st.sampled_from(
        [
            "Please open {a} to {b} on Saturdays",
            "The number {a} bus stops outside",
            "I am aged {a} and need large print",
            "We have used it since {year}",
            "I bring my {a} children",
            "Chapter {a} is missing",
            "Story time at {a} am is too early",
            "Room {a} is cold",
            "We waited {a} minutes for a computer",
            "There are only {a} parking spaces",
            "I read {a} books a month",
            "In {year} the main road was closed",
            "The library is {a} miles from the High Street",
        ]
    ),
    st.integers(1, 99),
    st.integers(1, 99),
    st.integers(1990, 2030),
)
def test_everyday_numbers_are_left_alone(template: str, a: int, b: int, year: int) -> None:
    text = template.format(a=a, b=b, year=year)
    assert redact(text) == text


@settings(max_examples=300)
@given(st.text(max_size=200))
@example("my name is [name]")
@example("Thanks [name] and [name]\n[name]")
def test_redacting_twice_changes_nothing_more(text: str) -> None:
    """Quotes stored redacted are redacted again when shown: that must be harmless."""
    once = redact(text)
    assert redact(once) == once


# --- hostile input stays fast ---------------------------------------------------------

HOSTILE = {  # 50,000 to 75,000 characters each
    "run of letters then @": "a" * 50_000 + "@" + " dot a" * 4_000,
    "many at": "x dot y at b dot " * 3_000,
    "spaced digits": "0 " * 25_000,
    "titles": "Mr " * 16_000,
    "introductions": "I am Aa " * 6_000,
    "family lists": "my son Tom and " * 3_500,
    "house numbers": "at 12 mill " * 4_500,
    "initials": "Mr J. " * 8_000,
    "dashes": " - Sarah" * 6_000,
    "lines": "\nSarah" * 8_000,
    "number words": "oh seven " * 5_500,
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_input_stays_fast(name: str) -> None:
    """Every pattern is linear: these take well under a second. A quadratic one takes
    seconds to minutes (the old e-mail pattern took 9 s on the first string, 78 s on twice
    its length). The bound is loose for a busy shared machine."""
    text = HOSTILE[name]
    started = time.perf_counter()
    redact(text)
    assert time.perf_counter() - started < 3.0

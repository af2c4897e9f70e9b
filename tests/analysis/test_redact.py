from __future__ import annotations

import pytest

from analysis.redact import redact

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

"""The optional equality monitoring questions, the same in every survey.

Answers are kept apart from the survey answers (see :mod:`surveys.models`) and are only
ever reported as totals (for the survey, or for one theme's answers), with groups of
fewer than :data:`SMALL_GROUP` people hidden.
Every question is optional and offers "Prefer not to say".
"""

from __future__ import annotations

from functools import cache

from surveys.definition import Option, Page, Question

SMALL_GROUP = 5
PREFER_NOT = ("prefer_not_to_say", "Prefer not to say")

_QUESTIONS: list[tuple[str, str, str, list[tuple[str, str]]]] = [
    (
        "eq_age",
        "What is your age?",
        "",
        [
            ("under_16", "Under 16"),
            ("16_24", "16 to 24"),
            ("25_34", "25 to 34"),
            ("35_44", "35 to 44"),
            ("45_54", "45 to 54"),
            ("55_64", "55 to 64"),
            ("65_74", "65 to 74"),
            ("75_plus", "75 or over"),
        ],
    ),
    (
        "eq_sex",
        "What is your sex?",
        "",
        [("female", "Female"), ("male", "Male")],
    ),
    (
        "eq_gender_same",
        "Is the gender you identify with the same as your sex registered at birth?",
        "",
        [("yes", "Yes"), ("no", "No")],
    ),
    (
        "eq_disability",
        "Do you have any physical or mental health conditions or illnesses lasting "
        "or expected to last 12 months or more?",
        "",
        [("yes", "Yes"), ("no", "No")],
    ),
    (
        "eq_ethnicity",
        "What is your ethnic group?",
        "",
        [
            ("asian", "Asian or Asian British"),
            ("black", "Black, Black British, Caribbean or African"),
            ("mixed", "Mixed or multiple ethnic groups"),
            ("white", "White"),
            ("other_ethnic_group", "Another ethnic group"),
        ],
    ),
    (
        "eq_religion",
        "What is your religion?",
        "",
        [
            ("no_religion", "No religion"),
            ("christian", "Christian"),
            ("buddhist", "Buddhist"),
            ("hindu", "Hindu"),
            ("jewish", "Jewish"),
            ("muslim", "Muslim"),
            ("sikh", "Sikh"),
            ("other_religion", "Any other religion"),
        ],
    ),
    (
        "eq_carer",
        "Do you look after, or give any help or support to, anyone because of a "
        "long-term condition or problems related to old age?",
        "",
        [("yes", "Yes"), ("no", "No")],
    ),
]


@cache
def equality_page() -> Page:
    """The equality page appended to surveys that switch the section on."""
    return Page(
        id="equality",
        title="About you (optional)",
        intro=(
            "These questions help us check that we hear from everyone in the community. "
            "They are optional. Your answers are kept separately from the rest of your "
            "answers, are never shown with them, and are only reported as totals of "
            f"{SMALL_GROUP} or more people."
        ),
        is_equality=True,
        questions=tuple(
            Question(
                id=qid,
                type="single_choice",
                text=text,
                hint=hint,
                required=False,
                options=tuple(Option(v, label) for v, label in [*options, PREFER_NOT]),
                kiosk_skip=False,
            )
            for qid, text, hint, options in _QUESTIONS
        ),
    )


EQUALITY_QUESTION_IDS = tuple(q[0] for q in _QUESTIONS)

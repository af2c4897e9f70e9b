"""The optional equality monitoring questions, the same in every survey.

Answers are kept apart from the survey answers (see :mod:`surveys.models`) and are only
ever reported as totals (for the survey, or for one theme's answers), with groups of
fewer than :data:`SMALL_GROUP` people hidden.
Every question is optional and offers "Prefer not to say".
"""

from __future__ import annotations

from functools import lru_cache

from surveys.definition import Option, Page, Question
from surveys.i18n import N_, NP_, _, messages_key, pgettext

SMALL_GROUP = 5
PREFER_NOT = ("prefer_not_to_say", N_("Prefer not to say"))

_QUESTIONS: list[tuple[str, str, str, list[tuple[str, str | tuple[str, str]]]]] = [
    (
        "eq_age",
        N_("What is your age?"),
        "",
        [
            ("under_16", N_("Under 16")),
            ("16_24", N_("16 to 24")),
            ("25_34", N_("25 to 34")),
            ("35_44", N_("35 to 44")),
            ("45_54", N_("45 to 54")),
            ("55_64", N_("55 to 64")),
            ("65_74", N_("65 to 74")),
            ("75_plus", N_("75 or over")),
        ],
    ),
    (
        "eq_sex",
        N_("What is your sex?"),
        "",
        [("female", N_("Female")), ("male", N_("Male"))],
    ),
    (
        "eq_gender_same",
        N_("Is the gender you identify with the same as your sex registered at birth?"),
        "",
        [("yes", NP_("is it the same", "Yes")), ("no", NP_("is it the same", "No"))],
    ),
    (
        "eq_disability",
        N_(
            "Do you have any physical or mental health conditions or illnesses lasting "
            "or expected to last 12 months or more?"
        ),
        "",
        [("yes", NP_("do you have", "Yes")), ("no", NP_("do you have", "No"))],
    ),
    (
        "eq_ethnicity",
        N_("What is your ethnic group?"),
        "",
        [
            ("asian", N_("Asian or Asian British")),
            ("black", N_("Black, Black British, Caribbean or African")),
            ("mixed", N_("Mixed or multiple ethnic groups")),
            ("white", N_("White")),
            ("other_ethnic_group", N_("Another ethnic group")),
        ],
    ),
    (
        "eq_religion",
        N_("What is your religion?"),
        "",
        [
            ("no_religion", N_("No religion")),
            ("christian", N_("Christian")),
            ("buddhist", N_("Buddhist")),
            ("hindu", N_("Hindu")),
            ("jewish", N_("Jewish")),
            ("muslim", N_("Muslim")),
            ("sikh", N_("Sikh")),
            ("other_religion", N_("Any other religion")),
        ],
    ),
    (
        "eq_carer",
        N_(
            "Do you look after, or give any help or support to, anyone because of a "
            "long-term condition or problems related to old age?"
        ),
        "",
        [("yes", NP_("do you look after", "Yes")), ("no", NP_("do you look after", "No"))],
    ),
]

TITLE = N_("About you (optional)")
INTRO = N_(
    "These questions help us check that we hear from everyone in the community. "
    "They are optional. Your answers are kept separately from the rest of your "
    "answers, are never shown with them, and are only reported as totals of "
    "%(number)s or more people."
)


def _label(label: str | tuple[str, str]) -> str:
    """An answer's label in the page's language (a "Yes" in its question's context)."""
    return pgettext(*label) if isinstance(label, tuple) else _(label)


def equality_page() -> Page:
    """The equality page appended to surveys that switch the section on, in the page's
    language (English outside a web request: the reports and exports).

    A survey asks for its pages many times while one page is made or one response is
    checked, so the page is built once per language: looking up its 43 messages took
    0.5 ms each time in a web request, and was most of the demo data's loading time."""
    return _equality_page(messages_key())


@lru_cache(maxsize=64)
def _equality_page(key: tuple[int, str]) -> Page:
    """The page in the language that ``key`` (:func:`surveys.i18n.messages_key`) names."""
    title, intro = _(TITLE), _(INTRO, number=SMALL_GROUP)
    questions = []
    for qid, text, hint, options in _QUESTIONS:
        questions.append(
            Question(
                id=qid,
                type="single_choice",
                text=_(text),
                hint=hint,
                required=False,
                options=tuple(Option(value, _label(label)) for value, label in [*options, PREFER_NOT]),
                kiosk_skip=False,
            )
        )
    return Page(id="equality", title=title, intro=intro, is_equality=True, questions=tuple(questions))


EQUALITY_QUESTION_IDS = tuple(q[0] for q in _QUESTIONS)

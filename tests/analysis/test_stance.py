"""Support and opposition (analysis.stance) and the theme sentences built from it."""

from __future__ import annotations

from collections import Counter

import pytest

from analysis.codebook import Codebook, apply
from analysis.evaluate import stance_report
from analysis.model import ThemeModel
from analysis.stance import STANCES, Statements, stance_of, statements
from tests.analysis.conftest import TEXTS


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        ("Great idea, I fully support this", "support"),
        ("The staff were rude and unhelpful", "oppose"),
        ("No objection from me", "support"),  # "no" and "objection" read as negative alone
        ("I don't think this is a bad idea", "support"),
        ("I'd rather you didn't, I come in every Monday", "oppose"),
        ("The wait was far too long", "oppose"),  # a complaint with no sentiment word
        ("More parking please", "neither"),  # "please" is politeness, not praise
        ("Good idea but it will be a disaster for people who work", "mixed"),
        ("Staff were lovely. Also, the waiting time was far too long.", "mixed"),
        ("Yes, absolutely", "support"),
        ("No, this would hurt older people", "oppose"),
        ("No comment", "neither"),
        ("n/a", "neither"),
        ("Open on Sunday afternoons", "neither"),
        # Answers to "what could be better?": "Nothing" does not negate the praise after it.
        ("Nothing. All very good.", "support"),
        ("Nothing service was excellent", "support"),
        ("Nothing", "neither"),
        ("No complaints at all.", "support"),
        ("No change. Excellent service.", "support"),
        # Praise that VADER reads as negative, or has no word for.
        ("I can't fault the service", "support"),
        ("They couldn't have done any better", "support"),
        ("First class treatment", "support"),
        ("Always very thorough.", "support"),
        ("Crew very helpful", "support"),
        ("Helpful staff all the way through", "support"),
        ("It would be very helpful to open later", "neither"),  # a suggestion
        ("Talks by local historians would be brilliant", "neither"),  # praise of a wish
        ("That would be great", "support"),  # of a proposal
        ("To be honest the wait was awful", "oppose"),  # "honest" is not praise
        ("As a carer the wait was too long", "oppose"),
        # A reason, not a complaint about the service: in favour of the idea.
        ("Somewhere warm and safe to sit in winter when heating is too expensive", "support"),
        # Negated cues turn round: not in favour is against, not against is in favour.
        ("Not in favour.", "oppose"),
        ("Not a good idea, it's further for people on the estate", "oppose"),
        ("Absolutely not.", "oppose"),
        ("Definitely not, small villages pay council tax too", "oppose"),
        ("Not against it at all.", "support"),
        ("I don't think it's unreasonable", "support"),
        ("No strong views.", "neither"),
        ("No particular preference", "neither"),
        ("The charge puts me off", "oppose"),
        ("The wifi keeps dropping out", "oppose"),  # a failure, with no sentiment word
        ("The lift is always broken", "oppose"),
    ],
)
def test_stance_of_an_answer(text: str, stance: str) -> None:
    assert stance_of(text) == stance


def test_statements_name_the_largest_side_and_the_next() -> None:
    said = statements(
        Counter({"support": 6, "oppose": 3, "neither": 1}),
        {"support": "Brilliant staff", "oppose": "Too far to walk"},
    )
    assert (
        said.majority
        == "Most who raised this (6 of 10) are in favour or speak well of it, for example: “Brilliant staff”"
    )
    assert said.minority.startswith("A minority (3 of 10) are against it or unhappy with it")
    alone = statements(Counter({"neither": 4}), {"neither": "Open later"})
    assert alone.minority == "Nobody who raised this took another side."
    assert statements(Counter(), {}).majority == ""
    one = statements(Counter({"neither": 1}), {"neither": "Ring me about the reading group"})
    assert one == Statements(
        "The one person who raised this makes a suggestion or a comment without taking a side: "
        "“Ring me about the reading group”",
        "Nobody else raised it.",
    )
    assert statements(Counter({"oppose": 1}), {}).majority == (
        "The one person who raised this is against it or unhappy with it."
    )
    long = statements(Counter({"oppose": 1}), {"oppose": "word " * 60})
    assert long.majority.endswith("…”") and len(long.majority) < 250


def test_the_fitted_models_output_has_each_themes_stance(fitted: ThemeModel) -> None:
    for theme in fitted.result()["themes"]:
        assert sum(theme["stance"].values()) == theme["size"] and len(theme["statements"]) == 2
    assert fitted.stances_ is not None and len(fitted.stances_) == len(fitted.texts_)


def test_themes_carry_their_stance_and_an_officers_sentences(fitted: ThemeModel) -> None:
    state = apply(fitted, Codebook())
    themes = state.themes_list()
    for theme in themes:
        assert set(theme.stance) == set(STANCES) and sum(theme.stance.values()) == theme.size
        assert len(theme.statements) == 2 and not theme.statements_by_officer
    book = Codebook()
    book.set_statements(themes[0].id, "Most want free parking.", "A few want none.", author="o")
    first = next(t for t in apply(fitted, book).themes_list() if t.id == themes[0].id)
    assert first.statements == ["Most want free parking.", "A few want none."] and first.statements_by_officer
    assert first.to_dict()["statements_by_officer"] is True


def test_the_labelled_set_is_read_and_scored() -> None:
    report = stance_report()
    assert report.rows >= 200 and set(report.accuracy) >= {"nhs", "library", "written", "all"}
    assert report.accuracy["all"] > report.majority, "better than always saying the commonest label"


PROPOSAL = "We propose to open the library on Sunday afternoons and close it on Monday mornings."
SERVICE = "What one change would most improve your library?"


@pytest.mark.parametrize(
    ("text", "question", "stance"),
    [
        # Keeping things as they are opposes a proposal to change them...
        ("Leave it as it is.", PROPOSAL, "oppose"),
        ("Please don't close on Monday mornings, it's when the bus gets in", PROPOSAL, "oppose"),
        ("I'd prefer it stayed where it is.", PROPOSAL, "oppose"),
        ("Please don't.", "Should the mobile library stop visiting small villages?", "oppose"),
        # ...and speaks up for the service when the question proposes nothing.
        ("Keep it!", SERVICE, "support"),
        ("Keep the mobile library coming to the villages, the bus is hopeless.", SERVICE, "support"),
        ("Keep the mobile library coming to the villages", "Should the van stop visiting?", "oppose"),
        ("The heating is awful. Please don't close it.", SERVICE, "mixed"),
        # A question about keeping something proposes no change to it: left alone too.
        ("Please don't close it", "Do you agree with our plan to keep Northgate library open?", "neither"),
        ("Leave it as it is.", "Should the library continue to open on Saturdays?", "neither"),
        # Without the question, it is left alone.
        ("Please don't close it", None, "neither"),
        ("Leave it as it is.", None, "neither"),
    ],
)
def test_keeping_things_as_they_are_depends_on_the_question(
    text: str, question: str | None, stance: str
) -> None:
    assert stance_of(text, question) == stance


def test_the_question_reaches_the_stances_of_a_fit_and_of_added_answers() -> None:
    texts = [*TEXTS, "Leave it as it is."]
    model = ThemeModel(k=4, question=PROPOSAL, random_state=0).fit(texts)
    assert model.stances_ is not None and model.stances_[-1] == "oppose"
    book = Codebook()
    book.add_answers(["late"], ["Please don't close on Mondays"], author="o")
    state = apply(model, book)
    assert state.stances()[-2:] == ["oppose", "oppose"]
    state._stances = None  # made again from the texts, as after a replay
    assert state.stances()[-2:] == ["oppose", "oppose"]
    assert ThemeModel(k=4, random_state=0).fit(texts).stances_[-1] == "neither"


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        ("Staff gwych, bob amser yn barod i helpu.", "support"),  # great staff, always willing to help
        ("Mae'r toiledau yn frwnt.", "oppose"),  # the toilets are dirty
        ("Gwasanaeth ardderchog, diolch yn fawr i bawb.", "support"),
        ("Mwy o lyfrau Cymraeg i blant.", "neither"),  # a suggestion
    ],
)
def test_answers_in_welsh_are_read_through_their_english_gloss(text: str, stance: str) -> None:
    assert stance_of(text) == stance


def test_keeping_things_as_they_are_in_welsh_depends_on_the_question_as_in_english() -> None:
    keep = "Peidiwch â chau'r llyfrgell"  # do not close the library
    assert stance_of(keep, "We propose to close the library on Saturdays. What do you think?") == "oppose"
    assert stance_of(keep, "We propose to close the library on Saturdays. What do you think?") == stance_of(
        "Do not close the library", "We propose to close the library on Saturdays. What do you think?"
    )


TWO_POINTS = [
    "The car park is always full and it is a nightmare. Also, please open later in the evenings.",
    "Parking is awful near the branch. Also, more story time for toddlers please.",
    "The wifi is terrible and the computers are broken. Also, open on Sunday mornings please.",
]


def test_an_answer_with_two_points_counts_under_each_theme_by_what_that_point_says() -> None:
    texts = TEXTS + TWO_POINTS
    model = ThemeModel(k=4, random_state=0).fit(texts)
    wifi = len(TEXTS) + 2
    assert model.stances_ is not None and model.stances_[wifi] == "oppose"  # the whole answer
    assert model.others_.get(wifi), "its second point raises a further theme"
    further = model.others_[wifi][0][0]
    own = [r for r in range(len(texts)) if model.labels_[r] == further]
    for themes in (model.themes_, apply(model, Codebook()).themes_list()):
        for theme in themes:
            # Every answer that raises a theme is in its split, as in "N people raised this".
            assert sum(theme.stance.values()) == theme.size
            # An example is the point about the theme, never the whole two-point answer.
            assert not any("Also" in sentence for sentence in theme.statements), theme.statements
        # "Also, open on Sunday mornings please" is a suggestion: it adds no complaint there.
        assert themes[further].stance["oppose"] == sum(model.stances_[r] == "oppose" for r in own)
    said = " ".join(s for t in model.themes_ for s in t.statements)
    assert "“The wifi is terrible and the computers are broken.”" in said

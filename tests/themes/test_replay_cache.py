"""An officer's edits reuse this process's replay of the codebook (replaying embeds every
added answer again: about 30 s at 100,000), and the cache never changes a result: another
worker's edits are applied on top, and a stale or foreign state is replayed afresh."""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from analysis.codebook import Codebook, ThemeState, apply
from analysis.model import ThemeModel
from engage.platform.database import db
from engage.themes import services
from engage.themes.models import ThemeAnalysis
from tests.support.pages import PageClient
from tests.support.themes import add_responses, corpus, run


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts fresh replays: a new ThemeState is made only when the kept one cannot serve."""
    calls: list[int] = []
    original = services.ThemeState

    def counting(*args: Any) -> ThemeState:
        calls.append(1)
        return original(*args)

    monkeypatch.setattr(services, "ThemeState", counting)
    services._last = None
    yield calls
    services._last = None


def edit(app: Flask, change: Callable[[Codebook, ThemeAnalysis], object]) -> ThemeAnalysis:
    with app.app_context():
        analysis = db().scalars(select(ThemeAnalysis)).one()
        services.edit(db(), analysis, lambda book, _state: change(book, analysis), summary="test edit")  # type: ignore[arg-type,return-value]
        db().commit()
        db().refresh(analysis)
        db().expunge(analysis)
        return analysis


def fresh_replay(app: Flask) -> dict[str, str]:
    """The codebook replayed on the stored model from nothing: no kept state, no prepared parts."""
    with app.app_context():
        analysis = db().scalars(select(ThemeAnalysis)).one()
        assert analysis.model is not None
        state = apply(pickle.loads(analysis.model), Codebook.from_list(analysis.codebook))  # noqa: S301
        return dict(zip(state.answer_ids, state.assignment, strict=True))


def themes(analysis: ThemeAnalysis) -> list[str]:
    return [t["id"] for t in analysis.result["themes"]]


def test_edits_reuse_the_replay_and_match_a_fresh_one(
    app: Flask, survey: str, officer: PageClient, loads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    analyse(app, officer, loads)
    add_responses(app, corpus(1), locality="riverside-valley")
    run(officer)  # "Add new answers": an add_answers operation to replay from now on
    assert loads == [], "the job reused the state its fit kept"
    services._last = None  # in production the job ran in the job worker, another process
    embedded: list[int] = []
    original = ThemeModel.embed

    def counting(model: ThemeModel, texts: list[str]) -> Any:
        embedded.append(len(texts))
        return original(model, texts)

    monkeypatch.setattr(ThemeModel, "embed", counting)
    first, second = themes(edit(app, lambda book, a: book.rename(themes(a)[0], "Opening hours", author="t")))[
        :2
    ]
    after = edit(app, lambda book, a: book.merge([second, first], first, author="t"))
    assert loads == [1], "the first edit replayed, the second reused it"
    assert embedded == [], "the replay used the added answers' vectors the job kept"
    assert after.result["assignments"] == fresh_replay(app)
    assert next(t for t in after.result["themes"] if t["id"] == first)["label"] == "Opening hours"


def analyse(app: Flask, officer: PageClient, loads: list[int]) -> None:
    """Theme the survey's answers; the fit's own state is then the one this process keeps."""
    add_responses(app, corpus(3))
    run(officer)
    loads.clear()


def test_another_workers_edit_is_applied_on_top(
    app: Flask, survey: str, officer: PageClient, loads: list[int]
) -> None:
    analyse(app, officer, loads)
    with app.app_context():
        # Another worker renamed a theme: the codebook in the database has one more operation.
        analysis = db().scalars(select(ThemeAnalysis)).one()
        book = Codebook.from_list(analysis.codebook)
        book.rename(themes(analysis)[1], "Children's activities", author="other")
        analysis.codebook = book.to_list()
        db().commit()
    after = edit(app, lambda book, a: book.rename(themes(a)[0], "Opening hours", author="t"))
    assert loads == [], "the other worker's operation was applied to the kept state"
    labels = {t["id"]: t["label"] for t in after.result["themes"]}
    assert "Opening hours" in labels.values()
    assert "Children's activities" in labels.values()
    assert after.result["assignments"] == fresh_replay(app)


def test_a_stale_or_foreign_state_is_replayed_afresh(
    app: Flask, survey: str, officer: PageClient, loads: list[int]
) -> None:
    analyse(app, officer, loads)
    # An edit whose transaction was rolled back: the kept state is one operation ahead.
    with app.app_context():
        analysis = db().scalars(select(ThemeAnalysis)).one()
        services.edit(
            db(), analysis, lambda book, _s: book.rename(themes(analysis)[0], "Gone", author="t"), summary="x"
        )
        db().rollback()
    after = edit(app, lambda book, a: book.rename(themes(a)[1], "Kept", author="t"))
    assert len(loads) == 1, "replayed: the kept state had an operation the database never saved"
    assert "Gone" not in {t["label"] for t in after.result["themes"]}
    # A state kept for another analysis that happens to have the same id (another database).
    assert services._last is not None
    services._last.first_answer = "not-an-answer-of-this-analysis"
    loads.clear()
    edit(app, lambda book, a: book.rename(themes(a)[1], "Kept again", author="t"))
    assert len(loads) == 1

"""Theme analysis of a survey's free-text answers: running it, and officers' edits.

The engine is :mod:`analysis`. Here a fitted :class:`analysis.model.ThemeModel` is kept
(pickled) with its :class:`analysis.codebook.Codebook`; the themes officers see are
always the codebook replayed on the model. Updating with new responses records an
``add_answers`` operation, which places new answers against the fixed themes: earlier
answers keep their themes and officers' renames and merges stay.
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, TypedDict

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from analysis.codebook import Codebook, CodebookError, Operation, SplitTheme, ThemeState
from analysis.language import language_of
from analysis.model import UNASSIGNED, ThemeModel
from analysis.redact import redact
from engage.accounts.models import StaffUser
from engage.platform import audit, clock, events, jobs
from engage.platform.database import db
from engage.themes.models import (
    APPLYING,
    FAILED_WITH,
    FINDING,
    PLACING,
    READING,
    SAVING,
    UNDONE,
    WAITING,
    AnalysisStatus,
    QuoteReview,
    ThemeAnalysis,
    ThemeNote,
)
from engage.themes.queries import (
    ThemeError,
    definition_for,
    get,
    quotes_with_state,
    theme_label,
)
from engage.themes.snapshot import EqualityTable, Relearnt, Snapshot, SnapshotTheme
from surveys import reporting
from surveys import text as text_rule
from surveys.definition import SurveyDefinition
from surveys.equality import SMALL_GROUP
from surveys.models import Response, ResponseStatus, Survey

log = logging.getLogger(__name__)

MIN_ANSWERS = 10
RANDOM_STATE = 0
# At most this many themes from "Find themes": a list an officer can read in one sitting.
K_MAX = 40
#: A theme's name, as an officer types it.
LABEL_MAX = 80
SPLIT_MIN, SPLIT_MAX = 2, 5


def question_text(analysis: ThemeAnalysis) -> str | None:
    """The analysed question's wording (the engine reads short answers with it)."""
    try:
        question = definition_for(analysis.survey).question(analysis.question_id)
    except ThemeError:
        return None
    return question.text if question is not None else None


@dataclass(frozen=True)
class Answer:
    id: str  # the response's public id
    text: str
    locality: str | None
    branch: str | None
    channel: str


def _answered(survey: Survey, question_id: str) -> tuple[ColumnElement[str], list[ColumnElement[bool]]]:
    """The question's answer as text (in SQL), and the conditions for a submitted, non-empty one."""
    text = Response.answers[question_id].as_string()
    return text, [
        Response.survey_id == survey.id,
        Response.status == ResponseStatus.SUBMITTED,
        text.is_not(None),
        text != "",
    ]


def answers_for(session: Session, survey: Survey, question_id: str) -> list[Answer]:
    """Every submitted, non-empty answer to the question, oldest first.

    Only the answer itself is read from each response's JSON (in the database), so this
    stays light with a hundred thousand responses.
    """
    text, where = _answered(survey, question_id)
    rows = session.execute(
        select(Response.public_id, text, Response.locality_code, Response.branch_code, Response.channel)
        .where(*where)
        .order_by(Response.id)
    )
    return [
        Answer(public_id, value, locality, branch, channel)
        for public_id, value, locality, branch, channel in rows
        if isinstance(value, str) and value.strip()
    ]


def answer_ids(session: Session, survey: Survey, question_id: str) -> list[str]:
    """The public ids of the responses that answered the question, oldest first."""
    _, where = _answered(survey, question_id)
    return list(session.scalars(select(Response.public_id).where(*where).order_by(Response.id)))


def count_answers(session: Session, survey: Survey, question_id: str) -> int:
    return answer_counts(session, survey, [question_id])[question_id]


def answer_counts(session: Session, survey: Survey, question_ids: list[str]) -> dict[str, int]:
    """How many submitted responses answered each question, in one pass over the responses."""
    if not question_ids:
        return {}
    columns = []
    for question_id in question_ids:
        text, _conditions = _answered(survey, question_id)
        columns.append(func.count(case((and_(text.is_not(None), text != ""), 1))))
    row = session.execute(
        select(*columns).where(Response.survey_id == survey.id, Response.status == ResponseStatus.SUBMITTED)
    ).one()
    return {question_id: int(n or 0) for question_id, n in zip(question_ids, row, strict=True)}


def request(
    session: Session, survey: Survey, question_id: str, user_id: int | None, now: datetime
) -> ThemeAnalysis:
    """Queue a first analysis, or an update with the responses that came in since."""
    count = count_answers(session, survey, question_id)
    if count < MIN_ANSWERS:
        raise ThemeError(
            _(
                "There are %(count)d answers to this question so far. Themes need at least %(min)d",
                count=count,
                min=MIN_ANSWERS,
            )
        )
    analysis = get(session, survey, question_id)
    if analysis is None:
        analysis = ThemeAnalysis(
            survey_id=survey.id, question_id=question_id, codebook=[], result={}, message=""
        )
        session.add(analysis)
    elif analysis.status in (AnalysisStatus.QUEUED, AnalysisStatus.RUNNING):
        return analysis
    analysis.status = AnalysisStatus.QUEUED
    analysis.progress = 0
    analysis.message = WAITING
    analysis.requested_at = now
    analysis.requested_by_id = user_id
    session.flush()
    return analysis


@dataclass
class _Replayed:
    analysis_id: int
    first_answer: str  # the fit's first answer (a response's random public id): which model
    digest: str  # of the codebook operations already applied to the state
    state: ThemeState


# The last replayed state in this process. Replaying a codebook means embedding every
# answer an "Add new answers" placed (about 30 s for 100,000), so an officer's second
# edit to the same question reuses the state of the first. One at a time: a state holds
# every answer's vector (about 70 MB at 100,000 answers).
_last: _Replayed | None = None


def _digest(operations: list[dict[str, Any]]) -> str:
    return hashlib.sha256(json.dumps(operations, sort_keys=True).encode("utf-8")).hexdigest()


def _load(analysis: ThemeAnalysis) -> tuple[Codebook, ThemeState]:
    """The codebook and its replay on the model. The replay is the cached state of this
    process when its operations are exactly the codebook's first ones (other workers'
    later edits are then applied on top); otherwise it is made afresh. An operation that
    cannot be applied raises :class:`CodebookError` with the state (at the version
    before it) as ``error.state``."""
    global _last
    book = Codebook.from_list(analysis.codebook)
    cached, _last = _last, None  # taken out while in use: a failed edit leaves no half-changed state
    if (
        cached is not None
        and cached.analysis_id == analysis.id
        # Ids can come round again (another database, a deleted and re-made analysis);
        # the fit's first answer cannot.
        and cached.first_answer in analysis.snapshot.assignments
    ):
        done = cached.state.version
        if done <= len(analysis.codebook) and _digest(analysis.codebook[:done]) == cached.digest:
            _replay(cached.state, book.operations[done:])
            return book, cached.state
    if analysis.model is None:
        raise ThemeError(_("This question has not been analysed yet"))
    # Only this application writes the model and prepared columns, from its own objects.
    model: ThemeModel = pickle.loads(analysis.model)  # noqa: S301
    prepared = pickle.loads(analysis.prepared) if analysis.prepared else None  # noqa: S301
    state = ThemeState(model, prepared)
    _replay(state, book.operations)
    return book, state


def _replay(state: ThemeState, operations: list[Operation]) -> None:
    for op in operations:
        try:
            state.apply(op)
        except CodebookError as error:
            error.state = state  # type: ignore[attr-defined]
            raise


def _keep(analysis: ThemeAnalysis, state: ThemeState) -> None:
    """Remember the state once it matches the codebook being saved."""
    global _last
    if state.answer_ids:
        _last = _Replayed(analysis.id, state.answer_ids[0], _digest(analysis.codebook), state)


def _snapshot(session: Session, analysis: ThemeAnalysis, state: ThemeState, answers: list[Answer]) -> None:
    """Save the themes officers see, with where each theme's answers came from.

    The equality split keeps only suppressed totals (small groups already hidden), and
    only for questions at least :data:`SMALL_GROUP` people in the theme answered, so no
    small group is ever stored, let alone shown.
    """
    meta = {a.id: a for a in answers}
    equality = reporting.equality_by_response(session, analysis.survey)
    assignment = dict(zip(state.answer_ids, state.assignment, strict=True))
    further = state.further_themes()
    found = [SnapshotTheme.from_dict(t.to_dict()) for t in state.themes_list(redact_quotes=True)]
    splits: dict[str, dict[str, Counter[str]]] = {
        t.id: {"locality": Counter(), "branch": Counter(), "channel": Counter()} for t in found
    }
    # An answer counts under each theme it raises: its main theme and any further ones.
    raised = {
        answer_id: [theme_id, *further.get(answer_id, [])] for answer_id, theme_id in assignment.items()
    }
    for answer_id, theme_ids in raised.items():
        answer = meta.get(answer_id)
        for theme_id in theme_ids:
            if answer is None or theme_id not in splits:
                continue
            splits[theme_id]["locality"][answer.locality or "unknown"] += 1
            splits[theme_id]["branch"][answer.branch or "unknown"] += 1
            splits[theme_id]["channel"][answer.channel] += 1
    people: dict[str, list[dict[str, Any]]] = {t.id: [] for t in found}
    for answer_id, theme_ids in raised.items():
        for theme_id in theme_ids:
            if answer_id in equality and theme_id in people:
                people[theme_id].append(equality[answer_id])
    themes = [
        replace(
            theme,
            by_locality=dict(splits[theme.id]["locality"]),
            by_branch=dict(splits[theme.id]["branch"]),
            by_channel=dict(splits[theme.id]["channel"]),
            by_equality=[
                EqualityTable(
                    table.question,
                    table.answered,
                    table.suppressed,
                    [(row.label, row.count) for row in table.rows],
                )
                for table in reporting.equality_tables(people[theme.id], at_least=SMALL_GROUP)
            ],
        )
        for theme in found
    ]
    analysis.result = Snapshot(
        themes=sorted(themes, key=lambda t: -t.size),
        assignments=assignment,
        further=further,
        scores={a: round(float(v), 3) for a, v in zip(state.answer_ids, state.sureness(), strict=True)},
        representation=state.model.representation_,
        answers=len(state.answer_ids),
        unassigned=sum(1 for t in state.assignment if t == UNASSIGNED),
        version=state.version,
        relearnt=_relearnt(state),
        languages={
            a: lang for a, lang in zip(state.answer_ids, state.languages, strict=True) if lang != "en"
        },
    ).to_result()


def _relearnt(state: ThemeState) -> Relearnt | None:
    if not state.relearned:
        return None
    last = max(state.relearned)
    moved = {a: [before, after] for a, (before, after) in state.relearned[last].items()}
    return Relearnt(last, moved, last in state.undone)


def run(analysis_id: int) -> None:
    """The background job: fit (first time) or add new answers (later), then save the snapshot."""
    session = db()
    analysis = session.get(ThemeAnalysis, analysis_id)
    if analysis is None:
        return
    analysis.status, analysis.progress, analysis.message = AnalysisStatus.RUNNING, 10, READING
    session.commit()
    try:
        answers = answers_for(session, analysis.survey, analysis.question_id)
        if analysis.model is None:
            analysis.progress, analysis.message = 30, FINDING % {"num": len(answers)}
            session.commit()
            model = ThemeModel(
                k="auto", question=question_text(analysis), random_state=RANDOM_STATE, k_max=K_MAX
            ).fit([a.text for a in answers], ids=[a.id for a in answers])
            analysis.model = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
            analysis.codebook = []
            state = ThemeState(model)
        else:
            book, state = _load(analysis)
            known = set(state.answer_ids)
            new = [a for a in answers if a.id not in known]
            if new:
                analysis.progress, analysis.message = 50, PLACING % {"num": len(new)}
                session.commit()
                op = book.add_answers([a.id for a in new], [a.text for a in new], author="system")
                state.apply(op)
                analysis.codebook = book.to_list()
        _snapshot(session, analysis, state, answers)
        analysis.prepared = pickle.dumps(state.prepared(), protocol=pickle.HIGHEST_PROTOCOL)
        analysis.status, analysis.progress, analysis.message = AnalysisStatus.DONE, 100, ""
        analysis.finished_at = clock.now()
        session.commit()
        _keep(analysis, state)
    except Exception as error:  # the officer sees a message; the log has the detail
        session.rollback()
        log.exception("Theme analysis %s failed", analysis_id)
        analysis = session.get(ThemeAnalysis, analysis_id)
        if analysis is not None:
            analysis.status, analysis.message = (
                AnalysisStatus.FAILED,
                FAILED_WITH % {"error": error},
            )
            session.commit()
        raise


def edit(
    session: Session,
    analysis: ThemeAnalysis,
    change: Callable[[Codebook, ThemeState], Operation | list[Operation]],
    *,
    summary: str,
    by: StaffUser | None = None,
) -> Operation:
    """Record one officer's edit in the codebook, apply it, save, and audit it (as ``by``).

    An edit may be several operations (moving several answers at once): they are applied
    in order, saved together and audited as one row. Returns the last."""
    if analysis.status != AnalysisStatus.DONE:
        raise ThemeError(_("Wait for the analysis (or the last change) to finish before changing its themes"))
    if in_background(analysis):
        return _edit_later(session, analysis, change, summary=summary, by=by)
    book, state = _load(analysis)
    try:
        made = change(book, state)
        ops = made if isinstance(made, list) else [made]
        for op in ops:
            state.apply(op)
    except CodebookError as error:
        raise ThemeError(str(error)) from None
    analysis.codebook = book.to_list()
    # If the transaction is rolled back instead, the digest no longer matches what is
    # stored and the next edit replays afresh.
    _keep(analysis, state)
    answers = answers_for(session, analysis.survey, analysis.question_id)
    _snapshot(session, analysis, state, answers)
    _audit_edit(session, analysis, ops, summary, by)
    return op


def _audit_edit(
    session: Session,
    analysis: ThemeAnalysis,
    ops: list[Operation],
    summary: str,
    by: StaffUser | None,
    **extra: Any,
) -> None:
    """One audit row for an edit, however many operations it made."""
    recorded = (
        {"operation": ops[0].to_dict()} if len(ops) == 1 else {"operations": [o.to_dict() for o in ops]}
    )
    audit.record(
        session,
        "themes.edited",
        object_type="theme_analysis",
        object_id=analysis.id,
        summary=summary,
        details={**recorded, "survey": analysis.survey.slug, "question": analysis.question_id, **extra},
        actor=by,
    )


def in_background(analysis: ThemeAnalysis) -> bool:
    """Whether officers' edits to this analysis are applied by a job: at
    ``ENGAGE_THEME_EDITS_IN_BACKGROUND_FROM`` answers or more, where replaying and saving
    the themes takes seconds."""
    return analysis.snapshot.answers >= int(jobs.setting("theme_edits_in_background_from"))


def _edit_later(
    session: Session,
    analysis: ThemeAnalysis,
    change: Callable[[Codebook, ThemeState], Operation | list[Operation]],
    *,
    summary: str,
    by: StaffUser | None,
) -> Operation:
    """Record the edit in the codebook now and leave applying it to :func:`apply_changes`
    (queued by :func:`start_changes` once the request commits). The officer sees the
    change's progress; a change the job cannot apply is taken out again, with a message."""
    book = Codebook.from_list(analysis.codebook)
    made = change(book, None)  # type: ignore[arg-type]  # recording needs no replay
    ops = made if isinstance(made, list) else [made]
    analysis.codebook = book.to_list()
    analysis.status, analysis.progress = AnalysisStatus.QUEUED, 10
    analysis.message = APPLYING % {"num": f"{analysis.snapshot.answers:,}"}
    _audit_edit(session, analysis, ops, summary, by, in_background=True)
    return ops[-1]


def start_changes(analysis: ThemeAnalysis) -> None:
    """After the request that recorded a background edit commits: queue the job that
    applies it (without Redis it runs now, in this process)."""
    if analysis.status == AnalysisStatus.QUEUED and analysis.model is not None:
        jobs.enqueue(apply_changes, analysis.id, retries=0)


def apply_changes(analysis_id: int) -> None:
    """The background job for officers' edits: replay the codebook (the last replay of
    this worker is reused), save the snapshot. An edit that cannot be applied is taken
    out of the codebook, with every edit after it, and the officers' page says why."""
    session = db()
    analysis = session.get(ThemeAnalysis, analysis_id)
    if analysis is None or analysis.status != AnalysisStatus.QUEUED:
        return
    analysis.status, analysis.progress = AnalysisStatus.RUNNING, 30
    session.commit()
    problem = ""
    try:
        _book, state = _load(analysis)
    except CodebookError as error:
        found: ThemeState | None = getattr(error, "state", None)
        if found is None:
            raise
        state = found
        analysis.codebook = list(analysis.codebook[: state.version])
        problem = UNDONE % {"error": error}
    analysis.progress, analysis.message = 70, SAVING
    session.commit()
    answers = answers_for(session, analysis.survey, analysis.question_id)
    _snapshot(session, analysis, state, answers)
    analysis.status, analysis.progress, analysis.message = AnalysisStatus.DONE, 100, problem
    session.commit()
    _keep(analysis, state)


class Stamp(TypedDict):
    author: str
    at: str


def stamp(by: StaffUser, now: datetime) -> Stamp:
    """How the codebook records who made an edit and when: the staff account's id, and UTC."""
    return {"author": f"staff:{by.id}", "at": now.astimezone(UTC).isoformat(timespec="seconds")}


def _label(typed: str, missing: str) -> str:
    """A theme's name as an officer typed it: one line, spaces tidied, at most
    :data:`LABEL_MAX` characters; refused on the form's ``label`` field (with ``missing``
    when it is empty or too long)."""
    typed = text_rule.normalise(typed)
    problem = text_rule.problem(str(_("The theme's name")), typed)
    if problem:
        raise ThemeError(errors={"label": problem})
    label = " ".join(typed.split())
    if not label or len(label) > LABEL_MAX:
        raise ThemeError(errors={"label": missing})
    return label


def rename(
    session: Session, analysis: ThemeAnalysis, theme_id: str, typed: str, *, by: StaffUser, now: datetime
) -> tuple[str, str]:
    """Give a theme the name an officer typed (one line, spaces tidied, at most
    :data:`LABEL_MAX` characters). Returns the old and the new name."""
    old = theme_label(analysis, theme_id)
    label = _label(typed, _("Enter a new name for the theme, %(num)d characters or fewer", num=LABEL_MAX))
    edit(
        session,
        analysis,
        lambda book, _state: book.rename(theme_id, label, **stamp(by, now)),
        summary=f"Renamed theme '{old}' to '{label}'",
        by=by,
    )
    return old, label


DESCRIPTION_MAX = 500


def _paragraph(noun: str, typed: str, maximum: int) -> tuple[str, str]:
    """An officer's text kept as one paragraph (spaces and line breaks tidied to single
    spaces) and what is wrong with it ("" if nothing): the one text rule, then the length."""
    typed = text_rule.normalise(typed, multiline=True)
    problem = text_rule.problem(noun, typed, multiline=True) or ""
    text = " ".join(typed.split())
    if not problem and len(text) > maximum:
        problem = str(_("%(label)s must be %(num)d characters or fewer", label=noun, num=maximum))
    return text, problem


def describe(
    session: Session, analysis: ThemeAnalysis, theme_id: str, typed: str, *, by: StaffUser, now: datetime
) -> str:
    """Say what a theme is about, in an officer's words (kept as one paragraph of at most
    :data:`DESCRIPTION_MAX` characters; empty removes it). Returns the theme's name."""
    name = theme_label(analysis, theme_id)
    text, problem = _paragraph(str(_("The description")), typed, DESCRIPTION_MAX)
    if problem:
        raise ThemeError(errors={"description": problem})
    edit(
        session,
        analysis,
        lambda book, _state: book.describe(theme_id, text, **stamp(by, now)),
        summary=f"Described theme '{name}'" if text else f"Removed the description of theme '{name}'",
        by=by,
    )
    return name


STATEMENT_MAX = 300


def set_statements(
    session: Session,
    analysis: ThemeAnalysis,
    theme_id: str,
    majority: str,
    minority: str,
    *,
    by: StaffUser,
    now: datetime,
) -> str:
    """An officer's wording of a theme's two sentences about support and opposition
    (saving the machine's draft unchanged accepts it). Both are needed, one line each of
    at most :data:`STATEMENT_MAX` characters. Returns the theme's name."""
    name = theme_label(analysis, theme_id)
    problems: dict[str, str] = {}
    said: dict[str, str] = {}
    for field_name, noun, empty, typed in (
        (
            "majority",
            _("The first sentence"),
            _("Enter the first sentence, or put back the draft"),
            majority,
        ),
        (
            "minority",
            _("The second sentence"),
            _("Enter the second sentence, or put back the draft"),
            minority,
        ),
    ):
        text, problem = _paragraph(str(noun), typed, STATEMENT_MAX)
        if not problem and not text:
            problem = str(empty)
        if problem:
            problems[field_name] = problem
        said[field_name] = text
    if problems:
        raise ThemeError(errors=problems)
    edit(
        session,
        analysis,
        lambda book, _state: book.set_statements(
            theme_id, said["majority"], said["minority"], **stamp(by, now)
        ),
        summary=f"Checked the support and opposition sentences of theme '{name}'",
        by=by,
    )
    return name


def move_answer(
    session: Session, analysis: ThemeAnalysis, answer_id: str, target: str, *, by: StaffUser, now: datetime
) -> tuple[str, str]:
    """Put one answer in another theme by hand. Returns the theme it was in and the new
    theme's name."""
    moved = move_answers(session, analysis, [answer_id], target, by=by, now=now)
    return moved.origins[0], moved.name


@dataclass(frozen=True)
class Moved:
    origins: list[str]  # the theme each answer was in, in the order given
    name: str  # the name of the theme they are in now

    @property
    def count(self) -> int:
        return len(self.origins)


def move_answers(
    session: Session,
    analysis: ThemeAnalysis,
    answer_ids: list[str],
    target: str,
    *,
    by: StaffUser,
    now: datetime,
) -> Moved:
    """Put answers in another theme (or in none: ``unassigned``) by hand, as one edit with
    a codebook operation per answer, so each move survives new answers and re-runs."""
    answer_ids = list(dict.fromkeys(answer_ids))
    missing = {
        field: message
        for field, message, given in (
            ("answer", _("Select the answers to move"), answer_ids),
            ("into", _("Select the theme to move the answers to"), target),
        )
        if not given
    }
    if missing:
        raise ThemeError(errors=missing)
    assignments = analysis.snapshot.assignments
    origins = [assignments.get(answer_id) for answer_id in answer_ids]
    if any(origin is None for origin in origins):
        raise ThemeError(_("That answer is not in this analysis"))
    name = theme_label(analysis, target)
    noun = "an answer" if len(answer_ids) == 1 else f"{len(answer_ids)} answers"
    edit(
        session,
        analysis,
        lambda book, _state: [
            book.move_answer(a, target, from_theme=str(origin), **stamp(by, now))
            for a, origin in zip(answer_ids, origins, strict=True)
        ],
        summary=f"Moved {noun} to '{name}'",
        by=by,
    )
    return Moved([str(origin) for origin in origins], name)


REVIEW_DECISIONS = ("accept", "move", "not_relevant")


def review_answer(
    session: Session,
    analysis: ThemeAnalysis,
    theme_id: str,
    answer_id: str,
    decision: str,
    target: str = "",
    *,
    by: StaffUser,
    now: datetime,
) -> str:
    """An officer's decision about one answer of ``theme_id`` while reviewing it: keep it
    there ("accept"), put it in ``target`` ("move") or in no theme ("not_relevant").
    The answer then stays where the officer put it. Returns the name of where it is now."""
    if analysis.snapshot.assignments.get(answer_id) != theme_id:
        raise ThemeError(_("That answer is no longer in this theme: someone may have moved it"))
    if decision not in REVIEW_DECISIONS:
        raise ThemeError(errors={"decision": _("Select where this answer belongs")})
    if decision == "move" and not target:
        raise ThemeError(errors={"target": _("Select the theme this answer belongs to")})
    place = {"accept": theme_id, "move": target, "not_relevant": UNASSIGNED}[decision]
    review = {"accept": "accepted", "move": "moved", "not_relevant": "not_relevant"}[decision]
    if place == theme_id:
        review = "accepted"
    name = theme_label(analysis, place)
    summary = {
        "accepted": f"Checked an answer in '{name}' and kept it there",
        "moved": f"Checked an answer and moved it to '{name}'",
        "not_relevant": "Checked an answer and marked it not relevant",
    }[review]
    edit(
        session,
        analysis,
        lambda book, _state: book.move_answer(
            answer_id, place, review=review, from_theme=theme_id, **stamp(by, now)
        ),
        summary=summary,
        by=by,
    )
    return name


@dataclass(frozen=True)
class Learnt:
    moved: int  # answers the engine moved
    into: list[tuple[str, int]]  # (theme name, answers moved into it), most first
    later: bool = False  # applied by a background job: the page shows what moved


def _named(analysis: ThemeAnalysis, moved: int, into: Counter[str]) -> Learnt:
    labels = analysis.snapshot.labels()
    return Learnt(moved, [(labels.get(t, t), n) for t, n in into.most_common()])


def _learnt(analysis: ThemeAnalysis) -> Learnt:
    last = analysis.snapshot.relearnt
    return _named(analysis, len(last.moved), last.into()) if last else Learnt(0, [])


def learn(session: Session, analysis: ThemeAnalysis, *, by: StaffUser, now: datetime) -> Learnt:
    """Re-place every answer no officer has placed, learning from the answers officers
    have accepted, moved or made themes of (:class:`analysis.codebook.Relearn`). Returns
    what moved, which :func:`undo_learn` can put back."""
    edit(
        session,
        analysis,
        lambda book, _state: book.relearn(**stamp(by, now)),
        summary="Re-placed the answers nobody has checked, learning from officers' decisions",
        by=by,
    )
    if analysis.status != AnalysisStatus.DONE:
        return Learnt(0, [], later=True)
    return _learnt(analysis)


def undo_learn(
    session: Session, analysis: ThemeAnalysis, version: int, *, by: StaffUser, now: datetime
) -> Learnt:
    """Put back what the latest re-placing (codebook ``version``) moved, except answers
    an officer has placed since. Returns what it puts back (when a background job will
    apply it, what the page showed the re-placing moved)."""
    last = analysis.snapshot.relearnt
    if last is None or last.version != version or last.undone:
        raise ThemeError(_("That re-placing has already been undone or is no longer the latest"))
    undone = _learnt(analysis)  # what the page showed; a job applies it later if big

    def change(book: Codebook, state: ThemeState | None) -> Operation:
        nonlocal undone
        if state is not None:  # applied now: say what the replay really puts back
            back = state.undoable(version)
            undone = _named(analysis, len(back), Counter(before for before, _after in back.values()))
        return book.undo_relearn(version, **stamp(by, now))

    summary = "Undid the last re-placing of answers from officers' decisions"
    edit(session, analysis, change, summary=summary, by=by)
    return undone


@dataclass(frozen=True)
class SuggestedGroup:
    answer_ids: list[str]
    examples: list[str]  # two of its answers that differ, redacted, the shortest first


def suggested_groups(session: Session, analysis: ThemeAnalysis, theme_id: str) -> list[SuggestedGroup]:
    """The two groups the engine would split a theme into, for an officer to make a theme
    of one of them by hand (:func:`new_theme`). Changes nothing."""
    if analysis.status != AnalysisStatus.DONE or analysis.theme(theme_id) is None:
        return []
    _book, state = _load(analysis)
    try:
        groups = state.subgroups(theme_id)
    finally:
        _keep(analysis, state)
    texts = dict(zip(state.answer_ids, state.texts, strict=True))

    def examples(group: list[str]) -> list[str]:
        """Its two shortest answers that say different things (not one text twice)."""
        seen: dict[str, str] = {}
        for text in sorted((texts[a] for a in group), key=len):
            seen.setdefault(" ".join(text.casefold().strip(" .!?").split()), text)
        return [redact(t) for t in list(seen.values())[:2]]

    return [SuggestedGroup(group, examples(group)) for group in groups]


@dataclass(frozen=True)
class Made:
    theme_id: str
    label: str
    count: int  # answers moved into it


def new_theme(
    session: Session,
    analysis: ThemeAnalysis,
    answer_ids: list[str],
    typed: str,
    *,
    by: StaffUser,
    now: datetime,
) -> Made:
    """Make a theme from answers an officer chose (a split by hand), named as they typed.
    The answers stay in it through later edits and new answers; new answers nearest it
    join it. Actions linked to the theme the answers came from are not carried over."""
    answer_ids = list(dict.fromkeys(answer_ids))
    problems: dict[str, str] = {}
    if not answer_ids:
        problems["answer"] = _("Select the answers for the new theme")
    try:
        label = _label(typed, _("Enter a name for the new theme, %(num)d characters or fewer", num=LABEL_MAX))
    except ThemeError as error:
        problems.update(error.errors)
        label = ""
    if problems:
        raise ThemeError(errors=problems)
    if any(answer not in analysis.snapshot.assignments for answer in answer_ids):
        raise ThemeError(_("That answer is not in this analysis"))
    # Officers' themes are numbered by the edit that made them, so an id is never reused.
    theme_id = f"o{len(analysis.codebook or []) + 1}"
    noun = "an answer" if len(answer_ids) == 1 else f"{len(answer_ids)} answers"
    edit(
        session,
        analysis,
        lambda book, _state: book.new_theme(theme_id, label, answer_ids, **stamp(by, now)),
        summary=f"Made the theme '{label}' from {noun}",
        by=by,
    )
    return Made(theme_id, label, len(answer_ids))


def set_aside(
    session: Session, analysis: ThemeAnalysis, theme_id: str, *, by: StaffUser, now: datetime
) -> str:
    """Mark a theme not relevant: its answers become unassigned. Returns its name."""
    name = theme_label(analysis, theme_id)
    edit(
        session,
        analysis,
        lambda book, _state: book.mark_not_relevant(theme_id, **stamp(by, now)),
        summary=f"Marked theme '{name}' as not relevant",
        by=by,
    )
    return name


def merge(
    session: Session, analysis: ThemeAnalysis, source: str, into: str, *, by: StaffUser, now: datetime
) -> tuple[str, str]:
    """Merge theme ``source`` into ``into``; features that point at themes follow the merge
    (``events.theme_merged``). Returns the two themes' names before the merge."""
    if not source:
        raise ThemeError(errors={"theme": _("Select the theme to merge and the theme to merge it into")})
    if not into:
        raise ThemeError(errors={"into": _("Select the theme to merge and the theme to merge it into")})
    if source == into:
        raise ThemeError(errors={"into": _("Select two different themes to merge")})
    names = theme_label(analysis, source), theme_label(analysis, into)
    edit(
        session,
        analysis,
        lambda book, _state: book.merge([source, into], into, **stamp(by, now)),
        summary=f"Merged theme '{names[0]}' into '{names[1]}'",
        by=by,
    )
    events.theme_merged.send(analysis, session=session, merged=[source], into=into)
    return names


@dataclass(frozen=True)
class Split:
    label: str  # the theme's name before the split
    parts: list[str]  # the new themes' ids
    carried: int  # records of other features (e.g. action links) that now follow every part


def split(
    session: Session, analysis: ThemeAnalysis, theme_id: str, parts: int, *, by: StaffUser, now: datetime
) -> Split:
    """Split a theme into ``parts`` (2 to 5) by the engine; features that point at the theme
    follow every part (``events.theme_split``)."""
    if not SPLIT_MIN <= parts <= SPLIT_MAX:
        raise ThemeError(
            errors={
                "parts": _(
                    "Choose to split the theme into %(min)d to %(max)d themes", min=SPLIT_MIN, max=SPLIT_MAX
                )
            }
        )
    label = theme_label(analysis, theme_id)
    op = edit(
        session,
        analysis,
        lambda book, _state: book.split(theme_id, parts, **stamp(by, now)),
        summary=f"Split theme '{label}' into {parts}",
        by=by,
    )
    assert isinstance(op, SplitTheme)
    new_ids = list(op.new_theme_ids)
    replies = events.theme_split.send(
        analysis, session=session, theme_id=theme_id, label=label, parts=new_ids, by=by
    )
    return Split(label, new_ids, sum(reply for _, reply in replies if isinstance(reply, int)))


def localities(definition: SurveyDefinition) -> dict[str, str]:
    return {loc.code: loc.name for loc in definition.localities}


NOTE_MAX = 2000


@dataclass(frozen=True)
class CodedAnswer:
    id: str
    text: str  # always redacted
    locality: str | None
    channel: str
    #: The language the answer is written in: "en", "cy" (Welsh) or "other".
    language: str = "en"


#: The languages an answer is told to be in (analysis.language), as the theme page's
#: filter names them.
ANSWER_LANGUAGES = {"en": _l("English"), "cy": _l("Welsh"), "other": _l("Other languages")}


def answer_languages(session: Session, analysis: ThemeAnalysis, public_ids: list[str]) -> dict[str, str]:
    """The language of each of these answers: "en", "cy" or "other".

    Read from the snapshot; a snapshot saved before languages were kept has none, so
    the answers themselves are read (their redacted text, as the engine would).
    """
    known = analysis.snapshot.languages
    if known is not None:
        return {public_id: known.get(public_id, "en") for public_id in public_ids}
    return {answer.id: language_of(answer.text) for answer in coded_answers(session, analysis, public_ids)}


def theme_members(session: Session, analysis: ThemeAnalysis, theme_id: str) -> list[str]:
    """The public ids of the answers currently in a theme (or ``unassigned``), oldest first."""
    assignments = analysis.snapshot.assignments
    return [
        public_id
        for public_id in answer_ids(session, analysis.survey, analysis.question_id)
        if assignments.get(public_id) == theme_id
    ]


def coded_answers(
    session: Session,
    analysis: ThemeAnalysis,
    public_ids: list[str],
    languages: dict[str, str] | None = None,
) -> list[CodedAnswer]:
    """These answers to the analysed question, redacted, in the order given (with their
    languages, from :func:`answer_languages`, when given)."""
    text: ColumnElement[str] = Response.answers[analysis.question_id].as_string()
    found: dict[str, CodedAnswer] = {}
    for start in range(0, len(public_ids), 1000):
        chunk = public_ids[start : start + 1000]
        rows = session.execute(
            select(Response.public_id, text, Response.locality_code, Response.channel).where(
                Response.survey_id == analysis.survey_id, Response.public_id.in_(chunk)
            )
        )
        for public_id, value, locality, channel in rows:
            found[public_id] = CodedAnswer(
                public_id,
                redact(str(value or "")),
                locality,
                channel,
                (languages or {}).get(public_id, "en"),
            )
    return [found[i] for i in public_ids if i in found]


def add_note(
    session: Session, analysis: ThemeAnalysis, theme_id: str, text: str, by: StaffUser, now: datetime
) -> ThemeNote:
    theme_label(analysis, theme_id)
    text = text_rule.normalise(text, multiline=True).strip()
    problem = text_rule.problem(str(_("The note")), text, multiline=True)
    if problem:
        raise ThemeError(errors={"note": problem})
    if not text or len(text) > NOTE_MAX:
        raise ThemeError(errors={"note": _("Enter a note of %(num)d characters or fewer", num=NOTE_MAX)})
    note = ThemeNote(analysis_id=analysis.id, theme_id=theme_id, text=text, author=by, created_at=now)
    session.add(note)
    session.flush()
    audit.record(
        session,
        "themes.noted",
        object_type="theme_analysis",
        object_id=analysis.id,
        summary=f"Note on theme '{theme_label(analysis, theme_id)}'",
        actor=by,
    )
    return note


def notes_for(session: Session, analysis: ThemeAnalysis, theme_id: str) -> list[ThemeNote]:
    return list(
        session.scalars(
            select(ThemeNote)
            .where(ThemeNote.analysis_id == analysis.id, ThemeNote.theme_id == theme_id)
            .order_by(ThemeNote.id)
        )
    )


# --- quotes on public pages --------------------------------------------------------------
#
# A theme's snapshot keeps a few representative answers, redacted when the snapshot was
# made. Wherever a quote is shown it is redacted again with today's rules (a snapshot made
# before the rules improved holds weaker redactions), and a public page (and the PDF
# report, which goes to committee papers) shows only the quotes an officer has chosen to
# show: never one nobody has read.


def review_quote(
    session: Session,
    analysis: ThemeAnalysis,
    theme_id: str,
    key: str,
    show: bool,
    by: StaffUser,
    now: datetime,
) -> None:
    """Show a quote on public pages, or hide it; audited (without the quote's words, so the
    audit log keeps no copy of what a resident wrote)."""
    theme = analysis.theme(theme_id)
    if theme is None:
        raise ThemeError(_("Select a theme from the list"))
    quotes = [quote.key for quote in quotes_with_state(analysis, theme, {})]
    if key not in quotes:
        raise ThemeError(_("That quote is no longer one of the theme's quotes. Check the quotes again"))
    review = session.scalar(
        select(QuoteReview).where(QuoteReview.analysis_id == analysis.id, QuoteReview.quote_key == key)
    )
    if review is None:  # two officers deciding the same quote at once: the caller retries
        review = QuoteReview(analysis_id=analysis.id, quote_key=key)
        session.add(review)
    review.shown, review.decided_at, review.decided_by = show, now, by
    session.flush()
    number = quotes.index(key) + 1
    audit.record(
        session,
        "themes.quote_shown" if show else "themes.quote_hidden",
        object_type="theme_analysis",
        object_id=analysis.id,
        summary=f"Quote {number} of theme '{theme.label}' "
        + ("shown on public pages" if show else "hidden from public pages"),
        details={
            "survey": analysis.survey.slug,
            "question": analysis.question_id,
            "theme": theme_id,
            "quote": key,
        },
        actor=by,
    )

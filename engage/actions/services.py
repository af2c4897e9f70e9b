"""Action plan rules: priorities and actions, status changes with reasons, links from themes,
traceability both ways, and what a published "You said, we did" page may show.

Views stay thin; every rule is here and takes a session and explicit times.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.accounts.models import StaffUser
from engage.actions import tables
from engage.actions.models import (
    EDITABLE,
    STATUSES,
    TIMESCALES,
    Action,
    ActionEdit,
    ActionStatus,
    Priority,
    Publication,
    ResponseLink,
    StatusChange,
    ThemeLink,
    shown,
    timescale_label,
)
from engage.actions.queries import (
    MISSING_THEME,
    ThemeRef,
    actions_for_theme,
    theme_ref,
)
from engage.platform import audit, events, inputs
from engage.themes import queries as theme_queries
from engage.themes.models import AnalysisStatus, ThemeAnalysis
from engage.themes.snapshot import SnapshotTheme
from surveys import services as survey_services
from surveys import text as text_rule
from surveys.equality import SMALL_GROUP
from surveys.export import FORMULA_TRIGGERS
from surveys.models import Response, Survey
from surveys.refusal import RefusedError

TITLE_MAX = 200
# The plan's import columns that are free text: single-line ones and the multi-line rest.
MULTI_LINE_COLUMNS = ("description", "outputs", "outcomes", "status_reason")
IMPORT_TEXT_COLUMNS = ("priority", "action", "lead_officer", "timescale", "status", *MULTI_LINE_COLUMNS)
TEXT_MAX = 4000
LEAD_MAX = 120


class ActionError(RefusedError):
    """Bad input for an action, by field: {field: message}."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors=errors)


def _clean(value: str | None, limit: int, *, multiline: bool = False) -> str:
    """Normalised (surveys.text) and cut just past its limit, so an over-long value is refused."""
    return text_rule.normalise(value or "", multiline=multiline).strip()[: limit + 1]


# --- priorities and actions -----------------------------------------------------------


def add_priority(
    session: Session, title: str, description: str, now: datetime, by: StaffUser | None
) -> Priority:
    title, description = _clean(title, TITLE_MAX), _clean(description, TEXT_MAX, multiline=True)
    errors: dict[str, str] = {}
    text_rule.collect(errors, {"title": (_("The priority's title"), title)}, multiline=False)
    text_rule.collect(errors, {"description": (_("The description"), description)}, multiline=True)
    if not title or len(title) > TITLE_MAX:
        errors.setdefault(
            "title", _("Enter the priority's title, %(num)d characters or fewer", num=TITLE_MAX)
        )
    elif "title" not in errors and session.scalar(select(Priority).where(Priority.title == title)):
        errors["title"] = _("There is already a priority with that title")
    if "description" not in errors and len(description) > TEXT_MAX:
        errors["description"] = _("Shorten the description to %(num)d characters or fewer", num=TEXT_MAX)
    if errors:
        raise ActionError(errors)
    priority = Priority(title=title, description=description, created_at=now)
    session.add(priority)
    session.flush()
    audit.record(
        session,
        "action_plan.priority_added",
        object_type="action_priority",
        object_id=priority.id,
        summary=f"Added priority '{title}'",
        actor=by,
    )
    return priority


@dataclass(frozen=True)
class NewAction:
    """An action as an officer typed it (or a spreadsheet row gave it); ``add_action`` checks it."""

    priority_id: str = ""
    title: str = ""
    description: str = ""
    lead_officer: str = ""
    timescale: str = ""
    due_on: str = ""
    outputs: str = ""
    outcomes: str = ""

    def cleaned(self) -> NewAction:
        """Normalised (surveys.text), trimmed, and cut just past each limit."""
        multi = {name: _clean(getattr(self, name), TEXT_MAX, multiline=True) for name in MULTI_LINE_FIELDS}
        return replace(
            self,
            title=_clean(self.title, TITLE_MAX),
            lead_officer=_clean(self.lead_officer, LEAD_MAX),
            due_on=_clean(self.due_on, 10),
            **multi,
        )


MULTI_LINE_FIELDS = ("description", "outputs", "outcomes")
#: How refusals name the multi-line fields.
MULTI_LINE_LABELS = {
    "description": _l("The description"),
    "outputs": _l("The outputs"),
    "outcomes": _l("The outcomes"),
}


def check_action(session: Session, data: NewAction) -> tuple[NewAction, Priority]:
    """The action as it will be saved (cleaned) and its priority; ``ActionError`` with every
    problem, by field, when it cannot be. Adding and editing check the same way."""
    data = data.cleaned()
    errors: dict[str, str] = {}
    priority_id = inputs.record_id(data.priority_id)
    priority = session.get(Priority, priority_id) if priority_id else None
    if priority is None:
        errors["priority"] = _("Select the priority this action belongs to")
    single = {
        "title": (_("The action"), data.title),
        "lead_officer": (_("The lead officer"), data.lead_officer),
        "due_on": (_("The date"), data.due_on),
    }
    text_rule.collect(errors, single, multiline=False)
    multi = {name: (str(MULTI_LINE_LABELS[name]), getattr(data, name)) for name in MULTI_LINE_FIELDS}
    text_rule.collect(errors, multi, multiline=True)
    if not data.title or len(data.title) > TITLE_MAX:
        errors.setdefault("title", _("Enter what the action is, %(num)d characters or fewer", num=TITLE_MAX))
    if len(data.lead_officer) > LEAD_MAX:
        errors.setdefault(
            "lead_officer", _("Shorten the lead officer to %(num)d characters or fewer", num=LEAD_MAX)
        )
    if data.timescale not in TIMESCALES:
        errors["timescale"] = _("Select the timescale")
    elif data.timescale == "date" and "due_on" not in errors:
        try:
            date.fromisoformat(data.due_on)
        except ValueError:
            errors["due_on"] = _("Enter the date as year-month-day, like 2027-03-31")
    for name in MULTI_LINE_FIELDS:
        if name not in errors and len(getattr(data, name)) > TEXT_MAX:
            errors[name] = _("Shorten this to %(num)d characters or fewer", num=TEXT_MAX)
    if errors:
        raise ActionError(errors)
    assert priority is not None
    return data, priority


def add_action(session: Session, data: NewAction, now: datetime, by: StaffUser | None) -> Action:
    data, priority = check_action(session, data)
    action = Action(
        priority=priority,
        title=data.title,
        description=data.description,
        lead_officer=data.lead_officer,
        timescale=data.timescale,
        due_on=data.due_on if data.timescale == "date" else None,
        outputs=data.outputs,
        outcomes=data.outcomes,
        status=ActionStatus.PROPOSED,
        status_reason="",
        created_at=now,
        updated_at=now,
    )
    action.history.append(
        StatusChange(status=ActionStatus.PROPOSED, reason="", changed_at=now, changed_by=by)
    )
    session.add(action)
    session.flush()
    audit.record(
        session,
        "action_plan.action_added",
        object_type="action",
        object_id=action.id,
        summary=f"Added action '{action.title}' under '{priority.title}'",
        actor=by,
    )
    return action


def edit_action(
    session: Session, action: Action, data: NewAction, now: datetime, by: StaffUser | None
) -> ActionEdit | None:
    """Save an officer's edit of an action, checked as a new action is; ``None`` when nothing
    differs (nothing is saved). The edit records each changed field's before and after."""
    data, priority = check_action(session, data)
    due_on = data.due_on if data.timescale == "date" else None
    before = {
        "priority": action.priority.title,
        "title": action.title,
        "lead_officer": action.lead_officer,
        "timescale": timescale_label(action.timescale, action.due_on),  # English, as kept
        "description": action.description,
        "outputs": action.outputs,
        "outcomes": action.outcomes,
    }
    after = {
        "priority": priority.title,
        "title": data.title,
        "lead_officer": data.lead_officer,
        "timescale": timescale_label(data.timescale, due_on),
        "description": data.description,
        "outputs": data.outputs,
        "outcomes": data.outcomes,
    }
    # Priorities' titles are unique, so a move always shows as a changed title.
    changes = {name: [before[name], after[name]] for name in EDITABLE if before[name] != after[name]}
    if not changes:
        return None
    action.priority = priority
    action.title, action.lead_officer = data.title, data.lead_officer
    action.description, action.outputs, action.outcomes = data.description, data.outputs, data.outcomes
    action.timescale, action.due_on, action.updated_at = data.timescale, due_on, now
    edit = ActionEdit(edited_at=now, edited_by=by, changes=changes)
    action.edits.append(edit)
    session.flush()
    audit.record(
        session,
        "action_plan.action_edited",
        object_type="action",
        object_id=action.id,
        summary=f"Edited action '{action.title}': " + ", ".join(EDITABLE[name] for name in changes),
        details=changes,
        actor=by,
    )
    return edit


def change_status(
    session: Session, action: Action, status: str, reason: str, now: datetime, by: StaffUser | None
) -> StatusChange:
    reason = _clean(reason, TEXT_MAX, multiline=True)
    problem = text_rule.problem(_("The reason"), reason, multiline=True)
    if problem:
        raise ActionError({"reason": problem})
    if status not in STATUSES:
        raise ActionError({"status": _("Select the new status")})
    if status == action.status:
        raise ActionError({"status": _("The action is already '%(status)s'", status=shown(STATUSES[status]))})
    if status == ActionStatus.NOT_TAKEN_FORWARD and not reason:
        raise ActionError(
            {"reason": _("Say why the action is not being taken forward: residents will read it")}
        )
    if len(reason) > TEXT_MAX:
        raise ActionError({"reason": _("Shorten the reason to %(num)d characters or fewer", num=TEXT_MAX)})
    change = StatusChange(status=status, reason=reason, changed_at=now, changed_by=by)
    action.history.append(change)
    action.status, action.status_reason, action.updated_at = status, reason, now
    session.flush()
    audit.record(
        session,
        "action_plan.status_changed",
        object_type="action",
        object_id=action.id,
        summary=f"'{action.title}' is now {STATUSES[status]}",
        details={"status": status, "reason": reason},
        actor=by,
    )
    return change


# --- themes and actions ---------------------------------------------------------------


def all_themes(session: Session) -> list[ThemeRef]:
    """Every current theme of every finished analysis, survey by survey."""
    refs = []
    for analysis in session.scalars(
        select(ThemeAnalysis).where(ThemeAnalysis.status == AnalysisStatus.DONE).order_by(ThemeAnalysis.id)
    ):
        refs += [theme_ref(analysis, theme.id) for theme in analysis.snapshot.themes]
    return refs


def link(session: Session, action: Action, key: str, now: datetime, by: StaffUser | None) -> ThemeLink:
    analysis_id, _colon, theme_id = key.partition(":")
    analysis = session.get(ThemeAnalysis, number) if (number := inputs.record_id(analysis_id)) else None
    if analysis is None or not theme_ref(analysis, theme_id).exists:
        raise ActionError({"theme": _("Select a theme from the list")})
    if any(item.analysis_id == analysis.id and item.theme_id == theme_id for item in action.links):
        raise ActionError({"theme": _("That theme is already linked to this action")})
    made = ThemeLink(action=action, analysis=analysis, theme_id=theme_id, created_at=now, created_by=by)
    session.add(made)
    session.flush()
    ref = theme_ref(analysis, theme_id)
    audit.record(
        session,
        "action_plan.theme_linked",
        object_type="action",
        object_id=action.id,
        summary=f"Linked theme '{ref.label}' to '{action.title}'",
        actor=by,
    )
    return made


def unlink(session: Session, action: Action, link_id: int, by: StaffUser | None) -> None:
    found = next((item for item in action.links if item.id == link_id), None)
    if found is None:
        raise ActionError({"theme": _("That link has already been removed")})
    ref = theme_ref(found.analysis, found.theme_id)
    label = ref.label if ref.exists else MISSING_THEME  # the audit log is in English
    action.links.remove(found)
    session.flush()
    audit.record(
        session,
        "action_plan.theme_unlinked",
        object_type="action",
        object_id=action.id,
        summary=f"Unlinked theme '{label}' from '{action.title}'",
        actor=by,
    )


def follow_merge(session: Session, analysis: ThemeAnalysis, merged: list[str], into: str) -> None:
    """After themes are merged, links to the merged-away themes point at the one that remains."""
    for item in session.scalars(
        select(ThemeLink).where(ThemeLink.analysis_id == analysis.id, ThemeLink.theme_id.in_(merged))
    ):
        duplicate = session.scalar(
            select(ThemeLink).where(
                ThemeLink.action_id == item.action_id,
                ThemeLink.analysis_id == analysis.id,
                ThemeLink.theme_id == into,
            )
        )
        if duplicate is not None:
            session.delete(item)
        else:
            item.theme_id = into
    session.flush()


def follow_split(
    session: Session,
    analysis: ThemeAnalysis,
    theme_id: str,
    label: str,
    parts: list[str],
    by: StaffUser | None = None,
) -> int:
    """After a theme is split, every action that answered it answers each part.

    The whole theme was linked, so each part keeps the link until an officer decides a
    part does not belong (unlinking is one button on the action). Returns how many
    actions' links were carried.
    """
    links = list(
        session.scalars(
            select(ThemeLink).where(ThemeLink.analysis_id == analysis.id, ThemeLink.theme_id == theme_id)
        )
    )
    for item in links:
        item.theme_id = parts[0]
        for part in parts[1:]:
            session.add(
                ThemeLink(
                    action_id=item.action_id,
                    analysis_id=analysis.id,
                    theme_id=part,
                    created_at=item.created_at,
                    created_by=item.created_by,
                )
            )
    session.flush()
    if links:
        audit.record(
            session,
            "action_plan.links_followed_split",
            object_type="theme_analysis",
            object_id=analysis.id,
            summary=f"Links from {len(links)} action{'' if len(links) == 1 else 's'} to '{label}' "
            f"now go to each of its {len(parts)} parts",
            details={"theme": theme_id, "parts": parts, "actions": [item.action_id for item in links]},
            actor=by,
        )
    return len(links)


def uncovered(session: Session) -> list[ThemeRef]:
    """Themes no action answers yet: nothing is dropped silently."""
    linked = {(item.analysis_id, item.theme_id) for item in session.scalars(select(ThemeLink))}
    return [ref for ref in all_themes(session) if (ref.analysis.id, ref.theme_id) not in linked]


def residents_behind(action: Action) -> tuple[int, Counter[str]]:
    """How many residents' answers are in the themes this action answers, and where they live."""
    answers: set[tuple[int, str]] = set()
    by_locality: Counter[str] = Counter()
    for item in action.links:
        ref = theme_ref(item.analysis, item.theme_id)
        if not ref.exists:
            continue
        by_locality.update(ref.by_locality)
        answers |= {(item.analysis_id, a) for a in item.analysis.snapshot.answers_in(item.theme_id)}
    return len({a for _analysis, a in answers}), by_locality


# --- "You said, we did" -----------------------------------------------------------------


def publication(session: Session, survey: Survey) -> Publication | None:
    return session.scalar(select(Publication).where(Publication.survey_id == survey.id))


def save_publication(
    session: Session,
    survey: Survey,
    intro: str,
    publish: bool | None,
    now: datetime,
    by: StaffUser | None,
    open_reason: str = "",
) -> Publication:
    """Save the introduction, and publish (a snapshot of the page as it is now: later
    theme edits wait for the next publish), unpublish, or neither. Publishing while the
    survey is still open needs a reason."""
    intro = _clean(intro, TEXT_MAX, multiline=True)
    open_reason = _clean(open_reason, TEXT_MAX, multiline=True)
    problems: dict[str, str] = {}
    problem = text_rule.problem(_("The introduction"), intro, multiline=True)
    if problem:
        problems["intro"] = problem
    elif len(intro) > TEXT_MAX:
        problems["intro"] = _("Shorten the introduction to %(num)d characters or fewer", num=TEXT_MAX)
    still_open = survey_services.availability(survey, now).open
    if publish is True and still_open:
        problem = text_rule.problem(_("The reason"), open_reason, multiline=True)
        if problem:
            problems["open_reason"] = problem
        elif not open_reason:
            problems["open_reason"] = _(
                "The survey is still open: say why you are publishing before it closes, or close it first"
            )
    if problems:
        raise ActionError(problems)
    page = publication(session, survey)
    if page is None:
        page = Publication(survey_id=survey.id, intro="", updated_at=now)
        session.add(page)
    page.intro, page.updated_at = intro, now
    if publish is True:
        page.published_at, page.published_by = now, by
        page.content = publish_content(session, survey)
        page.open_reason = open_reason if still_open else ""
    elif publish is False:
        page.published_at = None
    session.flush()
    state = "published" if page.published_at else "saved (not published)"
    audit.record(
        session,
        "you_said_we_did.saved",
        object_type="survey",
        object_id=survey.id,
        summary=f"'You said, we did' for {survey.title} {state}",
        details={"open_reason": page.open_reason} if publish and page.open_reason else None,
        actor=by,
    )
    return page


def _analyses(session: Session, survey: Survey) -> list[ThemeAnalysis]:
    return list(
        session.scalars(
            select(ThemeAnalysis)
            .where(ThemeAnalysis.survey_id == survey.id, ThemeAnalysis.status == AnalysisStatus.DONE)
            .order_by(ThemeAnalysis.id)
        )
    )


def publish_content(session: Session, survey: Survey) -> dict[str, Any]:
    """What the public page would show if published now: every theme of every analysed
    question with its count (and by locality), whether an officer has reviewed it, the
    officer's name and description, the quotes an officer has chosen to show (reviewed
    themes only) and the actions linked to it; and how many people answered."""
    return _draft(session, survey)[0]


def _draft(session: Session, survey: Survey) -> tuple[dict[str, Any], int, int]:
    """:func:`publish_content`, how many quotes of reviewed themes nobody has checked yet
    and how many reviewed themes have an officer's sentences whose numbers no longer add
    up (the checklist's figures, from the same pass)."""
    themes: list[dict[str, Any]] = []
    unchecked = 0
    out_of_date = 0
    analyses = _analyses(session, survey)
    reviews = theme_queries.quote_reviews(session, [analysis.id for analysis in analyses])
    for analysis in analyses:
        progress = theme_queries.review_progress(analysis)
        for theme in analysis.snapshot.themes:
            review = progress.get(theme.id)
            reviewed = review is not None and review.reviewed
            states = theme_queries.quotes_with_state(analysis, theme, reviews) if reviewed else []
            unchecked += sum(1 for quote in states if quote.state == "unchecked")
            out_of_date += int(reviewed and theme.size > 0 and theme.statements_out_of_date)
            themes.append(
                {
                    "analysis": analysis.id,
                    "theme": theme.id,
                    "label": theme.label,
                    "description": theme.description if reviewed else "",
                    # Only an officer's wording: machine drafts are never published.
                    "statements": list(theme.statements) if reviewed and theme.statements_by_officer else [],
                    "count": theme.size,
                    "by_locality": dict(theme.by_locality),
                    "reviewed": reviewed,
                    "quotes": [quote.text for quote in states if quote.state == "shown"],
                    "actions": [a.id for a in actions_for_theme(session, analysis, theme.id)],
                }
            )
    content = {"themes": themes, "respondents": survey_services.count_submitted(session, survey)}
    return content, unchecked, out_of_date


@dataclass
class PublicTheme:
    label: str
    count: int
    quotes: list[str]
    actions: list[Action]
    description: str = ""
    statements: list[str] = field(default_factory=list)


@dataclass
class PublicPage:
    survey: Survey
    intro: str
    updated: datetime | None
    respondents: int
    themes: list[PublicTheme]  # reviewed by an officer: shown in full
    unreviewed: list[PublicTheme]  # not yet reviewed: name and count only
    doing: list[Action]
    not_doing: list[Action]
    localities: dict[str, str]
    preview: bool = False
    # Themes not yet reviewed and raised by fewer than SMALL_GROUP people (here, or in the
    # locality shown): counted, not named. A machine-made name of a theme of one or two
    # answers is those residents' words, which nobody has checked.
    unnamed: int = 0


PUBLIC_QUOTES = 3


def public_page(
    session: Session, survey: Survey, locality: str | None = None, *, preview: bool = False
) -> PublicPage | None:
    """What residents may see: only for a published page, as it was when published (or,
    with ``preview``, as it would be if published now); counts, never a respondent's
    answers; for one locality when asked. Only themes an officer has reviewed show
    quotes and wording; the rest are listed as not yet reviewed, by name only when at
    least :data:`surveys.equality.SMALL_GROUP` people raised them. Quotes: up to three a
    theme, redacted again with today's rules, only those an officer chose to show, and
    never one hidden since publishing."""
    page = publication(session, survey)
    if survey.published is None:
        return None
    if not preview and (page is None or page.published_at is None):
        return None
    definition = survey_services.definition_of(survey.published)
    localities = {loc.code: loc.name for loc in definition.localities}
    if locality is not None and locality not in localities:
        return None
    stored = page.content if page is not None and not preview else None
    content = stored if stored is not None else publish_content(session, survey)
    items = [dict(item) for item in content.get("themes", [])]
    reviews = theme_queries.quote_reviews(session, sorted({int(item["analysis"]) for item in items}))
    wanted = {int(a) for item in items for a in item.get("actions", [])}
    known = {a.id: a for a in session.scalars(select(Action).where(Action.id.in_(wanted)))} if wanted else {}
    themes: list[PublicTheme] = []
    unreviewed: list[PublicTheme] = []
    unnamed = 0
    shown_actions: dict[int, Action] = {}
    for item in items:
        count = int(item["count"]) if locality is None else int(item.get("by_locality", {}).get(locality, 0))
        if count == 0:
            continue
        linked = [known[int(a)] for a in item.get("actions", []) if int(a) in known]
        shown_actions.update({a.id: a for a in linked})
        if not item.get("reviewed"):
            if count < SMALL_GROUP:
                unnamed += 1
            else:
                unreviewed.append(PublicTheme(str(item["label"]), count, [], linked))
            continue
        # A quote hidden since publishing leaves the page at once.
        quotes = theme_queries.still_shown(int(item["analysis"]), item.get("quotes", []), reviews)
        themes.append(
            PublicTheme(
                str(item["label"]),
                count,
                quotes[:PUBLIC_QUOTES],
                linked,
                str(item.get("description", "")),
                [str(x) for x in item.get("statements", [])],
            )
        )
    themes.sort(key=lambda t: -t.count)
    unreviewed.sort(key=lambda t: -t.count)
    chosen = sorted(shown_actions.values(), key=lambda a: (a.priority.title, a.id))
    return PublicPage(
        survey=survey,
        intro=page.intro if page is not None else "",
        updated=page.published_at if page is not None and not preview else None,
        respondents=int(content.get("respondents", 0)),
        themes=themes,
        unreviewed=unreviewed,
        doing=[a for a in chosen if a.status != ActionStatus.NOT_TAKEN_FORWARD],
        not_doing=[a for a in chosen if a.status == ActionStatus.NOT_TAKEN_FORWARD],
        localities=localities,
        preview=preview,
        unnamed=unnamed,
    )


@dataclass(frozen=True)
class Checklist:
    """What an officer checks before publishing "You said, we did"."""

    themes: int
    reviewed: int
    quotes_shown: int
    quotes_unchecked: int  # in reviewed themes: not public until shown
    themes_without_action: int  # reviewed themes no action answers
    statements_out_of_date: int  # reviewed themes whose officer's sentences no longer add up
    survey_open: bool
    changed_since_published: bool  # the page would differ from the published one

    @property
    def all_reviewed(self) -> bool:
        return self.themes > 0 and self.reviewed == self.themes


def checklist(session: Session, survey: Survey, page: Publication | None, now: datetime) -> Checklist:
    content, unchecked, out_of_date = _draft(session, survey)
    # A theme no answer has now (every one moved away) is not on the public page, so it
    # is not one to review either.
    items = [item for item in content["themes"] if item["count"]]
    published = page.content if page is not None and page.published_at is not None else None
    return Checklist(
        themes=len(items),
        reviewed=sum(1 for item in items if item["reviewed"]),
        quotes_shown=sum(len(item["quotes"]) for item in items),
        quotes_unchecked=unchecked,
        themes_without_action=sum(1 for item in items if item["reviewed"] and not item["actions"]),
        statements_out_of_date=out_of_date,
        survey_open=survey_services.availability(survey, now).open,
        changed_since_published=published is not None and published != content,
    )


@dataclass
class QuoteSection:
    """One theme's quotes, for the officer's publication page."""

    analysis: ThemeAnalysis
    question: str
    theme: SnapshotTheme
    quotes: list[theme_queries.ShownQuote]


def quotes_to_publish(session: Session, survey: Survey) -> list[QuoteSection]:
    """Every quote the public page could show, theme by theme, with its state: what an
    officer checks before (and after) publishing."""
    analyses = _analyses(session, survey)
    if not analyses or survey.published is None:
        return []
    questions = {q.id: q.text for q in survey_services.definition_of(survey.published).questions()}
    reviews = theme_queries.quote_reviews(session, [analysis.id for analysis in analyses])
    return [
        QuoteSection(
            analysis,
            questions.get(analysis.question_id, analysis.question_id),
            theme,
            theme_queries.quotes_with_state(analysis, theme, reviews),
        )
        for analysis in analyses
        for theme in analysis.snapshot.themes
    ]


def published_surveys(session: Session) -> list[Publication]:
    return list(
        session.scalars(
            select(Publication)
            .where(Publication.published_at.is_not(None))
            .order_by(Publication.published_at.desc())
        )
    )


@dataclass(frozen=True)
class FeedEntry:
    id: str
    title: str
    summary: str
    updated: datetime
    link_slug: str


def feed_entries(session: Session, limit: int = 50) -> list[FeedEntry]:
    """Updates residents can follow: pages published, and status changes of actions on them."""
    entries = []
    for page in published_surveys(session):
        assert page.published_at is not None
        entries.append(
            FeedEntry(
                f"page-{page.id}-{page.published_at.isoformat()}",
                f"You said, we did: {page.survey.title}",
                page.intro[:300],
                page.published_at,
                page.survey.slug,
            )
        )
        shown = public_page(session, page.survey)
        if shown is None:
            continue
        for action in shown.doing + shown.not_doing:
            for change in action.history:
                if change.changed_at >= page.published_at or change is action.history[-1]:
                    entries.append(
                        FeedEntry(
                            f"action-{action.id}-change-{change.id}",
                            f"{action.title}: {change.status_label}",
                            change.reason or f"{action.title} is now {change.status_label.lower()}.",
                            change.changed_at,
                            page.survey.slug,
                        )
                    )
    unique = {entry.id: entry for entry in entries}
    return sorted(unique.values(), key=lambda e: e.updated, reverse=True)[:limit]


# --- importing an action plan ---------------------------------------------------------

IMPORT_COLUMNS = (
    "priority",
    "action",
    "description",
    "lead_officer",
    "timescale",
    "outputs",
    "outcomes",
    "status",
    "status_reason",
)


def _unneutralise(value: Any) -> str:
    """Undo the export's formula guard, so an exported plan imports unchanged."""
    text = "" if value is None else str(value)
    if text.startswith("'") and text[1:2] in FORMULA_TRIGGERS:
        return text[1:]
    return text


def _timescale(value: str) -> tuple[str, str] | None:
    text = value.strip()
    by_label = {label.lower(): code for code, label in TIMESCALES.items()}
    if text in TIMESCALES and text != "date":
        return text, ""
    if text.lower() in by_label and by_label[text.lower()] != "date":
        return by_label[text.lower()], ""
    match = re.fullmatch(r"(?:by\s+)?(\d{4}-\d{2}-\d{2})", text, flags=re.IGNORECASE)
    if match:
        try:
            date.fromisoformat(match.group(1))
        except ValueError:
            return None
        return "date", match.group(1)
    return None


def _status(value: str) -> str | None:
    text = value.strip() or ActionStatus.PROPOSED
    by_label = {label.lower(): code for code, label in STATUSES.items()}
    return text if text in STATUSES else by_label.get(text.lower())


@dataclass
class ImportResult:
    added: int = 0
    already: int = 0
    priorities: int = 0
    errors: list[str] = field(default_factory=list)


def read_table(filename: str, data: bytes) -> list[dict[str, str]]:
    """Rows of a CSV or XLSX file as dicts keyed by the (lower-cased) header.

    The file is read a row at a time and refused as soon as it passes a limit (see
    ``engage.actions.tables``): however it was made, it costs little memory and time.
    """
    name = filename.lower()
    if not name.endswith((".csv", ".xlsx")):
        raise ActionError({"file": _("Choose a CSV or XLSX file")})
    source = tables.read_xlsx(data) if name.endswith(".xlsx") else tables.read_csv(data)
    try:
        rows = list(tables.bounded_rows(source))
    except tables.TableError as error:
        raise ActionError({"file": str(error)}) from None
    finally:
        source.close()
    if not rows:
        raise ActionError({"file": _("The file is empty")})
    header = [str(h).strip().lower() for h in rows[0]]
    missing = [c for c in ("priority", "action", "timescale") if c not in header]
    if missing:
        problem = _("The first row must name the columns; missing: %(columns)s", columns=", ".join(missing))
        raise ActionError({"file": problem})
    return [
        {name: _unneutralise(row[i]) if i < len(row) else "" for i, name in enumerate(header) if name}
        for row in rows[1:]
    ]


def _column(heading: str) -> str:
    """A column of the import file named in a row's problem: "the lead_officer"."""
    # Translators: %(column)s is a column's heading in the file (lead_officer): keep it as it is.
    return str(_("the %(column)s", column=heading))


def import_plan(
    session: Session, rows: list[dict[str, str]], now: datetime, by: StaffUser | None
) -> ImportResult:
    """All or nothing: every row is checked first; an action already under its priority is skipped."""
    result = ImportResult()
    planned = []
    for number, row in enumerate(rows, start=2):
        priority_title, title = _clean(row.get("priority"), TITLE_MAX), _clean(row.get("action"), TITLE_MAX)
        timescale, status = _timescale(row.get("timescale", "")), _status(row.get("status", ""))
        reason = _clean(row.get("status_reason"), TEXT_MAX, multiline=True)
        problems = [
            text_rule.message(_column(column), multiline=column in MULTI_LINE_COLUMNS)
            for column in IMPORT_TEXT_COLUMNS
            if text_rule.refused(str(row.get(column) or ""), multiline=column in MULTI_LINE_COLUMNS)
        ]
        if not priority_title or len(priority_title) > TITLE_MAX:
            problems.append(_("give the priority"))
        if not title or len(title) > TITLE_MAX:
            problems.append(_("give the action, %(num)d characters or fewer", num=TITLE_MAX))
        if timescale is None:
            problems.append(
                # Translators: the timescales as the file must give them, in English (the import reads those).
                _("give a timescale: Year 1, Year 2, Year 3, Pilot, Roll-out, Ongoing or By YYYY-MM-DD")
            )
        if status is None:
            problems.append(
                # Translators: the statuses as the file must give them, in English (the import reads those).
                _("give a status: Proposed, Agreed, In progress, Done or Not taken forward")
            )
        elif status == ActionStatus.NOT_TAKEN_FORWARD and not reason:
            # Translators: status_reason is a column's heading in the file: keep it as it is.
            problems.append(_("say why it is not taken forward in status_reason"))
        if problems:
            # Translators: %(problems)s is one or more of the row's problems, joined by semicolons.
            result.errors.append(_("Row %(row)s: %(problems)s", row=number, problems="; ".join(problems)))
        else:
            planned.append((priority_title, title, timescale, status, reason, row))
    if result.errors:
        return result
    for priority_title, title, timescale, status, reason, row in planned:
        assert timescale is not None and status is not None
        found = session.scalar(select(Priority).where(Priority.title == priority_title))
        if found is None:
            found = add_priority(session, priority_title, "", now, by)
            result.priorities += 1
        priority = found
        if any(a.title == title for a in priority.actions):
            result.already += 1
            continue
        form = NewAction(  # add_action cleans the text (surveys.text) as it does a form's
            priority_id=str(priority.id),
            title=title,
            description=str(row.get("description") or ""),
            lead_officer=str(row.get("lead_officer") or ""),
            timescale=timescale[0],
            due_on=timescale[1],
            outputs=str(row.get("outputs") or ""),
            outcomes=str(row.get("outcomes") or ""),
        )
        action = add_action(session, form, now, by)
        session.refresh(priority)
        if status != ActionStatus.PROPOSED:
            change_status(session, action, status, reason, now, by)
        result.added += 1
    return result


# --- single responses and actions -----------------------------------------------------


def link_response(
    session: Session, action_id: str, response: Response, now: datetime, by: StaffUser | None
) -> ResponseLink:
    action = session.get(Action, number) if (number := inputs.record_id(action_id)) else None
    if action is None:
        raise ActionError({"action": _("Select an action from the list")})
    exists = session.scalar(
        select(ResponseLink).where(
            ResponseLink.action_id == action.id, ResponseLink.response_id == response.id
        )
    )
    if exists is not None:
        raise ActionError({"action": _("This response is already linked to that action")})
    made = ResponseLink(action_id=action.id, response_id=response.id, created_at=now, created_by=by)
    session.add(made)
    session.flush()
    audit.record(
        session,
        "action_plan.response_linked",
        object_type="action",
        object_id=action.id,
        summary=f"Linked response {response.public_id} to '{action.title}'",
        actor=by,
    )
    return made


def responses_for_action(session: Session, action: Action) -> list[Response]:
    return list(
        session.scalars(
            select(Response)
            .join(ResponseLink, ResponseLink.response_id == Response.id)
            .where(ResponseLink.action_id == action.id)
            .order_by(Response.id)
        )
    )


# --- reacting to the themes' changes (engage.platform.events) ---------------------------------------


@events.theme_merged.connect
def _links_follow_merge(analysis: ThemeAnalysis, *, session: Session, merged: list[str], into: str) -> None:
    follow_merge(session, analysis, merged, into)


@events.theme_split.connect
def _links_follow_split(
    analysis: ThemeAnalysis,
    *,
    session: Session,
    theme_id: str,
    label: str,
    parts: list[str],
    by: StaffUser | None = None,
) -> int:
    return follow_split(session, analysis, theme_id, label, parts, by)

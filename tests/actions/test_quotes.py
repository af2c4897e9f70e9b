"""Quotes on public pages: none is published before an officer has seen it and chosen to
show it; any can be hidden again; decisions are audited and only officers make them; and
quotes are redacted again, with today's rules, wherever they are shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from engage.accounts.models import Role, StaffUser
from engage.actions import services as action_services
from engage.platform import clock
from engage.platform.database import db
from engage.platform.models import AuditEvent
from engage.themes import services
from engage.themes.models import QuoteReview, ThemeAnalysis
from engage.themes.queries import quote_key
from surveys.equality import SMALL_GROUP
from surveys.models import Survey
from tests.support.actions import pdf_text, themed
from tests.support.pages import Page, PageClient
from tests.support.themes import SLUG, URL, add_responses, analysed, client_for, review_theme

__all__ = ["themed"]
PUBLIC = f"/you-said-we-did/{SLUG}"
EDITOR = f"/staff/surveys/{SLUG}/you-said-we-did"


def publish(officer: PageClient) -> Page:
    return officer.submit(
        officer.get(EDITOR),
        {"intro": "Thank you.", "publish": "publish", "open_reason": "An interim update"},
        selector="main form",
    )


def quote_forms(page: Page, decision: str) -> list[str]:
    """The keys of the quotes a page offers to show (or hide), in page order."""
    return [
        str(form["data-quote"]) for form in page.soup.select(f"form[data-quote][data-decision={decision}]")
    ]


def decide(officer: PageClient, page: Page, key: str, decision: str) -> Page:
    return officer.submit(page, selector=f"form[data-quote='{key}'][data-decision={decision}]")


def text_of(key: str, quotes: list[str]) -> str:
    return next(quote for quote in quotes if quote_key(quote) == key)


def all_quotes(app: Flask) -> list[str]:
    return [q for theme in analysed(app).result["themes"] for q in theme["quotes"]]


def public_text(app: Flask) -> str:
    return PageClient(app.test_client()).get(PUBLIC).text


def feed_text(app: Flask) -> str:
    return app.test_client().get("/you-said-we-did/feed.atom").get_data(as_text=True)


def test_no_quote_is_public_until_an_officer_shows_it_and_publishes_again(
    app: Flask, themed: list[dict[str, object]], officer: PageClient
) -> None:
    review_theme(officer, str(analysed(app).result["themes"][0]["id"]))
    published = publish(officer)
    quotes = all_quotes(app)
    assert quotes
    text, feed = public_text(app), feed_text(app)
    assert not [q for q in quotes if q in text], "nothing is public before an officer has seen it"
    assert not [q for q in quotes if q in feed]
    # The publication page lists every quote that could be published, each not checked yet.
    offered = quote_forms(published, "show")
    assert len(offered) == len(set(quotes)) and set(offered) == {quote_key(q) for q in quotes}
    assert "not checked" in published.text.lower()
    first = text_of(offered[0], quotes)
    after = decide(officer, published, offered[0], "show")
    assert after.response.request.path == EDITOR, "back on the publication page"
    assert "The quote will be shown on the public page" in after.text
    # The public page is a snapshot: the quote waits for the next publish.
    assert first not in public_text(app)
    assert "Changes not published" in officer.get(EDITOR).text
    publish(officer)
    assert first in public_text(app)
    assert not [q for q in quotes if q != first and q in public_text(app)]
    assert first not in feed_text(app), "the feed carries no quotes"


def test_a_quote_of_a_theme_nobody_has_reviewed_is_never_public(
    app: Flask, themed: list[dict[str, object]], officer: PageClient
) -> None:
    theme = analysed(app).result["themes"][0]
    page = officer.get(f"{URL}/t/{theme['id']}")
    key = quote_forms(page, "show")[0]
    decide(officer, page, key, "show")
    publish(officer)
    shown = PageClient(app.test_client()).get(PUBLIC)
    assert text_of(key, theme["quotes"]) not in shown.text
    listed = shown.soup.select_one("#not-reviewed + p + ul")
    assert listed is not None and str(theme["label"]) in listed.get_text()


def test_a_hidden_quote_leaves_the_public_page_at_once_and_decisions_are_audited(
    app: Flask, themed: list[dict[str, object]], officer: PageClient
) -> None:
    theme = analysed(app).result["themes"][0]
    review_theme(officer, str(theme["id"]))
    page = officer.get(f"{URL}/t/{theme['id']}")
    key = quote_forms(page, "show")[0]
    quote = text_of(key, theme["quotes"])
    page = decide(officer, page, key, "show")
    assert page.response.request.path == f"{URL}/t/{theme['id']}"
    publish(officer)
    assert quote in public_text(app)
    page = officer.get(f"{URL}/t/{theme['id']}")
    assert quote_forms(page, "hide")[0] == key and key not in quote_forms(page, "show")
    page = decide(officer, page, key, "hide")
    assert "The quote is hidden from the public page" in page.text
    assert quote not in public_text(app), "hiding takes effect without publishing again"
    decide(officer, page, key, "show")  # un-hidden: it was published, so it is back at once
    assert quote in public_text(app)
    with app.app_context():
        events = (
            db()
            .scalars(
                select(AuditEvent).where(AuditEvent.action.like("themes.quote_%")).order_by(AuditEvent.id)
            )
            .all()
        )
        assert [e.action for e in events] == [
            "themes.quote_shown",
            "themes.quote_hidden",
            "themes.quote_shown",
        ]
        assert all(e.actor_id is not None and theme["label"] in e.summary for e in events)
        assert all(quote not in e.summary and quote not in str(e.details) for e in events), (
            "the audit log keeps no copy of what a resident wrote"
        )
        review = db().scalars(select(QuoteReview)).one()
        assert review.shown and review.decided_by


def test_only_officers_decide_and_the_form_needs_its_token(
    app: Flask, themed: list[dict[str, object]], officer: PageClient, make_staff: Callable[..., StaffUser]
) -> None:
    theme = analysed(app).result["themes"][0]
    viewer = client_for(app, make_staff, Role.VIEWER)
    seen = viewer.get(f"{URL}/t/{theme['id']}")
    assert not seen.soup.select("form[data-quote]"), "viewers see the quotes and their state, no buttons"
    assert "Not checked" in seen.text
    token = seen.soup.select_one("input[name=csrf_token]")
    page = officer.get(f"{URL}/t/{theme['id']}")
    quote_form = page.soup.select_one("form[data-quote][data-decision=show]")
    assert quote_form is not None
    fields = {str(i["name"]): str(i.get("value", "")) for i in quote_form.select("input[name]")}
    action = str(quote_form["action"])
    assert (
        viewer.client.post(action, data={**fields, "csrf_token": token["value"] if token else ""}).status_code
        == 403
    )
    without_token = {k: v for k, v in fields.items() if k != "csrf_token"}
    assert officer.client.post(action, data=without_token).status_code == 400
    with app.app_context():
        assert db().scalars(select(QuoteReview)).all() == []


def test_a_quote_no_longer_in_the_theme_is_refused(
    app: Flask, themed: list[dict[str, object]], officer: PageClient
) -> None:
    theme = analysed(app).result["themes"][0]
    page = officer.get(f"{URL}/t/{theme['id']}")
    for data in (
        {"quote": "0" * 64},
        {"quote": "not a key"},
        {"theme": "t999"},
        {"decision": "publish-everything"},
        {"back": "https://evil.example/"},
    ):
        form = page.soup.select_one("form[data-quote][data-decision=show]")
        assert form is not None
        if "back" in data:
            done = officer.submit(page, data, selector="form[data-quote][data-decision=show]")
            assert done.response.request.path == URL, "an unknown 'back' goes to the question's themes"
            continue
        refused = officer.submit(
            page, data, selector="form[data-quote][data-decision=show]", expected_status=400
        )
        assert refused.error_summary(), data
    with app.app_context():
        assert len(db().scalars(select(QuoteReview)).all()) == 1  # only the 'back' one was accepted


def test_quotes_that_appear_later_are_not_public_until_seen(
    app: Flask, themed: list[dict[str, object]], officer: PageClient
) -> None:
    themes = analysed(app).result["themes"]
    first, second = themes[0], themes[1]
    review_theme(officer, str(first["id"]))
    first = analysed(app).result["themes"][0]
    page = officer.get(EDITOR)
    for quote in first["quotes"]:
        page = decide(officer, page, quote_key(quote), "show")
    shown = set(first["quotes"])
    publish(officer)
    merge_page = officer.get(URL)
    form = next(
        f for f in merge_page.soup.select("main form") if f.select_one("input[name=action][value=merge]")
    )
    officer.client.post(
        str(form["action"]),
        data={
            "csrf_token": str(form.select_one("input[name=csrf_token]")["value"]),  # type: ignore[index]
            "action": "merge",
            "theme": second["id"],
            "into": first["id"],
        },
    )
    merged = next(t for t in analysed(app).result["themes"] if t["id"] == first["id"])
    assert set(merged["quotes"]) - shown, "the merge brought quotes nobody has checked"
    publish(officer)
    text = public_text(app)
    assert [q for q in merged["quotes"] if q in shown][:3] == [q for q in merged["quotes"] if q in text]
    # New answers: a new quote is not public either.
    add_responses(app, ["Open later in the evenings please, I am Sarah Jones and I work late"] * 3)
    officer.submit(officer.get(URL), selector="form#run")
    publish(officer)
    text = public_text(app)
    quotes = [q for theme in analysed(app).result["themes"] for q in theme["quotes"]]
    assert not [q for q in quotes if q in text and q not in shown]
    assert [q for q in quotes if q in text], "the quotes already shown stay"
    assert "Sarah Jones" not in text


def test_quotes_stored_with_weaker_redaction_are_redacted_again_when_shown(
    app: Flask, themed: list[dict[str, object]], officer: PageClient
) -> None:
    """Snapshots made before redaction improved hold quotes redacted by the old rules."""
    stale = "I am Sarah Jones of 14 Mill Lane, ring 0 7 7 0 0 9 0 0 1 2 3, open later please"
    review_theme(officer, str(analysed(app).result["themes"][0]["id"]))
    with app.app_context():
        analysis = db().scalars(select(ThemeAnalysis)).one()
        theme = analysis.result["themes"][0]
        theme["quotes"] = [stale, *theme["quotes"][1:]]
        flag_modified(analysis, "result")
        db().commit()
    for page in (officer.get(URL), officer.get(f"{URL}/t/{theme['id']}"), officer.get(EDITOR)):
        assert "Sarah Jones" not in page.text and "Mill Lane" not in page.text, page.response.request.path
        assert "I am [name] of [address], ring [phone], open later please" in page.text
    page = officer.get(EDITOR)
    decide(officer, page, quote_key("I am [name] of [address], ring [phone], open later please"), "show")
    publish(officer)
    text = public_text(app)
    assert "I am [name] of [address], ring [phone], open later please" in text
    assert "Sarah" not in text and "Mill Lane" not in text and "0 7 7" not in text


def test_the_pdf_report_quotes_only_what_an_officer_has_shown(
    app: Flask, themed: list[dict[str, object]], officer: PageClient
) -> None:
    quotes = all_quotes(app)
    before = pdf_text(officer.client.get(f"/staff/surveys/{SLUG}/report.pdf").get_data())
    # Theme labels are phrases residents wrote, up to six words and never a whole answer,
    # so seven words of a quote (or all of a shorter one) appear only once it is shown.
    assert not [q for q in quotes if " ".join(q.split()[:7]) in before]
    assert "approved" in before.lower()
    page = officer.get(EDITOR)
    chosen = text_of(quote_forms(page, "show")[0], quotes)
    decide(officer, page, quote_key(chosen), "show")
    after = pdf_text(officer.client.get(f"/staff/surveys/{SLUG}/report.pdf").get_data())
    assert " ".join(chosen.split()[:4]) in after


def test_two_officers_deciding_the_same_quote_at_once_is_not_an_error(
    app: Flask, themed: list[dict[str, object]], officer: PageClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other officer's decision lands between reading and saving: the unique key
    refuses the second row and the request simply tries again, updating it."""
    real = services.review_quote
    raced: list[bool] = []

    def racing(session: Session, analysis: ThemeAnalysis, *args: Any, **kwargs: Any) -> None:
        if not raced:
            raced.append(True)
            with Session(session.get_bind()) as other:
                other.add(
                    QuoteReview(
                        analysis_id=analysis.id,
                        quote_key=args[1],
                        shown=False,
                        decided_at=clock.now(),
                        decided_by_id=None,  # the other officer
                    )
                )
                other.commit()
            with monkeypatch.context() as patch:
                patch.setattr(session, "scalar", lambda *_a, **_k: None)  # read before the other saved
                real(session, analysis, *args, **kwargs)
            return
        real(session, analysis, *args, **kwargs)

    monkeypatch.setattr(services, "review_quote", racing)
    theme = analysed(app).result["themes"][0]
    page = officer.get(f"{URL}/t/{theme['id']}")
    key = quote_forms(page, "show")[0]
    done = decide(officer, page, key, "show")
    assert "The quote will be shown on the public page" in done.text and raced
    with app.app_context():
        review = db().scalars(select(QuoteReview)).one()
        assert review.shown and review.decided_by is not None, "the signed-in officer's decision"


def test_a_small_theme_nobody_has_reviewed_is_counted_but_not_named(
    app: Flask, themed: list[dict[str, object]], officer: PageClient
) -> None:
    """A machine-made name of a theme of one or two answers is those residents' words:
    until an officer has reviewed it, the public page names only unreviewed themes that at
    least SMALL_GROUP people raised (overall, or in the locality shown)."""
    publish(officer)
    public = PageClient(app.test_client())
    for place in (None, "riverside-valley"):
        page = public.get(PUBLIC + (f"?locality={place}" if place else ""))
        listed = page.soup.select("#not-reviewed ~ ul li")
        counts = [int(li.get_text().rsplit(":", 1)[1].split()[0]) for li in listed]
        assert all(count >= SMALL_GROUP for count in counts), (place, counts)
        small = [t for t in themed if 0 < _count(t, place) < SMALL_GROUP]
        assert bool(page.soup.select_one("#not-named")) == bool(small), place
        names = " ".join(li.get_text() for li in listed)
        assert not [t for t in small if f"{t['label']}:" in names], place
        with app.app_context():
            survey = db().scalar(select(Survey).where(Survey.slug == SLUG))
            assert survey is not None
            shown = action_services.public_page(db(), survey, place)
        assert shown is not None and shown.unnamed == len(small) and len(shown.unreviewed) == len(listed)
    # The riverside answers are one round of the corpus: some of its themes are small there.
    assert [t for t in themed if 0 < _count(t, "riverside-valley") < SMALL_GROUP]


def _count(theme: dict[str, object], place: str | None) -> int:
    """How many people raised ``theme``, overall or in ``place``, as the public page counts them."""
    if place is None:
        return int(str(theme["size"]))
    by_locality = theme.get("by_locality") or {}
    assert isinstance(by_locality, dict)
    return int(by_locality.get(place, 0))


def test_sentences_whose_numbers_no_longer_add_up_are_flagged_before_publishing(
    app: Flask, themed: list[dict[str, object]], officer: PageClient
) -> None:
    theme = analysed(app).result["themes"][0]
    review_theme(officer, str(theme["id"]))
    total = sum(theme["stance"].values())
    page = officer.get(f"{URL}/t/{theme['id']}")
    form = "form:has(input[name=action][value=statements])"
    right = f"Most who raised this ({total} of {total}) want it."
    saved = officer.submit(page, {"majority": right, "minority": "Nobody disagreed."}, selector=form)
    assert saved.soup.select_one("#statements-out-of-date") is None
    assert "no longer add up" not in officer.get(EDITOR).text
    # Written against other numbers (as before answers came in or moved): both pages say so.
    stale = f"Most who raised this ({total} of {total + 5}) want it."
    saved = officer.submit(saved, {"majority": stale, "minority": "Nobody disagreed."}, selector=form)
    warning = saved.soup.select_one("#statements-out-of-date")
    assert warning is not None and f"{total} answers raise this theme now" in warning.get_text()
    checks = officer.get(EDITOR).soup.select_one("#checks")
    assert checks is not None and "1 reviewed theme has support and opposition sentences" in checks.get_text()

"""Officers' email alerts: each officer chooses them on "Email alerts" (all off until they
do); the hourly run queues each alert in the outbox once (a daily digest of new responses,
a survey of theirs closing in 3 days, an action due or overdue, forum sign-ups); every
email's links come from ENGAGE_BASE_URL, and its unsubscribe link (also RFC 8058 one-click)
turns off that one alert without signing in."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from engage.accounts.models import Role, StaffUser
from engage.actions.models import Action
from engage.alerts import services as alerts
from engage.alerts.models import AlertKind
from engage.forums.models import Forum, ForumMember, MemberStatus
from engage.platform import clock
from engage.platform.database import db
from engage.platform.models import AuditEvent, OutboundEmail
from surveys import services as surveys
from surveys.models import Survey
from tests.conftest import FrozenClock, sign_in
from tests.support.dashboard import DEFINITION, NOW, seed
from tests.support.pages import PageClient

# Not the test client's own address (localhost): links must come from the setting.
BASE = "http://consult.anyshire.example:8080"
OFFICER = "olu.officer@anyshire.gov.uk"
OTHER = "someone.else@anyshire.gov.uk"


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"base_url": BASE}


@pytest.fixture
def seeded(app: Flask, frozen_clock: FrozenClock) -> Flask:
    """The dashboard's service (see tests/support/dashboard.py) at NOW, Tuesday 9am."""
    seed(app, OFFICER, OTHER)
    return app


def _user(email: str) -> StaffUser:
    user = db().scalar(select(StaffUser).where(StaffUser.email == email))
    assert user is not None
    return user


def choose(app: Flask, email: str, *kinds: AlertKind, at: datetime | None = None) -> None:
    with app.app_context():
        alerts.set_choices(db(), _user(email), set(kinds), at or clock.now())
        db().commit()


def run(app: Flask, at: datetime | None = None) -> list[OutboundEmail]:
    """The alerts run at ``at`` (default: now); the emails it queued."""
    with app.app_context():
        queued = alerts.send_alerts(db(), at or clock.now())
        for message in queued:
            db().expunge(message)
        return queued


def emails_to(app: Flask, address: str) -> list[OutboundEmail]:
    with app.app_context():
        found = list(
            db().scalars(
                select(OutboundEmail).where(OutboundEmail.to_address == address).order_by(OutboundEmail.id)
            )
        )
        for message in found:
            db().expunge(message)
        return found


def links(message: OutboundEmail) -> list[str]:
    return re.findall(r"https?://[^\s\"<>]+", message.text_body + message.html_body)


def unsubscribe_path(message: OutboundEmail) -> str:
    url = message.headers["List-Unsubscribe"].strip("<>")
    assert url.startswith(BASE + "/"), url
    return url.removeprefix(BASE)


def london(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in November/December 2026 (GMT, so London is UTC)."""
    month = 11 if day >= 20 else 12
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


# --- choosing --------------------------------------------------------------------------


def test_everything_is_off_until_the_officer_chooses_and_choices_are_saved_and_shown(
    app: Flask, client: PageClient, make_staff: Callable[..., StaffUser]
) -> None:
    user = make_staff(Role.OFFICER, email=OFFICER)
    sign_in(client, user.email)
    page = client.get("/staff/email-alerts")
    assert page.h1 == "Email alerts"
    assert OFFICER in page.text
    boxes = page.soup.select("input[type=checkbox][name=kinds]")
    assert [str(box["value"]) for box in boxes] == [kind.value for kind in AlertKind]
    assert not any(box.has_attr("checked") for box in boxes)
    nav = page.soup.select_one("nav[aria-label=Menu]")
    assert nav is not None
    link = nav.select_one('a[href="/staff/email-alerts"]')
    assert link is not None and link.get_text(strip=True) == "Email alerts"

    saved = client.submit(page, {"kinds": ["digest", "action_due"]})
    assert saved.h1 == "Email alerts"
    assert "Your email alerts have been saved" in saved.text
    checked = [str(box["value"]) for box in saved.soup.select("input[name=kinds][checked]")]
    assert checked == ["digest", "action_due"]

    again = client.submit(saved, {"kinds": ["action_due", "forum_sign_up"]})
    checked = [str(box["value"]) for box in again.soup.select("input[name=kinds][checked]")]
    assert checked == ["action_due", "forum_sign_up"]
    with app.app_context():
        assert alerts.choices(db(), _user(OFFICER)) == {AlertKind.ACTION_DUE, AlertKind.FORUM_SIGN_UP}
        event = db().scalars(select(AuditEvent).where(AuditEvent.action == "staff.alerts_changed")).all()[-1]
        assert "forum sign-up" in event.summary.lower()

    none = client.submit(again, {"kinds": []})
    assert none.soup.select("input[name=kinds][checked]") == []


def test_a_choice_that_is_not_offered_is_refused_and_nothing_chosen_is_lost(
    app: Flask, client: PageClient, make_staff: Callable[..., StaffUser]
) -> None:
    user = make_staff(Role.OFFICER, email=OFFICER)
    sign_in(client, user.email)
    page = client.get("/staff/email-alerts")
    refused = client.submit(page, {"kinds": ["digest", "every_minute"]}, expected_status=400)
    assert refused.error_summary() == ["Select only the alerts listed"]
    assert [str(b["value"]) for b in refused.soup.select("input[name=kinds][checked]")] == ["digest"]
    with app.app_context():
        assert alerts.choices(db(), _user(OFFICER)) == set()


def test_only_officers_and_administrators_choose_alerts(
    client: PageClient, signed_in: Callable[[Role], StaffUser]
) -> None:
    signed_in(Role.BRANCH_STAFF)
    page = client.get("/staff/")
    nav = page.soup.select_one("nav[aria-label=Menu]")
    assert nav is not None and nav.select_one('a[href="/staff/email-alerts"]') is None
    client.get("/staff/email-alerts", expected_status=403)


# --- the daily digest -------------------------------------------------------------------


def test_the_digest_counts_new_responses_per_survey_since_the_last_one_once_a_day(seeded: Flask) -> None:
    # Chosen on Monday at 6am: the response made at 3am that day is older news.
    choose(seeded, OFFICER, AlertKind.DIGEST, at=london(23, 6))
    assert run(seeded, london(24, 6, 59)) == [], "not before 7am"
    (digest,) = run(seeded, NOW)
    assert digest.to_address == OFFICER
    assert digest.subject == "New responses: 4 since Monday 23 November 2026, 6am"
    assert digest.purpose == "staff_alert_digest"
    assert "Mobile library stops: 4 new responses" in digest.text_body
    assert "Area not given: 4" in digest.text_body
    assert BASE + "/staff/surveys/mine-open/responses" in digest.text_body
    assert "Archive search room" not in digest.text_body  # nothing new there
    assert run(seeded, NOW) == [] and run(seeded, NOW + timedelta(hours=5)) == [], "once a day"

    # One more response on Tuesday afternoon: Wednesday's digest has just that one.
    with seeded.app_context():
        survey = db().scalar(select(Survey).where(Survey.slug == "mine-open"))
        assert survey is not None and survey.published is not None
        started = surveys.start_response(db(), survey.published, london(24, 15))
        surveys.submit(db(), started.response, surveys.definition_of(survey.published), london(24, 15))
        db().commit()
    (wednesday,) = run(seeded, london(25, 7, 5))
    assert wednesday.subject == "New responses: 1 since Tuesday 24 November 2026, 9am"
    assert "Mobile library stops: 1 new response\n" in wednesday.text_body
    # Nothing new on Thursday: no email, and Friday's digest still starts at Wednesday's.
    assert run(seeded, london(26, 7, 5)) == []
    assert len(emails_to(seeded, OFFICER)) == 2


def test_the_digest_says_which_areas_responses_came_from(app: Flask, frozen_clock: FrozenClock) -> None:
    with app.app_context():
        officer = StaffUser(email=OFFICER, name="Olu", role="officer", password_hash="x", created_at=NOW)
        db().add(officer)
        data = copy.deepcopy(DEFINITION) | {
            "slug": "branches",
            "title": "Branch opening hours",
            "localities": [{"code": "north", "name": "Northgate"}, {"code": "south", "name": "Southbrook"}],
        }
        version = surveys.save_definition(db(), data, NOW)
        surveys.publish(db(), version.survey, NOW)
        for code in ("north", "north", "south", None):
            started = surveys.start_response(db(), version, NOW, locality_code=code)
            surveys.submit(db(), started.response, surveys.definition_of(version), NOW)
        db().commit()
    choose(app, OFFICER, AlertKind.DIGEST, at=NOW - timedelta(hours=1))
    (digest,) = run(app, NOW + timedelta(days=1))
    assert "Branch opening hours: 4 new responses" in digest.text_body
    assert "Northgate: 2" in digest.text_body and "Southbrook: 1" in digest.text_body
    assert "Area not given: 1" in digest.text_body


# --- surveys closing, actions due, forum sign-ups -----------------------------------------


def test_a_survey_closing_in_3_days_is_sent_once_to_its_creator(seeded: Flask) -> None:
    choose(seeded, OFFICER, AlertKind.CLOSING_SOON)
    choose(seeded, OTHER, AlertKind.CLOSING_SOON)
    # "Mobile library stops" closes on Saturday 28 November at 11:59pm: 4½ days away.
    assert run(seeded, NOW) == []
    (closing,) = run(seeded, london(26, 0, 30))
    assert closing.to_address == OFFICER
    assert closing.subject == "Closing in 3 days: Mobile library stops"
    assert "closes on Saturday 28 November 2026, 11:59pm" in closing.text_body
    assert "5 responses so far" in closing.text_body
    assert BASE + "/staff/surveys/mine-open" in closing.text_body
    assert run(seeded, london(26, 1, 30)) == [] and run(seeded, london(28, 12)) == []


def test_a_closing_survey_whose_creator_has_left_goes_to_every_officer_who_chose_it(
    seeded: Flask, make_staff: Callable[..., StaffUser]
) -> None:
    third = make_staff(Role.ADMIN, email="ada.admin@anyshire.gov.uk")
    choose(seeded, third.email, AlertKind.CLOSING_SOON)
    assert run(seeded, london(26, 0, 30)) == [], "it is Olu's survey, and Olu's account is active"
    with seeded.app_context():
        _user(OFFICER).is_active_account = False
        db().commit()
    (closing,) = run(seeded, london(26, 2))
    assert closing.to_address == third.email


def test_actions_due_within_3_days_or_overdue_are_sent_once_per_due_date(seeded: Flask) -> None:
    choose(seeded, OFFICER, AlertKind.ACTION_DUE)
    (due,) = run(seeded, NOW)
    assert due.subject == "Action overdue: Extend Saturday hours"
    assert "Extend Saturday hours (Opening hours): was due on 1 November 2026" in due.text_body
    assert "Fix the clock" not in due.text_body  # done
    assert "Survey evening demand" not in due.text_body  # due on 5 December, 11 days away
    assert re.search(re.escape(BASE) + r"/staff/actions/\d+", due.text_body)
    assert run(seeded, NOW + timedelta(hours=1)) == []

    (later,) = run(seeded, london(2, 9))
    assert later.subject == "Action due: Survey evening demand"
    assert "is due on 5 December 2026" in later.text_body
    assert "Extend Saturday hours" not in later.text_body, "already told"

    # A new due date is news again.
    with seeded.app_context():
        action = db().scalar(select(Action).where(Action.title == "Extend Saturday hours"))
        assert action is not None
        action.due_on = "2026-12-04"
        db().commit()
    (moved,) = run(seeded, london(2, 10))
    assert "Extend Saturday hours (Opening hours): is due on 4 December 2026" in moved.text_body


def _member(app: Flask, status: str, confirmed: datetime | None, name: str) -> None:
    with app.app_context():
        forum = db().scalar(select(Forum).where(Forum.slug == "young-people"))
        assert forum is not None
        db().add(
            ForumMember(
                forum_id=forum.id,
                status=status,
                name=name,
                email=f"{name.lower()}@example.com",
                email_key=f"{name.lower()}@example.com",
                organisation_type="resident",
                localities=[],
                interests=[],
                channel="online",
                created_at=confirmed or NOW,
                confirmed_at=confirmed,
                updated_at=NOW,
            )
        )
        db().commit()


def test_forum_sign_ups_are_alerted_once_without_the_persons_details(seeded: Flask) -> None:
    # The seed's three members confirmed at NOW; the officer chose the alert the day before.
    choose(seeded, OFFICER, AlertKind.FORUM_SIGN_UP, at=NOW - timedelta(days=1))
    (signed,) = run(seeded, NOW + timedelta(minutes=30))
    assert signed.subject == "3 new forum sign-ups"
    assert "Young people's forum: 1 new member, 2 on the waiting list" in signed.text_body
    assert BASE + "/staff/forums/young-people" in signed.text_body
    for n in range(3):
        assert f"Member {n}" not in signed.text_body + signed.html_body
        assert f"member{n}@example.com" not in signed.text_body + signed.html_body
    assert run(seeded, NOW + timedelta(hours=1)) == []

    # Signed up but not yet confirmed: not a sign-up yet.
    _member(seeded, MemberStatus.PENDING, None, "Pending")
    assert run(seeded, NOW + timedelta(hours=2)) == []
    _member(seeded, MemberStatus.ACTIVE, NOW + timedelta(hours=2), "Jo")
    (one,) = run(seeded, NOW + timedelta(hours=3))
    assert one.subject == "New forum sign-up: Young people's forum"
    assert "Young people's forum: 1 new member\n" in one.text_body


def test_sign_ups_from_before_the_alert_was_chosen_are_not_news(seeded: Flask) -> None:
    choose(seeded, OFFICER, AlertKind.FORUM_SIGN_UP, at=NOW + timedelta(minutes=1))
    assert run(seeded, NOW + timedelta(hours=1)) == []


def test_only_active_officers_and_administrators_get_alerts(
    seeded: Flask, make_staff: Callable[..., StaffUser]
) -> None:
    viewer = make_staff(Role.VIEWER)
    branch = make_staff(Role.BRANCH_STAFF)
    gone = make_staff(Role.OFFICER)
    for user in (viewer, branch, gone):
        # Chosen while they could (a role changes; an account is deactivated).
        choose(seeded, user.email, AlertKind.ACTION_DUE)
    with seeded.app_context():
        _user(gone.email).is_active_account = False
        db().commit()
    assert run(seeded, NOW) == []


def test_every_run_is_safe_to_repeat_and_everything_goes_once(seeded: Flask) -> None:
    choose(seeded, OFFICER, *AlertKind, at=london(23, 6))
    first = run(seeded, london(26, 8))
    assert sorted(m.purpose for m in first) == [
        "staff_alert_action_due",
        "staff_alert_closing_soon",
        "staff_alert_digest",
        "staff_alert_forum_sign_up",
    ]
    for _ in range(3):
        assert run(seeded, london(26, 8)) == []
    assert len(emails_to(seeded, OFFICER)) == 4


def test_a_run_that_read_before_another_committed_sends_nothing_twice(
    seeded: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two runs at once (cron and the worker): both see the overdue action as not yet
    sent. The unique key stops the second; its email is rolled back with it."""
    choose(seeded, OFFICER, AlertKind.ACTION_DUE, AlertKind.FORUM_SIGN_UP, at=NOW - timedelta(days=1))
    assert len(run(seeded, NOW)) == 2
    monkeypatch.setattr(alerts, "_sent", lambda *args: set())  # what the other run read
    assert run(seeded, NOW) == []
    assert len(emails_to(seeded, OFFICER)) == 2


# --- the emails themselves -----------------------------------------------------------------


def test_alert_emails_wait_in_the_outbox_with_every_link_from_the_base_url(seeded: Flask) -> None:
    choose(seeded, OFFICER, *AlertKind, at=london(23, 6))
    queued = run(seeded, london(26, 8))
    assert len(queued) == 4
    for message in emails_to(seeded, OFFICER):
        assert message.status == "outbox"
        found = links(message)
        assert found and all(link.startswith(BASE + "/") for link in found), found
        assert BASE + "/staff/email-alerts" in message.text_body
        url = message.headers["List-Unsubscribe"]
        assert url.startswith(f"<{BASE}/staff/email-alerts/stop/")
        assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert url.strip("<>") in message.text_body


# --- unsubscribing -------------------------------------------------------------------------


def test_the_unsubscribe_link_turns_off_that_alert_only_without_signing_in(seeded: Flask) -> None:
    choose(seeded, OFFICER, AlertKind.DIGEST, AlertKind.ACTION_DUE, at=london(23, 6))
    queued = run(seeded, NOW)
    digest = next(m for m in queued if m.purpose == "staff_alert_digest")
    client = PageClient(seeded.test_client())
    path = unsubscribe_path(digest)
    page = client.get(path)
    assert page.h1 == "Stop daily digest emails"
    assert OFFICER in page.text
    done = client.submit(page)
    assert done.h1 == "You will not get daily digest emails"
    with seeded.app_context():
        assert alerts.choices(db(), _user(OFFICER)) == {AlertKind.ACTION_DUE}
    # Using it again changes nothing and says the same.
    assert client.submit(client.get(path)).h1 == "You will not get daily digest emails"


def test_one_click_unsubscribe_works_without_a_form(seeded: Flask) -> None:
    """RFC 8058: a mail program POSTs List-Unsubscribe=One-Click, with no form token."""
    choose(seeded, OFFICER, AlertKind.ACTION_DUE, AlertKind.FORUM_SIGN_UP, at=NOW - timedelta(days=1))
    queued = run(seeded, NOW + timedelta(minutes=5))
    action = next(m for m in queued if m.purpose == "staff_alert_action_due")
    response = seeded.test_client().post(unsubscribe_path(action), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    with seeded.app_context():
        assert alerts.choices(db(), _user(OFFICER)) == {AlertKind.FORUM_SIGN_UP}


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_wrong_unsubscribe_link_gets_a_clear_400_page(seeded: Flask, method: str) -> None:
    choose(seeded, OFFICER, AlertKind.ACTION_DUE)
    (due,) = run(seeded, NOW)
    path = unsubscribe_path(due)
    client = PageClient(seeded.test_client())
    for wrong in (path[:-3] + "xyz", "/staff/email-alerts/stop/not-a-token"):
        page = client._page(client.client.open(wrong, method=method), 400)
        assert page.h1 == "This link does not work"
        assert "Check you copied the whole link" in page.text
        assert page.soup.find("a", href="/staff/email-alerts") is not None
    with seeded.app_context():
        assert alerts.choices(db(), _user(OFFICER)) == {AlertKind.ACTION_DUE}


def test_an_old_unsubscribe_link_has_expired(seeded: Flask, frozen_clock: FrozenClock) -> None:
    choose(seeded, OFFICER, AlertKind.ACTION_DUE)
    (due,) = run(seeded, NOW)
    frozen_clock.advance(days=alerts.LINK_DAYS + 1)
    client = PageClient(seeded.test_client())
    page = client.get(unsubscribe_path(due), expected_status=400)
    assert page.h1 == "This link has expired"
    assert f"work for {alerts.LINK_DAYS} days" in page.text
    with seeded.app_context():
        assert alerts.choices(db(), _user(OFFICER)) == {AlertKind.ACTION_DUE}


# --- how the run is started ----------------------------------------------------------------


def test_the_alerts_command_and_the_hourly_maintenance_queue_alerts(seeded: Flask) -> None:
    choose(seeded, OFFICER, AlertKind.ACTION_DUE)
    choose(seeded, OTHER, AlertKind.ACTION_DUE)
    runner = seeded.test_cli_runner()
    result = runner.invoke(args=["alerts", "send"])
    assert result.exit_code == 0, result.output
    assert "Queued 2 alert emails." in result.output
    assert "Queued 0 alert emails." in runner.invoke(args=["alerts", "send"]).output
    with seeded.app_context():
        action = db().scalar(select(Action).where(Action.title == "Survey evening demand"))
        assert action is not None
        action.due_on = "2026-11-25"
        db().commit()
    output = runner.invoke(args=["maintenance", "run"]).output
    assert "Queued 2 officers' alert emails." in output

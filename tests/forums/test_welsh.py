"""A forum in Welsh: registering (with a mistake), the confirmation and welcome emails,
the member's own pages and the data they download, all in the language they chose."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date

from flask import Flask

from engage.forums import links
from engage.forums.models import MemberStatus
from tests.forums.conftest import link_in, members, outbox, sign_up_data
from tests.support.pages import PageClient


def test_registering_in_welsh_end_to_end(
    client: PageClient, app: Flask, make_forum: Callable[..., str]
) -> None:
    make_forum()
    index = client.get("/forums?lang=cy")
    assert index.soup.select_one("html")["lang"] == "cy"
    assert index.h1 == "Fforymau rhanddeiliaid"
    forum = client.get("/forums/culture-forum")
    assert "Diwylliant a chreadigrwydd" in forum.text  # an interest, in Welsh
    assert "Cofrestru eich diddordeb" in forum.text

    form = client.get("/forums/culture-forum/register")
    assert form.h1 == "Cofrestru eich diddordeb"
    assert form.soup.select_one("label[for='name']").get_text(strip=True) == "Eich enw"
    assert "Grŵp cymunedol neu wirfoddol" in form.text  # an organisation type
    # The default consent wording, in Welsh, with how often we ask: two years, "2 flynedd".
    assert "bob 2 flynedd ac yn eu dileu" in form.text
    assert "Cadw fy manylion er mwyn i swyddogion" in form.text

    # A mistake: the name left out, and the required consent not ticked.
    bad = client.submit(form, sign_up_data(name="", purposes=[]), expected_status=400)
    assert bad.title.startswith("Gwall: ")
    assert bad.error_summary() == [
        "Rhowch eich enw",
        "I ymuno â'r fforwm, ticiwch y blwch i ddweud y cawn gadw eich manylion",
    ]
    assert bad.soup.select_one("#email")["value"] == "priya@example.org"  # nothing typed is lost
    # Each field's message starts "Gwall:" for a screen reader; fields without one have none.
    assert bad.soup.select_one("#name-error .govuk-visually-hidden").get_text(strip=True) == "Gwall:"
    assert bad.soup.select_one("#email-error") is None
    assert members(app) == []

    done = client.submit(bad, {"name": "Priya Shah", "purposes": ["membership"]})
    assert done.h1 == "Gwiriwch eich e-bost"
    assert "Os na fyddwch yn cadarnhau o fewn 7 diwrnod" in done.text

    [message] = outbox(app, "forum_confirm")
    assert message.subject == "Cadarnhewch eich bod am ymuno â Northbrook Cultural Forum"
    assert message.text_body.splitlines()[2] == "Annwyl Priya Shah,"
    assert "Diolch am gofrestru eich diddordeb yn Northbrook Cultural Forum" in message.text_body
    assert "Annwyl Priya Shah," in message.html_body and "Cadarnhau ac ymuno" in message.html_body
    assert "Dear" not in message.text_body and "Dear" not in message.html_body

    confirm = client.get(link_in(message, "/forums/confirm/"))
    assert confirm.h1 == "Cadarnhewch eich bod am ymuno â Northbrook Cultural Forum"
    manage = client.submit(confirm)
    assert manage.h1 == "Eich aelodaeth o'r fforwm"
    assert "Rydych bellach yn aelod o Northbrook Cultural Forum." in manage.text
    assert members(app)[0].status == MemberStatus.ACTIVE
    [welcome] = outbox(app, "forum_welcome")
    assert welcome.subject == "Croeso i Northbrook Cultural Forum"
    assert "Diolch am gadarnhau." in welcome.text_body

    # The data they download has Welsh column headings and labels.
    token = manage.response.request.path.rsplit("/", 1)[-1]
    body = client.client.get(f"/forums/manage/{token}/download.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["adran", "eitem", "gwerth"]
    assert ["manylion", "enw", "Priya Shah"] in rows
    assert ["manylion", "math o sefydliad", "Sefydliad celfyddydau, diwylliant neu dreftadaeth"] in rows
    assert any(row[0] == "caniatâd 1" and row[1] == "fersiwn y geiriad" for row in rows)


def test_the_member_pages_and_emails_in_welsh(
    client: PageClient, app: Flask, make_forum: Callable[..., str], confirmed_member: Callable[..., str]
) -> None:
    make_forum()
    token = confirmed_member()
    manage = client.get(f"/forums/manage/{token}?lang=cy")
    for phrase in ("Eich manylion", "Yr hyn y gwnaethoch gytuno iddo", "Lawrlwytho eich data", "Aelod"):
        assert phrase in manage.text
    headings = [th.get_text(strip=True) for th in manage.soup.select("table thead th")]
    assert headings == ["At ba ddiben", "Geiriad", "Cytunwyd", "Nawr"]
    assert client.get(f"/forums/manage/{token}/leave").h1 == "Gadael y fforwm a dileu eich manylion"
    assert client.get(f"/forums/manage/{token}/details").h1 == "Newid eich manylion"
    assert client.get(f"/forums/manage/{token}/stay").h1 == "Aros yn y fforwm"

    request = client.get("/forums/manage")
    assert (
        request.soup.select_one("label[for='email']").get_text(strip=True)
        == "Cael dolen i'ch manylion fforwm"
    )
    bad = client.submit(request, {"email": "nope"}, expected_status=400)
    assert bad.error_summary() == ["Rhowch gyfeiriad e-bost yn y fformat cywir, fel enw@enghraifft.com"]
    sent = client.submit(bad, {"email": "priya@example.org"})
    assert sent.h1 == "Gwiriwch eich e-bost"
    [link] = outbox(app, "forum_link")
    assert link.subject == "Eich manylion fforwm"
    assert "Mae'r ddolen hon yn gweithio am" in link.html_body

    expired = client.get("/forums/manage/not-a-token", expected_status=404)
    assert expired.h1 == "Mae'r ddolen honno wedi dod i ben"


def test_changing_email_leaving_and_stopping_emails_in_welsh(
    client: PageClient, app: Flask, make_forum: Callable[..., str], confirmed_member: Callable[..., str]
) -> None:
    make_forum()
    make_forum("old-forum", name="Hen Fforwm", closes_on=date(2025, 12, 31))
    closed = client.get("/forums/old-forum/register?lang=cy", expected_status=410)
    assert closed.h1 == "Nid yw Hen Fforwm yn derbyn aelodau newydd"
    assert "Daeth cofrestru i ben ar 31 Rhagfyr 2025." in closed.text

    token = confirmed_member()
    form = client.get(f"/forums/manage/{token}/details")
    done = client.submit(form, {"email": "priya.new@example.org"})
    assert "Rydym wedi anfon dolen at priya.new@example.org." in done.text
    [change] = outbox(app, "forum_email_change")
    assert change.subject == "Cadarnhewch eich cyfeiriad e-bost newydd ar gyfer Northbrook Cultural Forum"
    assert '<html lang="cy"' in change.html_body
    [notice] = outbox(app, "forum_email_notice")
    assert "Os nad chi oedd hyn, cysylltwch â libraries.engagement@anyshire.gov.uk" in notice.text_body
    page = client.get(link_in(change, "/forums/change-email/"))
    assert page.h1 == "Cadarnhau eich cyfeiriad e-bost newydd"
    changed = client.submit(page)
    assert "Eich cyfeiriad e-bost bellach yw priya.new@example.org." in changed.text

    manage_token = changed.response.request.path.rsplit("/", 1)[-1]
    member = members(app)[0]
    with app.test_request_context():
        assert member.id is not None
        unsubscribe = links.unsubscribe_url(member).split("://", 1)[1].split("/", 1)[1]
    stop = client.get(f"/{unsubscribe}")
    assert stop.h1 == "Atal negeseuon e-bost y fforwm"
    stopped = client.submit(stop)
    assert stopped.soup.select_one(".govuk-panel__title").get_text(strip=True) == (
        "Ni fyddwch yn cael negeseuon e-bost y fforwm"
    )

    leave = client.get(f"/forums/manage/{manage_token}/leave")
    left = client.submit(leave)
    assert left.soup.select_one(".govuk-panel__title").get_text(strip=True) == "Rydych wedi gadael y fforwm"
    [goodbye] = outbox(app, "forum_left")
    assert goodbye.subject == "Rydych wedi gadael Northbrook Cultural Forum"
    assert "Diolch am gymryd rhan." in goodbye.text_body

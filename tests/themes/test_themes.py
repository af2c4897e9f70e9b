"""Officers' themed response pages: running the analysis, reading themes, codebook edits that
survive new answers, the responses behind each number, and who may do what."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from flask import Flask
from sqlalchemy import select

from engage.accounts.models import Role, StaffUser
from engage.platform.database import db
from engage.platform.models import AuditEvent
from surveys.models import Response
from tests.support.pages import PageClient
from tests.support.themes import (
    SLUG,
    TOPICS,
    URL,
    add_responses,
    analysed,
    client_for,
    corpus,
    review_theme,
    run,
    theme_rows,
)


def test_too_few_answers_get_a_clear_message(app: Flask, survey: str, officer: PageClient) -> None:
    add_responses(app, TOPICS["hours"][:3])
    page = officer.get(URL)
    assert "3 submitted answers so far. Themes need at least 10." in page.text
    refused = officer.submit(page, selector="form#run", expected_status=400)
    assert refused.error_summary() == ["There are 3 answers to this question so far. Themes need at least 10"]


def test_an_officer_finds_themes_and_every_number_leads_to_its_responses(
    app: Flask, survey: str, officer: PageClient
) -> None:
    texts = [*corpus(), "n/a", "Please email me at jo.bloggs@example.com about more computers and wifi"]
    add_responses(app, texts)
    page = run(officer)
    analysis = analysed(app)
    assert analysis.status == "done" and analysis.result["answers"] == len(texts)
    rows = theme_rows(page)
    assert sum(rows.values()) + analysis.result["unassigned"] == len(texts)
    assert analysis.result["unassigned"] >= 1, "'n/a' is in no theme"
    assert "jo.bloggs@example.com" not in page.text, "quotes are redacted"
    assert page.soup.select_one("svg[role=img]") is not None
    # The number of answers in a theme links to exactly those responses.
    theme = analysis.result["themes"][0]
    link = page.soup.select_one("tbody a[href*='theme=']")
    assert link is not None
    listing = officer.get(str(link["href"]))
    assert f"Showing the {theme['size']} response" in listing.text
    assert theme["label"] in listing.soup.select_one("#theme-filter").get_text()  # type: ignore[union-attr]


def test_renames_and_merges_are_audited_and_survive_new_answers(
    app: Flask, survey: str, officer: PageClient
) -> None:
    add_responses(app, corpus())
    page = run(officer)
    before = analysed(app)
    themes = before.result["themes"]
    assert len(themes) >= 3
    first, second = themes[0]["id"], themes[1]["id"]
    combined = themes[0]["size"] + themes[1]["size"]
    page = officer.submit(
        page, {"theme": first, "label": "Opening hours"}, selector="form:has(input[value=rename])"
    )
    assert "Renamed" in page.text
    page = officer.submit(page, {"theme": second, "into": first}, selector="form:has(input[value=merge])")
    after = analysed(app)
    assert after.result["version"] == 2
    assert theme_rows(page)["Opening hours"] == combined
    with app.app_context():
        actions = list(db().scalars(select(AuditEvent.summary).where(AuditEvent.action == "themes.edited")))
    assert actions[0] == f"Renamed theme '{themes[0]['label']}' to 'Opening hours'"
    assert actions[1].startswith("Merged theme")
    # New answers arrive; adding them keeps the officers' decisions and every old assignment.
    add_responses(app, corpus(1), locality="riverside-valley")
    page = officer.get(URL)
    assert f"{len(corpus(1))} answers have come in since" in page.text
    page = run(officer)
    updated = analysed(app)
    old = after.result["assignments"]
    assert {k: updated.result["assignments"][k] for k in old} == old
    assert updated.result["answers"] == len(old) + len(corpus(1))
    assert "Opening hours" in theme_rows(page)
    assert theme_rows(page)["Opening hours"] >= combined
    assert [op["kind"] for op in updated.codebook] == ["rename", "merge", "add_answers"]


def test_bad_edits_are_refused_in_plain_english(app: Flask, survey: str, officer: PageClient) -> None:
    add_responses(app, corpus())
    page = run(officer)
    first = analysed(app).result["themes"][0]["id"]
    same = officer.submit(
        page, {"theme": first, "into": first}, selector="form:has(input[value=merge])", expected_status=400
    )
    assert same.error_summary() == ["Select two different themes to merge"]
    blank = officer.submit(
        page, {"theme": first, "label": "  "}, selector="form:has(input[value=rename])", expected_status=400
    )
    assert blank.error_summary() == ["Enter a new name for the theme, 80 characters or fewer"]
    unknown = officer.submit(
        page, {"theme": "nope", "label": "X"}, selector="form:has(input[value=rename])", expected_status=400
    )
    assert unknown.error_summary() == ["Select a theme from the list"]
    hidden = officer.submit(
        page,
        {"theme": first, "label": "Opening\u202e hours"},
        selector="form:has(input[value=rename])",
        expected_status=400,
    )
    assert hidden.error_summary() == [
        "The theme's name must not contain line breaks or hidden control characters"
    ]
    assert analysed(app).result["version"] == 0


def test_viewers_read_themes_but_only_officers_change_them(
    app: Flask, survey: str, officer: PageClient, make_staff: Callable[..., StaffUser]
) -> None:
    add_responses(app, corpus())
    run(officer)
    viewer = client_for(app, make_staff, Role.VIEWER)
    page = viewer.get(URL)
    assert page.soup.select("form#run, form[action$='/edit']") == []
    token = page.soup.select_one("input[name=csrf_token]")["value"]  # type: ignore[index]
    assert viewer.post(URL + "/edit", data={"action": "rename", "csrf_token": token}).status_code == 403
    assert viewer.post(f"{URL}/run", data={"csrf_token": token}).status_code == 403
    branch = client_for(app, make_staff, Role.BRANCH_STAFF)
    assert branch.get(f"/staff/surveys/{SLUG}/themes").h1 == "Themes in free-text answers"
    assert PageClient(app.test_client()).client.get(URL).status_code in (302, 303)


def test_unknown_questions_and_surveys_are_not_found(app: Flask, survey: str, officer: PageClient) -> None:
    officer.get(f"/staff/surveys/{SLUG}/themes/visit_frequency", expected_status=404)
    officer.get("/staff/surveys/nope/themes", expected_status=404)
    officer.get(f"/staff/surveys/{SLUG}/responses?question=one_change&theme=x", expected_status=404)


def test_responses_download_with_their_themes_and_no_formulas(
    app: Flask, survey: str, officer: PageClient, make_staff: Callable[..., StaffUser]
) -> None:
    add_responses(app, [*corpus(), '=HYPERLINK("http://evil.example") open later please'])
    run(officer)
    analysis = analysed(app)
    labels = {t["id"]: t["label"] for t in analysis.result["themes"]}
    # For analysts: question ids and answer codes.
    body = officer.client.get(f"/staff/surveys/{SLUG}/responses.csv?codes=1")
    assert body.status_code == 200 and body.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(body.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == len(corpus()) + 1
    for row in rows:
        theme = analysis.result["assignments"][row["response_id"]]
        assert row["theme:one_change"] == labels.get(theme, "")
    evil = next(row for row in rows if "HYPERLINK" in row["one_change"])
    assert evil["one_change"].startswith("'=")
    # For people: question text and answer labels.
    question = "What one change would most improve the library service where you live?"
    readable = officer.client.get(f"/staff/surveys/{SLUG}/responses.csv")
    people = list(csv.DictReader(io.StringIO(readable.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(people) == len(rows)
    first = people[0]
    assert first["Area (locality)"] == "Northgate" and first["Channel"] == "Online"
    assert first[f"Themes: {question}"] == labels.get(
        analysis.result["assignments"][first["Response ID"]], ""
    )
    assert next(p for p in people if "HYPERLINK" in p[question])[question].startswith("'=")
    xlsx = officer.client.get(f"/staff/surveys/{SLUG}/responses.xlsx")
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.get_data()))
    assert book.sheetnames == ["Responses", "Data dictionary"]
    terms = {row[0]: row for row in book["Data dictionary"].iter_rows(min_row=2, values_only=True)}
    assert terms[question][1:3] == ("one_change", "long_text")
    often = next(row for name, row in terms.items() if row[1] == "visit_frequency")
    assert "weekly = " in str(often[3])
    officer.get(f"/staff/surveys/{SLUG}/responses.pdf", expected_status=404)
    viewer = client_for(app, make_staff, Role.VIEWER)
    assert viewer.client.get(f"/staff/surveys/{SLUG}/responses.csv").status_code == 403
    with app.app_context():
        survey_title = "Shaping your library: Northgate and Riverside Valley"
        assert db().scalar(select(AuditEvent.summary).where(AuditEvent.action == "responses.exported")) == (
            f"Exported {len(rows)} responses to {survey_title} as CSV (codes)"
        )


def test_officers_check_answers_move_them_split_themes_and_leave_notes(
    app: Flask, survey: str, officer: PageClient, make_staff: Callable[..., StaffUser]
) -> None:
    add_responses(app, [*corpus(), "n/a", "My name is Sam Taylor and I want later opening"])
    page = run(officer)
    before = analysed(app)
    first, second = before.result["themes"][0], before.result["themes"][1]
    link = page.soup.select_one(f"a[href$='/t/{first['id']}']")
    assert link is not None
    detail = officer.get(str(link["href"]))
    assert detail.h1 == first["label"]
    assert len(detail.soup.select("tbody tr")) == first["size"]
    # Where the theme's answers came from: locality, library and channel.
    where = {
        key: {
            row.select_one("dt").get_text(strip=True): int(row.select_one("dd").get_text(strip=True))  # type: ignore[union-attr]
            for row in detail.soup.select(f"#by-{key} .govuk-summary-list__row")
        }
        for key in ("locality", "library", "channel")
    }
    assert where["locality"] == {"Northgate": first["size"]}
    assert where["library"] == {"Not known": first["size"]}
    assert where["channel"] == {"Online": first["size"]}
    assert "Sam Taylor" not in officer.get(f"{URL}/t/unassigned").text + detail.text
    # One form moves the ticked answers: nothing ticked, or nowhere chosen, is refused
    # with what was chosen kept.
    move = "form[action$='/move']"
    assert len(detail.soup.select(f"{move} select")) == 1, "one list of themes, not one per answer"
    # Light enough for 50 answers (a full page) to stay under 100 KB: under 1 KB per answer.
    rows = detail.soup.select("tbody tr")
    per_answer = sum(len(str(row)) for row in rows) / len(rows)
    assert per_answer < 1000 and len(detail.text) - per_answer * len(rows) + 50 * per_answer < 100_000
    moved = detail.soup.select_one("tbody input[name=answer]")["value"]  # type: ignore[index]
    refused = officer.submit(detail, selector=move, expected_status=400)
    assert refused.error_summary() == [
        "Select the answers to move",
        "Select the theme to move the answers to",
    ]
    refused = officer.submit(detail, {"into": second["id"]}, selector=move, expected_status=400)
    assert refused.error_summary() == ["Select the answers to move"]
    assert refused.soup.select_one(f"{move} option[selected]")["value"] == second["id"]  # type: ignore[index]
    refused = officer.submit(detail, {"answer": moved}, selector=move, expected_status=400)
    assert refused.error_summary() == ["Select the theme to move the answers to"]
    assert refused.soup.select_one(f"input[name=answer][value='{moved}']").has_attr("checked")  # type: ignore[union-attr]
    # Move one answer to the second theme.
    detail = officer.submit(detail, {"answer": moved, "into": second["id"]}, selector=move)
    assert detail.response.request.path.endswith(f"/t/{first['id']}")
    assert len(detail.soup.select("tbody tr")) == first["size"] - 1
    after = analysed(app)
    assert after.result["assignments"][moved] == second["id"]
    # Mark another as not relevant: it joins the answers in no theme.
    other = detail.soup.select_one("tbody input[name=answer]")["value"]  # type: ignore[index]
    detail = officer.submit(detail, {"answer": other, "into": "unassigned"}, selector=move)
    assert analysed(app).result["unassigned"] == after.result["unassigned"] + 1
    # Make a new theme of two answers (a split by hand); a name is needed.
    chosen = [str(box["value"]) for box in detail.soup.select("tbody input[name=answer]")[:2]]
    nameless = officer.submit(detail, {"answer": chosen, "do": "new"}, selector=move, expected_status=400)
    assert nameless.error_summary() == ["Enter a name for the new theme, 80 characters or fewer"]
    # Enter in the name box sends no button: a name and no theme to move to makes a theme.
    detail = officer.submit(detail, {"answer": chosen, "label": " Quiet  study space "}, selector=move)
    assert "Made the theme 'Quiet study space' from 2 answers" in detail.text
    made = analysed(app).result
    assert made["assignments"][chosen[0]] == made["assignments"][chosen[1]] != first["id"]
    assert {"Quiet study space": 2}.items() <= {t["label"]: t["size"] for t in made["themes"]}.items()
    # Notes.
    empty = officer.submit(detail, {"note": " "}, selector="form[action$='/notes']", expected_status=400)
    assert empty.error_summary() == ["Enter a note of 2000 characters or fewer"]
    hidden = officer.submit(
        detail, {"note": "Checked\x00 by\u202e Priya"}, selector="form[action$='/notes']", expected_status=400
    )
    assert hidden.error_summary() == ["The note must not contain hidden control characters"]
    noted = officer.submit(
        detail,
        {"note": "Checked by Priya: parking answers belong elsewhere."},
        selector="form[action$='/notes']",
    )
    assert "Checked by Priya" in noted.text
    # Split the second theme in two.
    themes_page = officer.get(URL)
    count = len(analysed(app).result["themes"])
    for parts in ("²", "99999999999999999999", "9" * 5000):  # '²' passes isdigit(), not int()
        odd = officer.submit(
            themes_page,
            {"theme": second["id"], "parts": parts},
            selector="form:has(input[value=split])",
            expected_status=400,
        )
        assert "Choose to split the theme into 2 to 5 themes" in odd.text, parts
    officer.submit(
        themes_page, {"theme": second["id"], "parts": "2"}, selector="form:has(input[value=split])"
    )
    assert len(analysed(app).result["themes"]) == count + 1
    # The moves survive new answers.
    add_responses(app, corpus(1))
    run(officer)
    assert analysed(app).result["assignments"][moved] == second["id"] or analysed(app).result["assignments"][
        moved
    ].startswith(f"{second['id']}.")
    kinds = [op["kind"] for op in analysed(app).codebook]
    assert kinds == ["move_answer", "move_answer", "new_theme", "split", "add_answers"]
    viewer = client_for(app, make_staff, Role.VIEWER)
    as_viewer = viewer.get(str(link["href"])).soup
    assert as_viewer.select("form[action$='/move']") == [] and as_viewer.select("input[name=answer]") == []


def test_officers_rename_and_merge_a_theme_from_its_own_page(
    app: Flask, survey: str, officer: PageClient
) -> None:
    add_responses(app, corpus())
    run(officer)
    first, second = analysed(app).result["themes"][:2]
    page = officer.get(f"{URL}/t/{first['id']}")
    rename, merge = "form:has(input[value=rename])", "form:has(input[value=merge])"
    assert page.soup.select_one(f"{rename} input[name=label]")["value"] == first["label"]  # type: ignore[index]
    options = [o["value"] for o in page.soup.select(f"{merge} select[name=into] option")]
    assert second["id"] in options and first["id"] not in options
    empty = officer.submit(page, {"label": "  "}, selector=rename, expected_status=400)
    assert empty.error_summary() == ["Enter a new name for the theme, 80 characters or fewer"]
    renamed = officer.submit(page, {"label": "Later opening on weekdays"}, selector=rename)
    assert renamed.h1 == "Later opening on weekdays"
    assert renamed.response.request.path.endswith(f"/t/{first['id']}")
    describe = "form:has(input[value=describe])"
    long = officer.submit(renamed, {"description": "x" * 501}, selector=describe, expected_status=400)
    assert long.error_summary() == ["The description must be 500 characters or fewer"]
    assert long.soup.select_one(f"{describe} textarea").get_text() == "x" * 501  # type: ignore[union-attr]
    typed = {"description": "People want to visit after work,\nmost of all in winter."}
    described = officer.submit(renamed, typed, selector=describe)
    assert described.soup.select_one("#description").get_text() == (  # type: ignore[union-attr]
        "People want to visit after work, most of all in winter."
    )
    assert "Saved the description of 'Later opening on weekdays'" in described.text
    nowhere = officer.submit(renamed, selector=merge, expected_status=400)
    assert nowhere.error_summary() == ["Select the theme to merge and the theme to merge it into"]
    merged = officer.submit(renamed, {"into": second["id"]}, selector=merge)
    assert merged.response.request.path.endswith(f"/t/{second['id']}")
    assert "Merged 'Later opening on weekdays' into" in merged.text
    assert first["id"] not in {t["id"] for t in analysed(app).result["themes"]}
    officer.get(f"{URL}/t/{first['id']}", expected_status=404)
    token = str(merged.soup.select_one("input[name=csrf_token]")["value"])  # type: ignore[index]
    for theme in ("unassigned", first["id"]):  # answers in no theme, a theme merged away
        forged = {"action": "rename", "label": "X", "csrf_token": token}
        assert officer.client.post(f"{URL}/t/{theme}/change", data=forged).status_code == 404


def test_the_engine_suggests_two_groups_and_an_officer_makes_a_theme_of_one(
    app: Flask, survey: str, officer: PageClient
) -> None:
    add_responses(app, corpus())
    run(officer)
    first, second = analysed(app).result["themes"][:2]
    page = officer.get(f"{URL}/t/{first['id']}")
    assert page.soup.select("#suggested ~ .govuk-inset-text") == [], "only when asked"
    one_text = officer.get(f"{URL}/t/{first['id']}?suggest=1")
    assert "The engine cannot split this theme: it has too few different answers." in one_text.text
    # Two themes merged: the engine suggests the two groups again.
    merged = officer.submit(page, {"into": second["id"]}, selector="form:has(input[value=merge])")
    suggest = merged.soup.select_one("a[href*='suggest=1']")
    assert suggest is not None
    page = officer.get(str(suggest["href"]))
    groups = page.soup.select("form:has(input[id^=label-group])")
    assert len(groups) == 2
    chosen = [str(box["value"]) for box in groups[1].select("input[name=answer]")]
    assert sorted(len(g.select("input[name=answer]")) for g in groups) == sorted(
        [first["primary"], second["primary"]]
    )
    made = officer.submit(page, {"label": "Evening opening"}, selector="form:has(#label-group-2)")
    assert f"Made the theme 'Evening opening' from {len(chosen)} answers" in made.text
    after = analysed(app).result
    new_id = after["assignments"][chosen[0]]
    assert new_id != second["id"] and all(after["assignments"][a] == new_id for a in chosen)


def test_officers_review_a_themes_answers_one_at_a_time(
    app: Flask, survey: str, officer: PageClient, make_staff: Callable[..., StaffUser]
) -> None:
    add_responses(app, corpus())
    run(officer)
    first, second = analysed(app).result["themes"][:2]
    detail = officer.get(f"{URL}/t/{first['id']}")
    assert "Not reviewed yet" in detail.soup.select_one("#review").get_text()  # type: ignore[union-attr]
    review = officer.get(str(detail.soup.select_one("#review a")["href"]))  # type: ignore[index]
    shown = review.soup.select_one("#answer-text").get_text(strip=True)  # type: ignore[union-attr]
    answer = review.soup.select_one("input[name=answer]")["value"]  # type: ignore[index]
    nothing = officer.submit(review, expected_status=400)
    assert nothing.error_summary() == ["Select where this answer belongs"]
    nowhere = officer.submit(review, {"decision": "move"}, expected_status=400)
    assert nowhere.error_summary() == ["Select the theme this answer belongs to"]
    assert nowhere.soup.select_one("#answer-text").get_text(strip=True) == shown  # type: ignore[union-attr]
    assert nowhere.soup.select_one("#decision-move").has_attr("checked")  # type: ignore[union-attr]
    gone = officer.submit(review, {"answer": "no-such-answer", "decision": "accept"}, expected_status=400)
    assert gone.error_summary() == ["That answer is no longer in this theme: someone may have moved it"]
    assert gone.soup.select_one("input[name=answer]")["value"] == answer, "the next waiting answer"  # type: ignore[index]
    kept = officer.submit(review, {"decision": "accept"})
    assert f"Kept the answer in '{first['label']}'" in kept.text
    assert kept.soup.select_one("input[name=answer]")["value"] != answer, "the next answer"  # type: ignore[index]
    assert analysed(app).result["assignments"][answer] == first["id"]
    # Without JavaScript "Which theme?" is always on show: choosing a theme there with no
    # radio ticked moves the answer to it.
    moved = officer.submit(kept, {"target": second["id"]})
    assert f"Moved the answer to '{second['label']}'" in moved.text
    skip = moved.soup.select_one("a:-soup-contains('Skip this answer')")
    assert skip is not None, "more than one answer is waiting"
    assert "This is number 2" in officer.get(str(skip["href"])).text
    summary = officer.get(URL).text
    assert f"0 of {len(analysed(app).result['themes'])} themes reviewed" in summary
    assert "2 answers checked: 1 kept, 1 moved or not relevant." in summary
    themes = len(analysed(app).result["themes"])
    # Kept in one theme, moved out of it into another: two themes changed.
    assert f"{themes - 2} of {themes} themes unchanged since" in summary and ". 2 changed, by" in summary
    assert "2 edits by officers, 0 new answers placed" in summary
    assert "Checked 2 of the" in moved.soup.select_one("#progress").get_text(" ", strip=True)  # type: ignore[union-attr]
    viewer = client_for(app, make_staff, Role.VIEWER)
    assert viewer.client.get(f"{URL}/t/{first['id']}/review").status_code == 403
    assert viewer.get(f"{URL}/t/{first['id']}").soup.select("#review a") == []


def test_theme_counts_can_be_filtered(app: Flask, survey: str, officer: PageClient) -> None:
    add_responses(app, corpus())
    add_responses(app, corpus(1), locality="riverside-valley")
    run(officer)
    analysis = analysed(app)
    with app.app_context():
        riverside = set(
            db().scalars(select(Response.public_id).where(Response.locality_code == "riverside-valley"))
        )
    expected = {
        t["label"]: sum(
            1 for a, theme in analysis.result["assignments"].items() if theme == t["id"] and a in riverside
        )
        for t in analysis.result["themes"]
    }
    page = officer.get(f"{URL}?locality=riverside-valley")
    assert theme_rows(page) == expected
    assert page.soup.select_one("#filtered") is not None
    link = page.soup.select_one("tbody a[href*='theme=']")
    assert link is not None and "locality=riverside-valley" in str(link["href"])
    bad = officer.get(f"{URL}?channel=pigeon", expected_status=400)
    assert bad.error_summary() == ["Select a channel from the list"]


def test_an_answer_counts_under_each_theme_it_raises_and_copies_are_one_quote(
    app: Flask, survey: str, officer: PageClient
) -> None:
    joined = (
        "Open later in the evenings so I can visit after work. Also, faster computers and better wifi please."
    )
    campaign = "Save the Northgate library! It is the heart of our community and must stay open."
    add_responses(app, [*corpus(), joined, campaign, campaign, campaign.lower(), campaign + "!!"])
    page = run(officer)
    analysis = analysed(app)
    with app.app_context():
        joined_id = db().scalar(
            select(Response.public_id).where(Response.answers["one_change"].as_string() == joined)
        )
    themes = analysis.snapshot.themes_of(str(joined_id))
    assert len(themes) == 2, "the joined answer raises the hours and the computers themes"
    rows = theme_rows(page)
    assert sum(rows.values()) == analysis.result["answers"] - analysis.result["unassigned"] + 1
    assert page.soup.select_one("#more-than-one") is not None
    # Each theme's count links to the responses behind it: the joined answer is in both lists.
    sizes = {t["id"]: t["size"] for t in analysis.result["themes"]}
    for theme_id in themes:
        listing = officer.get(f"/staff/surveys/{SLUG}/responses?question=one_change&theme={theme_id}")
        assert f"Showing the {sizes[theme_id]} response" in listing.text
    # Four copies of the campaign text are one quote, with how many sent it.
    assert "4 people sent this or almost the same text" in page.text
    assert page.text.count("heart of our community") == 1
    # Each theme says how many of its answers mention its key phrase.
    assert any("mention “" in th.get_text() for th in page.soup.select("tbody th"))
    # The further theme's page lists the answers whose main theme it is and says how many
    # more raise it, so its key-phrase count is out of all of them.
    further = themes[1]
    detail = officer.get(f"/staff/surveys/{SLUG}/themes/one_change/t/{further}")
    listed = len(detail.soup.select("tbody tr"))
    counts = detail.soup.select_one("#counts").get_text(" ", strip=True)  # type: ignore[union-attr]
    more = sizes[further] - listed
    assert counts.startswith(f"{listed} answers (listed below), and {more} more that raise it")
    assert f"of all {sizes[further]} mention" in counts


def test_the_engine_learns_from_officers_checks_and_it_can_be_undone(
    app: Flask, survey: str, officer: PageClient, make_staff: Callable[..., StaffUser]
) -> None:
    add_responses(app, corpus())
    page = run(officer)
    assert "Start by reviewing a theme below" in page.soup.select_one("#learn ~ p").get_text()  # type: ignore[union-attr]
    assert page.soup.select("form[action$='/learn']") == []
    token = page.soup.select_one("input[name=csrf_token]")["value"]  # type: ignore[index]
    refused = officer.post(f"{URL}/learn", data={"csrf_token": token})
    assert refused.status_code == 400, "nothing to learn from yet"
    assert "there is nothing to learn from yet" in refused.get_data(as_text=True)
    first, second = analysed(app).result["themes"][:2]
    # An officer decides that half of the first theme belongs with the second.
    members = [a for a, t in analysed(app).result["assignments"].items() if t == first["id"]]
    chosen = members[: len(members) // 2]
    detail = officer.get(f"{URL}/t/{first['id']}")
    officer.submit(detail, {"answer": chosen, "into": second["id"]}, selector="form:has(input[name=answer])")
    page = officer.get(URL)
    said = page.soup.select_one("#learn ~ p").get_text(" ", strip=True)  # type: ignore[union-attr]
    assert f"Officers have placed {len(chosen)} answers in themes" in said
    before = dict(analysed(app).result["assignments"])
    learnt = officer.submit(page, selector=f"form[action='{URL}/learn']")
    analysis = analysed(app)
    last = analysis.snapshot.relearnt
    assert last is not None and not last.undone
    moved = last.moved
    assert all(
        before[a] == old and analysis.result["assignments"][a] == new for a, (old, new) in moved.items()
    )
    assert not set(moved) & set(chosen), "an answer an officer placed never moves"
    assert moved, "learning moved some of the first theme's other answers"
    assert f"{len(moved)} answer" in learnt.text and "moved after your corrections" in learnt.text
    assert f"moved {len(moved)} answer" in learnt.soup.select_one("#learnt").get_text(" ", strip=True)  # type: ignore[union-attr]
    # Undo puts every moved answer back; a second (stale) undo is refused.
    undo_form = f"form[action='{URL}/learn/undo']"
    undone = officer.submit(learnt, selector=undo_form)
    assert f"Undone: {len(moved)} answer" in undone.text
    after = analysed(app).result["assignments"]
    assert all(after[a] == before[a] for a in moved)
    assert "last re-placing of answers was undone" in undone.text
    again = officer.submit(learnt, selector=undo_form, expected_status=400)
    assert again.error_summary() == ["That re-placing has already been undone or is no longer the latest"]
    viewer = client_for(app, make_staff, Role.VIEWER)
    assert viewer.get(URL).soup.select(undo_form) == []


def test_undo_says_how_many_answers_went_back_leaving_those_an_officer_placed_since(
    app: Flask, survey: str, officer: PageClient
) -> None:
    add_responses(app, corpus())
    run(officer)
    first, second = analysed(app).result["themes"][:2]
    members = [a for a, t in analysed(app).result["assignments"].items() if t == first["id"]]
    detail = officer.get(f"{URL}/t/{first['id']}")
    chosen = members[: len(members) // 2]
    officer.submit(detail, {"answer": chosen, "into": second["id"]}, selector="form:has(input[name=answer])")
    learnt = officer.submit(officer.get(URL), selector=f"form[action='{URL}/learn']")
    relearnt = analysed(app).snapshot.relearnt
    assert relearnt is not None and len(relearnt.moved) >= 2
    moved = relearnt.moved
    # An officer places one of the moved answers before the undo: it stays where they put it.
    kept, (_old, new) = next(iter(moved.items()))
    page = officer.get(f"{URL}/t/{new}")
    officer.submit(page, {"answer": [kept], "into": new}, selector="form:has(input[name=answer])")
    undone = officer.submit(learnt, selector=f"form[action='{URL}/learn/undo']")
    went_back = len(moved) - 1
    assert f"Undone: {went_back} answer" in undone.text
    after = analysed(app).result["assignments"]
    assert after[kept] == new
    assert sum(after[a] == before for a, (before, _new) in moved.items()) == went_back


def test_support_and_opposition_sentences_are_drafted_then_worded_by_an_officer(
    app: Flask, survey: str, officer: PageClient
) -> None:
    add_responses(app, corpus())
    run(officer)
    first = analysed(app).result["themes"][0]
    page = officer.get(f"{URL}/t/{first['id']}")
    stance = page.soup.select_one("#stance + p").get_text(" ", strip=True)  # type: ignore[union-attr]
    assert f"Of the {first['size']} answers that raise it" in stance
    drafted = page.soup.select_one("#statements").get_text(" ", strip=True)  # type: ignore[union-attr]
    assert "Machine-drafted" in drafted and "raised this" in drafted
    form = "form:has(input[name=action][value=statements])"
    empty = officer.submit(page, {"majority": "  "}, selector=form, expected_status=400)
    assert empty.error_summary() == ["Enter the first sentence, or put back the draft"]
    saved = officer.submit(
        page,
        {"majority": "Most want the library open later.", "minority": "A few want it as it is."},
        selector=form,
    )
    assert "Saved the support and opposition sentences" in saved.text
    shown = saved.soup.select_one("#statements").get_text(" ", strip=True)  # type: ignore[union-attr]
    assert "Checked by an officer" in shown and "Most want the library open later." in shown
    # Residents see an officer's sentences, and only on a theme an officer has reviewed.
    editor = f"/staff/surveys/{SLUG}/you-said-we-did/preview"
    assert "Most want the library open later." not in officer.get(editor).text
    review_theme(officer, str(first["id"]))
    assert "Most want the library open later." in officer.get(editor).text


def test_edits_to_a_large_analysis_run_as_a_job_and_a_failed_one_is_taken_back(
    app: Flask, survey: str, officer: PageClient
) -> None:
    add_responses(app, corpus())
    page = run(officer)
    app.config["ENGAGE_SETTINGS"].theme_edits_in_background_from = 1  # every analysis is "large"
    first = analysed(app).result["themes"][0]
    renamed = officer.submit(
        page, {"theme": first["id"], "label": "Opening hours"}, selector="form:has(input[value=rename])"
    )
    assert "Renamed" in renamed.text
    after = analysed(app)
    assert after.theme(first["id"]).label == "Opening hours"  # type: ignore[union-attr]
    assert after.status == "done" and after.snapshot.version == len(after.codebook)
    with app.app_context():
        row = db().scalars(select(AuditEvent).where(AuditEvent.action == "themes.edited")).one()
        assert row.details["in_background"] is True
    # While the job works, the theme's pages say so and refresh themselves.
    with app.app_context():
        analysis = db().get(type(after), after.id)
        assert analysis is not None
        analysis.status, analysis.message, analysis.progress = "running", "Applying your change", 30
        db().commit()
    busy = officer.get(f"{URL}/t/{first['id']}")
    assert "Applying your change (30%)" in busy.soup.select_one("#busy").get_text()  # type: ignore[union-attr]
    assert busy.soup.select_one("meta[http-equiv=refresh]") is not None
    refused = officer.submit(
        busy, {"label": "Hours"}, selector="form:has(input[name=action][value=rename])", expected_status=400
    )
    assert "Wait for the analysis (or the last change) to finish" in refused.error_summary()[0]
    with app.app_context():
        analysis = db().get(type(after), after.id)
        assert analysis is not None
        analysis.status, analysis.message = "done", ""
        db().commit()
    # An edit the job cannot apply (a new theme from an answer the job no longer has) is
    # taken out of the codebook, and the officers' page says why.
    with app.app_context():
        from engage.themes import services

        analysis = db().get(type(after), after.id)
        assert analysis is not None
        before = len(analysis.codebook)
        services.edit(
            db(),
            analysis,
            lambda book, _state: book.new_theme("o99", "Ghost", ["no-such-answer"], author="test"),
            summary="A bad edit",
        )
        db().commit()
        services.start_changes(analysis)
        analysis = db().get(type(after), after.id)
        assert analysis is not None and len(analysis.codebook) == before
        assert analysis.status == "done" and "could not be made" in analysis.message
    shown = officer.get(URL).soup.select_one("#change-problem")
    assert shown is not None and "no answer 'no-such-answer'" in shown.get_text()


def test_a_theme_whose_answers_were_all_moved_keeps_its_name_and_says_what_to_do(
    app: Flask, survey: str, officer: PageClient
) -> None:
    add_responses(app, corpus())
    run(officer)
    before = analysed(app).result
    emptied, other = before["themes"][-1], before["themes"][0]
    detail = officer.get(f"{URL}/t/{emptied['id']}")
    answers = [str(box["value"]) for box in detail.soup.select("tbody input[name=answer]")]
    assert answers
    officer.submit(detail, {"answer": answers, "into": other["id"]}, selector="form[action$='/move']")
    row = next(
        r for r in officer.get(URL).soup.select("tbody tr") if r.select_one(f"a[href$='/t/{emptied['id']}']")
    )
    assert row.select_one("th a").get_text(strip=True) == emptied["label"]  # type: ignore[union-attr]
    assert "No answers now" in row.get_text(" ", strip=True)
    # Its own page says so and offers what can be done, not an empty review or split.
    page = officer.get(f"{URL}/t/{emptied['id']}")
    assert page.h1 == emptied["label"]
    assert "No answers have this theme now" in page.soup.select_one("#counts").get_text()  # type: ignore[union-attr]
    assert page.soup.select_one("#counts a[href$='#set-aside']") is not None
    assert not page.soup.select("#review, #stance, #suggested, #where, #quotes")
    assert page.soup.select_one("form input[name=action][value=merge]") is not None

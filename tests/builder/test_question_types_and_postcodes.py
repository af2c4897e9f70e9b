"""Email, telephone, postcode and scale questions; an officer's own error message; a
question id that can change until the survey is first published; and the postcode table
that gives a response its area."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from engage.accounts.models import Role, StaffUser
from engage.platform import clock
from engage.platform.database import db
from surveys import services
from surveys.definition import parse
from surveys.question_types import TYPES, PageResult
from tests.builder.conftest import FIRST_QUESTION, add_question, definition, publish, survey_with_choice
from tests.support.pages import PageClient


def _read(kind: str, typed: str, **extra: Any) -> PageResult:
    asked = {"id": "q", "type": kind, "text": "Q?", **extra}
    survey = parse(
        {
            "schema_version": 1,
            "slug": "types",
            "title": "Types",
            "purpose": "Testing.",
            "pages": [{"id": "p", "title": "P", "questions": [asked]}],
        }
    )

    class Form(dict[str, str]):
        def getlist(self, key: str) -> list[str]:
            return [self[key]] if key in self else []

    result = PageResult()
    TYPES[kind].read(survey.pages[0].questions[0], Form(q=typed), survey, result)
    return result


PHONE = "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"


@pytest.mark.parametrize(
    ("kind", "typed", "stored", "error"),
    [
        ("email", " Jo.Bloggs@Example.COM ", "Jo.Bloggs@example.com", None),
        ("email", "jo@", None, "Enter an email address in the correct format, like name@example.com"),
        ("email", "", None, "Enter an email address"),
        ("phone", "07700 900  982", "07700 900 982", None),
        ("phone", "+44 (0)808 157 0192", "+44 (0)808 157 0192", None),
        (
            "phone",
            "call me",
            None,
            "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
        ),
        (
            "phone",
            "12345",
            None,
            "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
        ),
        ("postcode", "an12ab", "AN1 2AB", None),
        ("postcode", " sw1a 1aa ", "SW1A 1AA", None),
        ("postcode", "AN1", None, "Enter a full UK postcode, like AA3 1AB"),
        ("postcode", "", None, "Enter a postcode"),
    ],
)
def test_contact_questions_check_and_tidy(
    kind: str, typed: str, stored: str | None, error: str | None
) -> None:
    result = _read(kind, typed)
    assert result.answers.get("q") == stored
    assert result.errors.get("q") == error
    assert result.raw["q"] == typed.replace("\u200b", ""), "what was typed is kept to show again"


def test_an_officers_error_message_replaces_the_default() -> None:
    assert _read("email", "", error="Enter your email address so we can reply").errors == {
        "q": "Enter your email address so we can reply"
    }
    options = [{"value": str(n), "label": str(n)} for n in range(11)]
    assert _read("scale", "", options=options, error="Select how likely you are to recommend us").errors == {
        "q": "Select how likely you are to recommend us"
    }
    assert _read("scale", "7", options=options).answers == {"q": "7"}
    assert _read("scale", "11", options=options).errors == {"q": "Select one of the answers listed for 'Q'"}


def test_a_scale_has_two_to_eleven_points() -> None:
    from surveys.definition import DefinitionError

    points = [{"value": str(n), "label": str(n)} for n in range(12)]
    with pytest.raises(DefinitionError, match="a scale has at most 11 points"):
        _read("scale", "1", options=points)


@pytest.fixture
def built(client: PageClient, app: Flask, draft: str, officer: StaffUser) -> str:
    survey_with_choice(client, draft)  # areas North and South, and an area question
    return draft


def test_the_builder_adds_the_new_types_with_an_error_message(
    client: PageClient, app: Flask, built: str
) -> None:
    add_question(
        client,
        built,
        "your_views",
        "scale",
        {
            "text": "How satisfied are you with your library?",
            "options": "Very satisfied\nSatisfied\nNeither\nDissatisfied\nVery dissatisfied",
            "error": "Select how satisfied you are with your library",
        },
    )
    add_question(
        client, built, "your_views", "postcode", {"text": "What is your postcode?", "optional": "yes"}
    )
    questions = {q["text"]: q for q in definition(app, built)["pages"][0]["questions"]}
    scale = questions["How satisfied are you with your library?"]
    assert scale["type"] == "scale" and scale["options"][0]["label"] == "Very satisfied"
    assert scale["error"] == "Select how satisfied you are with your library"
    assert questions["What is your postcode?"]["type"] == "postcode"
    many = "\n".join(str(n) for n in range(12))
    refused = add_question(
        client, built, "your_views", "scale", {"text": "Rate us", "options": many}, expected_status=400
    )
    assert refused.error_summary() == ["A scale can have up to 11 points"]


def test_a_question_id_changes_until_the_survey_is_published(
    client: PageClient, app: Flask, built: str
) -> None:
    page = client.get(f"/staff/surveys/{built}/questions/{FIRST_QUESTION}")
    assert page.soup.select_one("input[name=question_id]")["value"] == FIRST_QUESTION
    taken = client.submit(page, {"question_id": "how_many_books"}, expected_status=400)
    assert taken.error_summary() == ["The id 'how_many_books' is already used in this survey. Choose another"]
    bad = client.submit(page, {"question_id": "1st question"}, expected_status=400)
    assert bad.error_summary() == [
        "The question id must start with a letter and use only lower-case letters a to z, "
        "numbers and underscores"
    ]
    client.submit(page, {"question_id": "visits"})
    ids = [q["id"] for q in definition(app, built)["pages"][0]["questions"]]
    assert ids[0] == "visits"
    publish(client, built)
    after = client.get(f"/staff/surveys/{built}/questions/visits")
    assert after.soup.select_one("input[name=question_id]") is None, "published: the id stays"


def test_routing_follows_a_renamed_question(client: PageClient, app: Flask, built: str) -> None:
    step2 = client.submit(
        client.get(f"/staff/surveys/{built}/pages/new"),
        {"title": "Why not", "route": "only_if", "route_question": FIRST_QUESTION, "action": "pick"},
    )
    client.submit(step2, {"route_answers": "never"})
    client.submit(client.get(f"/staff/surveys/{built}/questions/{FIRST_QUESTION}"), {"question_id": "visits"})
    pages = definition(app, built)["pages"]
    assert pages[1]["show_if"] == {"question": "visits", "equals": "never"}


def _upload(client: PageClient, text: str, expected_status: int = 200) -> Any:
    page = client.get("/staff/postcode-areas")
    return client.submit(
        page,
        {"file": (io.BytesIO(text.encode()), "postcodes.csv")},  # type: ignore[dict-item]
        expected_status=expected_status,
    )


def test_the_postcode_table_upload(client: PageClient, app: Flask, officer: StaffUser) -> None:
    assert "There is no postcode table yet" in client.get("/staff/postcode-areas").text
    bad = _upload(client, "postcode,area\nAN1 2AB,North\nnot one,North\nAN2,\n", expected_status=400)
    assert bad.error_summary() == [
        "Line 3: 'not one' is not a postcode or part of one",
        "Line 4: give the area for AN2",
    ]
    assert _upload(client, "code,place\nAN1,North\n", expected_status=400).error_summary() == [
        "The first line must name the columns: postcode, area"
    ]
    done = _upload(client, "\ufeffPostcode,Area\nan1 2ab,North\nAN1 2,South\nan1,North\nAN,South\n")
    assert "The postcode table now has 4 postcodes." in done.text
    assert [row.get_text(" ", strip=True) for row in done.soup.select("tbody tr")] == ["North 2", "South 2"]
    download = client.client.get("/staff/postcode-areas/postcode-areas.csv")
    assert download.get_data(as_text=True).lstrip("\ufeff").splitlines() == [
        "postcode,area",
        "AN,South",
        "AN1,North",
        "AN1 2,South",
        "AN1 2AB,North",
    ]


def test_a_response_gets_its_area_from_the_postcode_table(
    client: PageClient, app: Flask, signed_in: Callable[[Role], StaffUser]
) -> None:
    signed_in(Role.OFFICER)
    _upload(client, "postcode,area\nAN1 2,Northgate\nAN9,riverside\n")
    data = {
        "schema_version": 1,
        "slug": "postcodes",
        "title": "Postcodes",
        "purpose": "Testing.",
        "localities": [{"code": "north", "name": "Northgate"}, {"code": "riverside", "name": "Riverside"}],
        "pages": [
            {"id": "p", "title": "P", "questions": [{"id": "pc", "type": "postcode", "text": "Postcode?"}]}
        ],
    }
    with app.app_context():
        session = db()
        version = services.save_definition(session, data, clock.now())
        services.publish(session, version.survey, clock.now())
        definition_ = services.definition_of(version)
        found = []
        for postcode in ("AN1 2XY", "AN9 1AA", "ZZ1 1ZZ"):
            response = services.start_response(session, version, clock.now()).response
            services.save_page(session, response, definition_, "p", {"pc": postcode}, clock.now())
            services.submit(session, response, definition_, clock.now())
            found.append((response.locality_code, response.locality_source))
        session.commit()
    assert found == [("north", "postcode"), ("riverside", "postcode"), (None, None)]


def test_residents_see_the_new_types_with_the_right_inputs(app: Flask, client: PageClient) -> None:
    points = [{"value": str(n), "label": str(n)} for n in range(11)]
    words = [
        {"value": w.lower().replace(" ", "-"), "label": w}
        for w in ("Very satisfied", "Satisfied", "Dissatisfied")
    ]
    data = {
        "schema_version": 1,
        "slug": "new-types",
        "title": "New types",
        "purpose": "Testing.",
        "pages": [
            {
                "id": "p",
                "title": "About you",
                "questions": [
                    {"id": "mail", "type": "email", "text": "Email?", "required": False},
                    {"id": "tel", "type": "phone", "text": "Phone?", "required": False},
                    {"id": "pc", "type": "postcode", "text": "Postcode?", "required": False},
                    {"id": "nps", "type": "scale", "text": "Recommend?", "options": points},
                    {"id": "sat", "type": "scale", "text": "Satisfied?", "options": words, "required": False},
                ],
            }
        ],
    }
    with app.app_context():
        version = services.save_definition(db(), data, clock.now())
        services.publish(db(), version.survey, clock.now())
        db().commit()
    start = client.get("/s/new-types")
    page = client.submit(start, selector="main form[action$='/start']")
    inputs = {
        i["name"]: (i.get("type"), i.get("autocomplete")) for i in page.soup.select("input.govuk-input")
    }
    assert inputs == {"mail": ("email", "email"), "tel": ("tel", "tel"), "pc": ("text", "postal-code")}
    radios = page.soup.select(".govuk-radios")
    assert "govuk-radios--inline" in radios[0]["class"], "0 to 10 side by side"
    assert "govuk-radios--inline" not in radios[1]["class"], "worded points listed"
    refused = client.submit(page, {"mail": "nope", "pc": "AN1"}, expected_status=400)
    assert refused.error_summary() == [
        "Enter an email address in the correct format, like name@example.com",
        "Enter a full UK postcode, like AA3 1AB",
        "Select an answer for 'Recommend'",
    ]
    assert refused.soup.select_one("input[name=mail]")["value"] == "nope"


def test_the_marked_area_question_gives_the_area(client: PageClient, app: Flask, built: str) -> None:
    from surveys.definition import DefinitionError
    from surveys.services import locality_from_answers

    # A second area question ("Where do you work?") marked as the one that gives the area.
    add_question(
        client,
        built,
        "your_views",
        "locality",
        {"text": "Where do you work?", "sets_area": "y", "optional": "yes"},
    )
    data = definition(app, built)
    assert data["area_question"] == "where_do_you_work"
    parsed = parse(data)
    both = {"where_do_you_live": "north", "where_do_you_work": "south"}
    assert locality_from_answers(parsed, both) == ("south", "answer")
    assert locality_from_answers(parsed, {"where_do_you_live": "north"}) is None, "only the marked one counts"
    # Unticking it on the question's page goes back to the first area question.
    page = client.get(f"/staff/surveys/{built}/questions/where_do_you_work")
    assert page.soup.select_one("input[name=sets_area]").has_attr("checked")
    client.submit(page, {"sets_area": []})
    assert "area_question" not in definition(app, built)
    # Marking, then deleting the question, unmarks it.
    client.submit(client.get(f"/staff/surveys/{built}/questions/where_do_you_work"), {"sets_area": "y"})
    delete = client.get(f"/staff/surveys/{built}/questions/where_do_you_work/delete")
    client.submit(delete)
    assert "area_question" not in definition(app, built)
    with pytest.raises(DefinitionError, match="is not an area, library or postcode question"):
        parse({**data, "area_question": "how_many_books"})


def test_every_fieldset_in_the_builder_has_its_legend(client: PageClient, built: str) -> None:
    """Styling a legend from the template must not drop its words (a govuk-frontend-wtf quirk)."""
    for url in (
        f"/staff/surveys/{built}/details",
        f"/staff/surveys/{built}/questions/{FIRST_QUESTION}",
        f"/staff/surveys/{built}/pages/your_views/questions/new?type=date",
    ):
        page = client.get(url)
        for fieldset in page.soup.select("main form fieldset"):
            legend = fieldset.find("legend")
            assert legend is not None and legend.get_text(strip=True), (url, str(fieldset)[:200])

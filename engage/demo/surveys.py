"""Demo survey data: the example co-design survey and a few hundred realistic responses,
about one in eight of them answered in Welsh (the example survey has its Welsh translation).

Responses are made through the same services as real ones (start, save each page,
submit), following the survey's routing, so reports see exactly what they would in
a live consultation. Seeded, so every run produces the same demo.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from engage.platform.config import PROJECT_ROOT
from surveys import postcodes, runner, services
from surveys.definition import LIKERT_SCALE, Page, Question, SurveyDefinition
from surveys.models import Response

EXAMPLE = PROJECT_ROOT / "examples" / "surveys" / "library-co-design.json"
RESPONSES = 360
CHANNEL_WEIGHTS = [("online", 60), ("kiosk", 18), ("paper", 15), ("event", 7)]

OPENERS = [
    "",
    "",
    "",
    "Honestly, ",
    "As a mum of two, ",
    "I'm retired and ",
    "As a student, ",
    "Speaking as a volunteer, ",
]
IDEAS = [
    "open on Sunday mornings so working families can come",
    "stay open later on Thursdays, I can't get there before 5pm",
    "more rhyme time and story sessions for toddlers in the holidays",
    "a proper quiet study space with plugs for laptops during exams",
    "the wifi keeps dropping out, please make it faster and more reliable",
    "help for older people to use the internet, book GP appointments and do online banking",
    "more books in Polish, Urdu and Arabic for our community",
    "keep the mobile library coming to the villages, the bus is hopeless",
    "somewhere warm and safe to sit in winter when heating is too expensive",
    "better parking or at least a bike rack near the entrance",
    "the toilets and baby changing need sorting out",
    "a lift or ramp, I use a wheelchair and the upstairs is impossible",
    "talks and exhibitions about local history and the old mills",
    "digitise the parish records and old photographs so we can see them online",
    "clubs for teenagers, coding or gaming, somewhere for them to go after school",
    "more large print and audiobooks",
    "a community room that groups can book cheaply",
    "job clubs and help with CVs",
    "don't close it, it's the only public space left on the high street",
    "a cafe corner would make people stay longer",
    "more events for adults in the evenings like author talks",
    "the heritage centre could run family history workshops",
    "more staff, there is often nobody to ask",
    "free printing for job seekers",
]
CLOSERS = ["", "", "", " Thank you.", " Keep up the good work!", " 📚", " 👍", " It really matters to us."]
HERITAGE = [
    "Walking trails with plaques about the history of the valley.",
    "School visits to the archive and hands-on workshops.",
    "Put the old photos on social media, people love them.",
    "An oral history project with older residents before their stories are lost.",
    "Exhibitions in the library foyer that change every month.",
    "Open days at the heritage centre with family activities.",
    "Better signs, I didn't know the archive was open to the public.",
    "Work with the local history society and the museum.",
]
VOLUNTEER = [
    "Reading with children on Saturday mornings.",
    "Helping people with computers and phones.",
    "Cataloguing the archive, I used to be a librarian.",
    "Delivering books to people who can't leave home.",
    "Running a knit and natter group.",
    "Code club for kids.",
]
SHORT = [
    "n/a",
    "nothing",
    "No",
    "-",
    "not sure",
    "more books",
    "longer hours",
    "wifi",
    "parking!!",
    "its fine as it is",
]
PERSONAL = [
    "Please contact me about volunteering at jo.bloggs@example.com, I'd love to help.",
    "Ring me on 07700 900123 if you want to talk about the reading group.",
    "My name is Sam Taylor and I run the local history society, we would like to work with you.",
]


# What residents who answered in Welsh wrote. Chosen with their own random numbers, so the
# rest of the demo is the same as before the survey had its Welsh.
WELSH_SHARE = 0.12
WELSH_IDEAS = [
    "Agor ar fore Sul er mwyn i deuluoedd sy'n gweithio allu dod.",
    "Mwy o lyfrau Cymraeg i blant, yn enwedig i ddysgwyr ifanc.",
    "Aros ar agor yn hwyrach ar nos Iau, alla i ddim cyrraedd cyn 5 o'r gloch.",
    "Sesiynau Amser Rhigwm yn Gymraeg yn ystod y gwyliau.",
    "Mae'r Wi-Fi yn torri o hyd, gwnewch e'n gyflymach os gwelwch yn dda.",
    "Help i bobl hŷn ddefnyddio'r rhyngrwyd a threfnu apwyntiadau meddyg.",
    "Peidiwch â chau'r llyfrgell, dyma'r unig le cyhoeddus sydd ar ôl ar y stryd fawr.",
    "Lle tawel i astudio gyda socedi ar gyfer gliniaduron adeg arholiadau.",
    "Grŵp sgwrsio i ddysgwyr Cymraeg unwaith yr wythnos.",
    "Mwy o staff, yn aml does neb i ofyn iddyn nhw.",
]
WELSH_HERITAGE = [
    "Llwybrau cerdded gyda phlaciau am hanes y dyffryn.",
    "Prosiect hanes llafar gyda thrigolion hŷn cyn i'w straeon gael eu colli.",
    "Rhoi'r hen ffotograffau ar y cyfryngau cymdeithasol, mae pobl wrth eu boddau gyda nhw.",
    "Diwrnodau agored yn y ganolfan dreftadaeth gyda gweithgareddau i deuluoedd.",
]
WELSH_VOLUNTEER = [
    "Darllen gyda phlant ar fore Sadwrn.",
    "Helpu pobl gyda chyfrifiaduron a ffonau.",
    "Mynd â llyfrau i bobl sy'n methu gadael eu cartrefi.",
]


def _in_welsh(question: Question, value: Any, rng: random.Random) -> Any:
    """A Welsh resident's free text in place of the English one (other answers are codes,
    the same in every language)."""
    if question.type != "long_text" or value is None:
        return value
    if question.id == "heritage_ideas":
        return rng.choice(WELSH_HERITAGE)
    if question.id == "volunteer_ideas":
        return rng.choice(WELSH_VOLUNTEER)
    return rng.choice(WELSH_IDEAS)


def _one_change(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.06:
        return rng.choice(SHORT)
    if roll < 0.075:
        return rng.choice(PERSONAL)
    first = rng.choice(IDEAS)
    text = rng.choice(OPENERS) + first
    if rng.random() < 0.45:
        text += ". Also " + rng.choice([i for i in IDEAS if i != first])
    text = text[0].upper() + text[1:] + "." + rng.choice(CLOSERS)
    if rng.random() < 0.08:
        text = text.lower().replace("the ", "teh ", 1)
    return text


def _answer(
    question: Question, definition: SurveyDefinition, rng: random.Random, state: dict[str, Any]
) -> Any:
    kind = question.type
    if not question.required and rng.random() < 0.3:
        return None
    if kind == "long_text":
        if question.id == "heritage_ideas":
            return rng.choice(HERITAGE)
        if question.id == "volunteer_ideas":
            return rng.choice(VOLUNTEER)
        return _one_change(rng)
    if kind == "short_text":
        return f"resident{rng.randint(100, 999)}@example.org" if rng.random() < 0.3 else None
    if kind == "postcode":
        # Made-up postcodes in the demo postcode table's districts (DEMO_POSTCODES).
        district = {"northgate": "AN1", "riverside-valley": "AN7"}.get(state["locality"], "AN1")
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        return f"{district} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
    if kind == "scale":
        return rng.choices(
            [o.value for o in question.options], weights=[4, 5, 2, 1, 1][: len(question.options)]
        )[0]
    if kind == "phone":
        # Ofcom's numbers for drama: never a real person's.
        return f"07700 900{rng.randint(0, 999):03d}" if rng.random() < 0.3 else None
    if kind == "branch":
        branches = [
            b for b in definition.branches() if b.locality_code == state["locality"]
        ] or definition.branches()
        return rng.choice(branches).code
    if kind == "locality":
        return state["locality"]
    if kind == "likert":
        return rng.choices([v for v, _ in LIKERT_SCALE], weights=[3, 5, 3, 2, 1])[0]
    if kind == "grid":
        return {
            s.id: rng.choices([v for v, _ in LIKERT_SCALE], weights=[3, 4, 3, 2, 1])[0]
            for s in question.statements
        }
    if kind == "ranking":
        return rng.sample([o.value for o in question.options], question.top_n)
    if kind == "number":
        low, high = int(question.min or 0), int(min(question.max or 10, 12))
        return rng.randint(low, high)
    if kind == "date":
        return (state["now"] - timedelta(days=rng.randint(1, 400))).date().isoformat()
    if kind == "multiple_choice":
        ordinary = [o.value for o in question.options if not o.exclusive]
        exclusive = [o.value for o in question.options if o.exclusive]
        if exclusive and rng.random() < 0.05:
            return [exclusive[0]]
        picked = set(rng.sample(ordinary, rng.randint(1, min(3, len(ordinary)))))
        return [v for v in ordinary if v in picked]
    if kind == "single_choice":
        values = [o.value for o in question.options]
        if question.id == "visit_frequency":
            return rng.choices(values, weights=[40, 30, 20, 10])[0]
        if question.id.startswith("eq_"):
            return rng.choice(values)
        return rng.choice(values)
    return None


def _respond(
    session: Session,
    definition: SurveyDefinition,
    version: Any,
    rng: random.Random,
    when: datetime,
    welsh_rng: random.Random | None = None,
) -> None:
    channel = rng.choices([c for c, _ in CHANNEL_WEIGHTS], weights=[w for _, w in CHANNEL_WEIGHTS])[0]
    welsh = welsh_rng is not None and "cy" in definition.languages and welsh_rng.random() < WELSH_SHARE
    locality = rng.choices([loc.code for loc in definition.localities], weights=[55, 45])[0]
    branches = [b for b in definition.branches() if b.locality_code == locality]
    branch = rng.choice(branches).code if channel != "online" or rng.random() < 0.3 else None
    started = services.start_response(
        session,
        version,
        when - timedelta(minutes=rng.randint(4, 25)),
        channel=channel,
        branch_code=branch,
        # Online answers without a library's link get their locality from the resident's
        # own answer to "Which area do you live in?", as real ones do.
        language="cy" if welsh else None,
    )
    state = {"locality": locality, "now": when}
    wants_equality = rng.random() < 0.5

    def answer(page: Page, question: Question) -> Any:
        value = _answer(question, definition, rng, state) if wants_equality or not page.is_equality else None
        return _in_welsh(question, value, welsh_rng) if welsh and welsh_rng is not None else value

    answer_and_send(
        session,
        definition.localised("cy") if welsh else definition,
        started.response,
        when,
        answer,
        language="cy" if welsh else None,
    )


def answer_and_send(
    session: Session,
    definition: SurveyDefinition,
    response: Response,
    when: datetime,
    answer: Callable[[Page, Question], Any],
    language: str | None = None,
) -> None:
    """Answer each page the routing shows, as a resident would (``answer`` gives each
    question's answer, or ``None`` to leave it), then send the response (in ``language``:
    None, the survey's own)."""
    page = runner.next_page(definition, {}, None, response.channel)
    while page is not None:
        given: dict[str, Any] = {}
        for question in runner.visible_questions(page, response.answers, response.channel):
            value = answer(page, question)
            if value is not None:
                given[question.id] = value
        services.save_page(session, response, definition, page.id, given, when, language=language)
        page = runner.next_page(definition, response.answers, page.id, response.channel)
    services.submit(session, response, definition, when, language=language)


# The demo council's postcode table: made-up districts ("AN" is no real postcode area).
DEMO_POSTCODES = [("AN1", "Northgate"), ("AN2", "Northgate"), ("AN7", "Riverside Valley")]


def load_demo_surveys(session: Session, now: datetime) -> Iterator[str]:
    if not postcodes.all_rows(session):
        postcodes.replace_table(session, DEMO_POSTCODES)
        yield f"Loaded the demo postcode table ({len(DEMO_POSTCODES)} districts)."
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    survey = services.get_survey(session, data["slug"])
    if survey is not None and survey.published is not None:
        yield f"Survey {data['slug']} already loaded ({services.count_submitted(session, survey)} responses)."
        return
    version = services.save_definition(session, data, now - timedelta(days=45))
    services.publish(session, version.survey, now - timedelta(days=45))
    definition = services.definition_of(version)
    rng = random.Random(20261124)  # noqa: S311 - demo data, seeded on purpose
    welsh_rng = random.Random(20261204)  # noqa: S311 - the same, for who answered in Welsh
    for n in range(RESPONSES):
        when = (
            now - timedelta(days=42) + timedelta(seconds=n * (42 * 86400 // RESPONSES) + rng.randint(0, 3600))
        )
        _respond(session, definition, version, rng, when, welsh_rng)
    session.commit()
    yield f"Loaded survey {data['slug']} with {RESPONSES} responses."

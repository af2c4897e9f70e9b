"""QR posters: bilingual, Welsh first, for a survey in Welsh; in English otherwise."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from PIL import Image, ImageFont

from engage.accounts.models import Role, StaffUser
from engage.platform import clock
from engage.platform.database import db
from surveys import posters, services
from tests.support.pages import PageClient

SURVEY: dict[str, Any] = {
    "schema_version": 1,
    "slug": "poster-survey",
    "title": "Shaping your library",
    "purpose": "Tell us what you want from your library.",
    "localities": [
        {"code": "north", "name": "Northgate", "branches": [{"code": "ngc", "name": "Northgate Library"}]}
    ],
    "pages": [
        {
            "id": "one",
            "title": "One change",
            "questions": [{"id": "change", "type": "long_text", "text": "What one change would you make?"}],
        }
    ],
}
WELSH = {
    "title": "Llunio eich llyfrgell",
    "purpose": "Dywedwch wrthym beth rydych ei eisiau gan eich llyfrgell.",
    "pages": {"one": {"title": "Un newid"}},
    "questions": {"change": {"text": "Pa un newid fyddech chi'n ei wneud?"}},
}


@pytest.fixture
def poster_survey(app: Flask) -> Callable[[bool], None]:
    def publish(welsh: bool) -> None:
        data = dict(SURVEY, translations={"cy": WELSH}) if welsh else SURVEY
        with app.app_context():
            session = db()
            version = services.save_definition(session, data, clock.now())
            services.publish(session, version.survey, clock.now())
            session.commit()

    return publish


def _texts(app: Flask, client: PageClient) -> list[posters.PosterText]:
    seen: list[list[posters.PosterText]] = []
    real = posters.render_poster

    def spy(**kwargs: Any) -> bytes:
        seen.append(list(kwargs["texts"]))
        return real(**kwargs)

    posters.render_poster = spy  # type: ignore[assignment]
    try:
        response = client.client.get("/staff/surveys/poster-survey/posters/ngc.png")
    finally:
        posters.render_poster = real  # type: ignore[assignment]
    assert response.status_code == 200 and response.data.startswith(b"\x89PNG")
    assert Image.open(io.BytesIO(response.data)).size == (posters.WIDTH, posters.HEIGHT)
    return seen[0]


def test_a_welsh_survey_gets_a_bilingual_poster_welsh_first(
    app: Flask,
    client: PageClient,
    poster_survey: Callable[[bool], None],
    signed_in: Callable[[Role], StaffUser],
) -> None:
    poster_survey(True)
    signed_in(Role.BRANCH_STAFF)
    welsh, english = _texts(app, client)
    assert (welsh.language, welsh.headline, welsh.title) == (
        "cy",
        "Dweud eich dweud",
        "Llunio eich llyfrgell",
    )
    assert welsh.scan == "Sganiwch y cod gyda chamera eich ffôn"
    assert (english.language, english.headline, english.title) == (
        "en",
        "Have your say",
        "Shaping your library",
    )


def test_an_english_survey_gets_an_english_poster(
    app: Flask,
    client: PageClient,
    poster_survey: Callable[[bool], None],
    signed_in: Callable[[Role], StaffUser],
) -> None:
    poster_survey(False)
    signed_in(Role.BRANCH_STAFF)
    client.get("/?lang=cy")  # a Welsh-speaking officer's choice does not change the poster
    (english,) = _texts(app, client)
    assert (english.headline, english.title) == ("Have your say", "Shaping your library")


def test_the_poster_font_has_the_welsh_letters() -> None:
    font = posters._font(40)
    assert isinstance(font, ImageFont.FreeTypeFont), "a system font, not Pillow's own"
    assert font.getname()[0] in {"Liberation Sans", "DejaVu Sans"}

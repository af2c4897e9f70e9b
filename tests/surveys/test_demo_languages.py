"""The demo includes the example survey in Welsh, with some responses answered in Welsh."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from engage.demo.surveys import WELSH_HERITAGE, WELSH_IDEAS, WELSH_VOLUNTEER, load_demo_surveys
from engage.platform import clock
from engage.platform.database import db
from surveys import export, services
from surveys.models import Response


def test_the_demo_has_responses_in_welsh_with_welsh_free_text(app: Flask) -> None:
    with app.app_context():
        list(load_demo_surveys(db(), clock.now()))
        survey = services.get_survey(db(), "library-co-design")
        assert survey is not None and survey.published is not None
        assert services.definition_of(survey.published).languages == ("en", "cy")
        grouped = db().execute(select(Response.language, func.count()).group_by(Response.language))
        counts = {str(language): int(n) for language, n in grouped}
        assert set(counts) == {"en", "cy"}
        assert 20 <= counts["cy"] <= 70 and counts["en"] + counts["cy"] == 360
        welsh_text = set(WELSH_IDEAS) | set(WELSH_HERITAGE) | set(WELSH_VOLUNTEER)
        welsh = list(db().scalars(select(Response).where(Response.language == "cy")))
        free_text = ("one_change", "heritage_ideas", "volunteer_ideas", "what_would_help")
        written = [r.answers[q] for r in welsh for q in free_text if r.answers.get(q)]
        assert written and all(v in welsh_text for v in written)
        english = db().scalars(select(Response).where(Response.language == "en")).all()
        assert not any(v in welsh_text for r in english for v in r.answers.values() if isinstance(v, str))
        header, rows, _ = export.readable_rows(db(), survey)
        languages = [row[header.index("Language")] for row in rows]
        assert languages.count("Welsh") == counts["cy"]

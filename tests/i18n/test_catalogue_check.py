"""scripts/i18n.py's check: what makes it fail, so make test's catalogue check can fail."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog


def _template(*entries: tuple[str | tuple[str, str], str]) -> Catalog:
    catalog = Catalog()
    for message, where in entries:
        catalog.add(message, None, [(where, 1)])
    return catalog


def test_a_bare_per_cent_sign_in_a_template_is_refused(tool: ModuleType) -> None:
    template = _template(
        ("zoom to 400% please", "templates/public/accessibility.html"),
        ("zoom to 400%% please", "templates/public/other.html"),
        ("%(num)d answers", "templates/public/third.html"),
        ("50% in Python is fine", "engage/public/views.py"),
    )
    assert tool.source_problems(template) == [
        "templates/public/accessibility.html:1: write a per cent sign as %% in 'zoom to 400% please'"
    ]


def _with_catalogue(
    tool: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, catalog: Catalog
) -> None:
    monkeypatch.setattr(tool, "TRANSLATIONS", tmp_path)
    tool.write("cy", catalog)


def test_untranslated_and_lost_placeholders_are_found_in_scope_only(
    tool: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = _template(
        ("Start now", "templates/residents/start.html"),
        ("Hello %(name)s", "templates/layout.html"),
        ("Continue", "templates/residents/page.html"),
        ("Publish", "templates/builder/publish.html"),  # a staff page: English may stay
        # In surveys/ (resident scope) but only officers see the postcode table's errors.
        ("Line %(line)s: no postcode", "surveys/postcodes.py"),
        ("Choose a library", "surveys/question_types.py"),
    )
    welsh = Catalog(locale="cy")
    welsh.add("Start now", "Dechrau nawr")
    welsh.add("Hello %(name)s", "Helo")
    welsh.add("Continue", "", flags=["fuzzy"])
    _with_catalogue(tool, tmp_path, monkeypatch, welsh)
    found = tool.problems("cy", template)
    assert found == [
        "templates/layout.html:1: a placeholder is missing from 'Helo'",
        "templates/residents/page.html:1: not translated: 'Continue'",
        "surveys/question_types.py:1: not translated: 'Choose a library'",
    ]


def test_every_welsh_plural_form_must_be_written(
    tool: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = _template((("%(num)d answer", "%(num)d answers"), "templates/residents/check.html"))
    welsh = Catalog(locale="cy")
    assert welsh.num_plurals == 6
    welsh.add(("%(num)d answer", "%(num)d answers"), ("%(num)d ateb", "%(num)d ateb", "", "", "", ""))
    _with_catalogue(tool, tmp_path, monkeypatch, welsh)
    assert tool.problems("cy", template) == [
        "templates/residents/check.html:1: not translated: '%(num)d answer'"
    ]


def test_welsh_answers_yes_with_the_questions_own_verb(app: object) -> None:
    from flask import Flask

    from surveys.equality import equality_page

    assert isinstance(app, Flask)
    with app.test_request_context("/?lang=cy"):
        answers = {q.id: [o.label for o in q.options] for q in equality_page().questions}
    assert answers["eq_gender_same"][:2] == ["Ydy", "Nac ydy"]
    assert answers["eq_disability"][:2] == ["Oes", "Nac oes"]
    assert answers["eq_carer"][:2] == ["Ydw", "Nac ydw"]
    with app.test_request_context("/"):
        assert [o.label for o in equality_page().questions[2].options][:2] == ["Yes", "No"]

"""The survey builder's staff messages and the postcode table's errors are marked for
translation: each kind is in the extracted catalogue, from the file that shows it."""

from __future__ import annotations

from types import ModuleType

import pytest
from babel.messages.catalog import Catalog

from engage.builder import editing
from surveys.definition import parse
from tests.residents.conftest import SURVEY
from tests.support.catalogue import assert_marked

FILES = (
    "engage/builder/editing.py",
    "engage/builder/translations.py",
    "engage/builder/trial.py",
    "engage/builder/views.py",
    "surveys/postcodes.py",
    "templates/builder/",
)


@pytest.mark.parametrize(
    ("message", "context", "where"),
    [
        # The note when a change takes out translations (a plural; the language a placeholder).
        (
            "The %(language)s of %(num)d text was taken out because its English changed: %(texts)s.",
            None,
            "engage/builder/views.py",
        ),
        # Messages naming a page or question, and a copy's title.
        (
            "Routing on %(where)s depends on this question. Change that routing first",
            None,
            "engage/builder/views.py",
        ),
        ("The page '%(name)s' could not be moved. %(problem)s", None, "engage/builder/views.py"),
        ("The question '%(name)s' could not be moved. %(problem)s", None, "engage/builder/views.py"),
        ("Copy of %(title)s", None, "engage/builder/views.py"),
        # Edit errors and routing in words.
        ("Line %(number)s: the area '%(name)s' is listed twice", None, "engage/builder/editing.py"),
        ("page %(page)s, question %(number)s ('%(text)s')", None, "engage/builder/editing.py"),
        ("Only shown if %(rule)s", "routing", "engage/builder/editing.py"),
        ("%(question)s is %(answer)s", "routing", "engage/builder/editing.py"),
        ("%(question)s is any of %(answers)s or %(last)s", "routing", "engage/builder/editing.py"),
        ("answer options", "survey field", "engage/builder/editing.py"),
        # The translation page's section names and errors.
        ("Start page and where residents find the survey", None, "engage/builder/translations.py"),
        ("Page %(number)s: %(title)s", None, "engage/builder/translations.py"),
        (
            "The translation of %(name)s must be %(max)s characters or fewer",
            None,
            "engage/builder/translations.py",
        ),
        # The try-out.
        (
            "The survey changed since you started trying it, so the try-out has started again.",
            None,
            "engage/builder/trial.py",
        ),
        ("TRY-OUT", None, "engage/builder/trial.py"),
        # The postcode table's CSV errors.
        ("Line %(number)s: give the area for %(postcode)s", None, "surveys/postcodes.py"),
        ("The file has no postcodes in it", None, "surveys/postcodes.py"),
    ],
)
def test_the_message_is_in_the_catalogue_from_its_file(
    catalogue: Catalog, message: str, context: str | None, where: str
) -> None:
    assert_marked(catalogue, message, where, context)


def test_the_note_has_plural_forms(catalogue: Catalog) -> None:
    found = catalogue.get(
        "The %(language)s of %(num)d text was taken out because its text changed: %(texts)s."
    )
    assert found is not None and found.pluralizable
    assert (
        found.id[1] == "The %(language)s of %(num)d texts was taken out because its text changed: %(texts)s."
    )


def test_the_builder_files_have_no_source_problems(tool: ModuleType, catalogue: Catalog) -> None:
    problems = tool.source_problems(catalogue)
    assert [p for p in problems if p.startswith(FILES)] == []


def test_a_pages_routing_warning_leaves_out_only_that_page() -> None:
    # It left out every place whose words began "page 3" (page 30 too), and the words are
    # now translated, so the page is left out by its id.
    data = parse(SURVEY)
    everywhere = editing.references(data, "visits")
    assert everywhere == [
        "page 2 ('Why you do not visit')",
        "page 3 ('Your library')",
        "page 6 ('Anything else')",
    ]
    assert editing.references(data, "visits", outside_page=data.pages[2].id) == [
        "page 2 ('Why you do not visit')",
        "page 6 ('Anything else')",
    ]

"""Compiled templates are shared by every app in a process (the suite builds one per test),
but never across a changed template or different syntax settings."""

from __future__ import annotations

from collections import ChainMap
from typing import Any

from jinja2 import DictLoader, Environment

from engage import _Globals, _ProcessBytecodeCache, _TemplateEnvironment


def _environment(cache: _ProcessBytecodeCache, source: str, **settings: Any) -> tuple[Environment, list[str]]:
    environment = Environment(
        loader=DictLoader({"page.html": source}), bytecode_cache=cache, autoescape=True, **settings
    )
    compiled: list[str] = []
    real = environment.compile

    def counting(*args: Any, **kwargs: Any) -> Any:
        compiled.append(str(args[1] if len(args) > 1 else kwargs.get("name")))
        return real(*args, **kwargs)

    environment.compile = counting  # type: ignore[method-assign]
    return environment, compiled


def test_a_second_app_reuses_the_compiled_template() -> None:
    cache = _ProcessBytecodeCache()
    first, first_compiled = _environment(cache, "{% if x %}\n  yes\n{% endif %}")
    second, second_compiled = _environment(cache, "{% if x %}\n  yes\n{% endif %}")
    assert first.get_template("page.html").render(x=True) == "\n  yes\n"
    assert second.get_template("page.html").render(x=True) == "\n  yes\n"
    assert (first_compiled, second_compiled) == (["page.html"], [])


def test_a_changed_template_or_other_settings_compile_afresh() -> None:
    cache = _ProcessBytecodeCache()
    first, _ = _environment(cache, "{% if x %}\n  yes\n{% endif %}")
    first.get_template("page.html")
    edited, edited_compiled = _environment(cache, "{% if x %}\n  no\n{% endif %}")
    assert edited.get_template("page.html").render(x=True) == "\n  no\n"
    trimmed, trimmed_compiled = _environment(
        cache, "{% if x %}\n  yes\n{% endif %}", trim_blocks=True, lstrip_blocks=True
    )
    assert trimmed.get_template("page.html").render(x=True) == "  yes\n"
    assert (edited_compiled, trimmed_compiled) == (["page.html"], ["page.html"])


def test_imported_macros_see_the_globals_of_the_page_that_imports_them() -> None:
    """The app's templates keep Jinja's globals, with the quick set of names each macro
    import compares (engage._Globals): a global added to one template still reaches the
    macros it imports, and one added to the environment later reaches every template."""
    environment = _TemplateEnvironment(
        app=None,
        loader=DictLoader(
            {
                "macros.html": "{% macro greet() %}{{ greeting }}, {{ place }}{% endmacro %}",
                "page.html": '{% from "macros.html" import greet %}{{ greet() }}',
            }
        ),
    )
    environment.globals["greeting"] = "Hello"
    page = environment.get_template("page.html", globals={"place": "Northgate"})
    assert isinstance(page.globals, _Globals)
    plain = ChainMap(dict(page.globals.maps[0]), environment.globals)
    assert set(page.globals.keys()) == set(plain.keys()) and {"greeting", "place"} <= set(page.globals.keys())
    assert page.render() == "Hello, Northgate"
    environment.globals["greeting"] = "Croeso"
    assert environment.get_template("page.html").render(place="Eastfield") == "Croeso, Eastfield"

"""The interface's translation catalogues: extract, update, fill, compile and check.

    python scripts/i18n.py update            extract every marked string and update each
                                             language's messages.po (make messages)
    python scripts/i18n.py compile           messages.po → messages.mo (make install)
    python scripts/i18n.py check             every resident-facing string translated in each
                                             complete language, and the survey pages' strings
                                             in each partial one; placeholders kept (make test)
    python scripts/i18n.py missing LANG      the strings LANG still lacks, in its scope
    python scripts/i18n.py add LANG FILE     fill LANG's translations from a JSON file of
                                             {"English": "translation"} (a list of forms
                                             for a plural; "context::English" for a string
                                             in a context), then update and compile

A council's translation unit works on the .po files (engage/translations/LANG/
LC_MESSAGES/messages.po) with any PO editor; docs/languages.md says how.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from fnmatch import fnmatch
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "engage" / "translations"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
    "N_": None,
    "lazy_ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "NP_": ((1, "c"), 2),
}
METHODS = [
    ("engage/**.py", "python"),
    ("surveys/**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/**.txt", "jinja2"),
    ("templates/**.xml", "jinja2"),
]
JINJA_OPTIONS = {"trim_blocks": "true", "lstrip_blocks": "true", "extensions": "jinja2.ext.do"}

# What a resident, kiosk user or forum member can see. Staff pages are translatable (their
# strings are in the catalogue) but need not be translated yet.
RESIDENT_SCOPE = (
    "templates/layout.html",
    "templates/public/*",
    "templates/residents/*",
    "templates/kiosk/*",
    "templates/forums/*",
    "templates/yswd/*",
    "templates/errors/*",
    "templates/followups/*",
    "templates/macros/*",
    "templates/emails/layout.html",
    "templates/emails/resume.*",
    "templates/emails/forum_*",
    "templates/emails/follow_up_*",
    "engage/residents/*",
    "engage/kiosk/*",
    "engage/forums/public.py",
    "engage/forums/forms.py",
    "engage/followups/*",
    "engage/public/*",
    "engage/actions/public.py",
    "engage/platform/*",
    "surveys/*",
)
# Files inside the scopes above whose marked strings only staff see: a complete
# language need not translate them (staff pages are English for now).
STAFF_ONLY = ("surveys/postcodes.py", "engage/platform/models.py", "engage/kiosk/models.py")
# What a resident sees while answering a survey: a partial language covers this.
SURVEY_SCOPE = (
    "templates/layout.html",
    "templates/residents/*",
    "templates/errors/*",
    "engage/residents/*",
    "engage/platform/errors.py",
    "surveys/question_types.py",
    "surveys/equality.py",
    "surveys/i18n.py",
)
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def languages() -> list[str]:
    return sorted(p.name for p in TRANSLATIONS.iterdir() if (p / "LC_MESSAGES" / "messages.po").exists())


def po_path(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


def extract() -> Catalog:
    """Every marked string in the project, with where it is used."""
    catalog = Catalog(project="engage", msgid_bugs_address="", charset="utf-8")
    method_map = METHODS
    options_map = {
        "templates/**.html": JINJA_OPTIONS,
        "templates/**.txt": JINJA_OPTIONS,
        "templates/**.xml": JINJA_OPTIONS,
    }
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    ):
        if filename.startswith(("tests/", "node_modules/", ".venv/", "scripts/", "analysis/")):
            continue
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def read(lang: str) -> Catalog:
    with po_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang)


def write(lang: str, catalog: Catalog) -> None:
    path = po_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=False, include_previous=False)


@contextmanager
def locked() -> Iterator[None]:
    """One writer at a time (several people or tools may fill catalogues at once)."""
    TRANSLATIONS.mkdir(parents=True, exist_ok=True)
    with (TRANSLATIONS / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def update() -> None:
    template = extract()
    for lang in languages():
        catalog = read(lang)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        write(lang, catalog)


def compile_all() -> None:
    for lang in languages():
        catalog = read(lang)
        with po_path(lang).with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)


def _in(locations: list[tuple[str, int | None]], scope: tuple[str, ...]) -> bool:
    """Whether a string is used in a file of ``scope`` other than a staff-only one."""
    return any(
        fnmatch(filename, pattern)
        for filename, _ in locations
        if not any(fnmatch(filename, staff) for staff in STAFF_ONLY)
        for pattern in scope
    )


def _complete(lang: str) -> bool:
    sys.path.insert(0, str(ROOT))
    from engage.platform.i18n import LANGUAGES

    language = LANGUAGES.get(lang)
    return bool(language and language.complete)


BARE_PERCENT = re.compile(r"%(?!\()")


def source_problems(template: Catalog) -> list[str]:
    """Marked strings that would break a page: in a template, Jinja formats every
    translated string with ``%``, so a literal per cent sign must be written ``%%``."""
    found = []
    for message in template:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for filename, line in message.locations:
            if filename.startswith("templates/") and any(
                BARE_PERCENT.search(i.replace("%%", "")) for i in ids if i
            ):
                found.append(f"{filename}:{line}: write a per cent sign as %% in {ids[0]!r}")
    return found


def problems(lang: str, template: Catalog | None = None) -> list[str]:
    """What LANG lacks in its scope: untranslated strings and lost placeholders."""
    template = template or extract()
    catalog = read(lang)
    scope = RESIDENT_SCOPE if _complete(lang) else SURVEY_SCOPE
    found = []
    for message in template:
        if not message.id or not _in(message.locations, scope):
            continue
        where = f"{message.locations[0][0]}:{message.locations[0][1]}"
        translated = catalog.get(message.id, context=message.context)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = translated.string if translated is not None else None
        forms = list(strings) if isinstance(strings, tuple | list) else [strings]
        if translated is None or translated.fuzzy or not all(forms):
            found.append(f"{where}: not translated: {ids[0]!r}")
            continue
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        for form in forms:
            if set(PLACEHOLDER.findall(str(form))) - wanted - {"num"}:
                found.append(f"{where}: a placeholder that the English lacks in {form!r}")
            elif wanted - {"num"} - set(PLACEHOLDER.findall(str(form))) and len(forms) == 1:
                found.append(f"{where}: a placeholder is missing from {form!r}")
    return found


def add(lang: str, path: Path) -> int:
    wanted: dict[str, str | list[str]] = json.loads(path.read_text(encoding="utf-8"))
    with locked():
        template = extract()
        catalog = read(lang)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        filled = 0
        for message in catalog:
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            if key and message.context:
                key = f"{message.context}::{key}"  # a string in context: "context::English"
            if not key or key not in wanted:
                continue
            value = wanted[key]
            if isinstance(message.id, tuple):
                forms = value if isinstance(value, list) else [value] * catalog.num_plurals
                message.string = tuple(forms[: catalog.num_plurals])
            else:
                message.string = value if isinstance(value, str) else value[0]
            message.flags.discard("fuzzy")
            filled += 1
        write(lang, catalog)
        compile_all()
    return filled


def new_language(lang: str) -> None:
    catalog = extract()
    fresh = Catalog(locale=lang, project="engage", charset="utf-8")
    fresh.update(catalog, no_fuzzy_matching=True)
    write(lang, fresh)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["update", "compile", "check", "missing", "add", "init"])
    parser.add_argument("lang", nargs="?")
    parser.add_argument("file", nargs="?", type=Path)
    args = parser.parse_args(argv)
    if args.command == "update":
        with locked():
            update()
            compile_all()
    elif args.command == "compile":
        compile_all()
    elif args.command == "init":
        with locked():
            new_language(args.lang)
    elif args.command == "add":
        print(f"{add(args.lang, args.file)} translations filled in {args.lang}")
    elif args.command == "missing":
        for line in problems(args.lang):
            print(line)
    else:
        template = extract()
        broken = source_problems(template)
        for line in broken:
            print(line, file=sys.stderr)
        failed = bool(broken)
        for lang in languages():
            if lang == "en":
                continue
            found = problems(lang, template)
            scope = "every resident-facing string" if _complete(lang) else "the survey pages"
            if found:
                failed = True
                print(f"{lang}: {len(found)} problems in {scope}:", file=sys.stderr)
                for line in found[:50]:
                    print(f"  {line}", file=sys.stderr)
            else:
                print(f"{lang}: {scope} translated")
        return 1 if failed else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The layering rules import-linter cannot see (the contracts themselves are in pyproject.toml)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OURS = ("engage", "surveys", "analysis")
REASON = "# Imported here"


def _hidden_imports(path: Path) -> list[str]:
    """Imports of our own modules inside a function, without a comment saying why."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.ImportFrom) and inner.module:
                names = [inner.module]
            elif isinstance(inner, ast.Import):
                names = [alias.name for alias in inner.names]
            else:
                continue
            if not any(name.split(".")[0] in OURS for name in names):
                continue
            # The comment sits above the import, or above the block of imports it is in.
            row = inner.lineno - 2
            while row >= 0 and lines[row].strip().startswith(("from ", "import ")):
                row -= 1
            comment = []
            while row >= 0 and lines[row].strip().startswith("#"):
                comment.append(lines[row].strip())
                row -= 1
            if not any(line.startswith(REASON) for line in comment):
                found.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    return found


def test_no_imports_hidden_inside_functions_without_a_reason() -> None:
    """An import inside a function usually dodges an import cycle between features; the
    cure is an event or a read model (docs/architecture.md). Where one is right (the app
    factory, a worker building its app), the line above says so: "# Imported here ..."."""
    hidden = [hit for path in sorted((ROOT / "engage").rglob("*.py")) for hit in _hidden_imports(path)]
    assert hidden == []


def test_the_check_finds_a_hidden_import(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text(
        "def f():\n    from engage import clock\n    from engage import links\n\n"
        "def g():\n    # Imported here: the worker builds its own app.\n    from engage import create_app\n",
        encoding="utf-8",
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert _hidden_imports(module) == ["module.py:2", "module.py:3"]
    finally:
        ROOT = saved


def test_the_generated_import_contracts_are_current() -> None:
    """pyproject.toml's per-feature contracts come from scripts/contracts.py's one list."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "contracts.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


def test_engage_has_no_top_level_module_but_the_app_factory() -> None:
    assert sorted(p.name for p in (ROOT / "engage").glob("*.py")) == ["__init__.py"]


def test_tests_share_helpers_through_tests_support_not_each_other() -> None:
    """A test module imports helpers from tests/support/ (or a conftest), never from another
    test module: importing one runs its module-level fixtures and tests into the importer."""
    found = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            if module and module.startswith("tests.") and module.rsplit(".", 1)[-1].startswith("test_"):
                found.append(f"{path.relative_to(ROOT)}: from {module}")
    assert found == []

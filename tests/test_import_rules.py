"""The rooms of ``src/agilesocial`` and what each knows nothing of (docs/development.md): data flows one way.

Every import is read from the syntax tree, lazy imports inside functions and ``TYPE_CHECKING`` blocks included.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "agilesocial"

# room -> modules it must not import (a module matches itself and everything below it)
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "retro": ("duckdb", "agilesocial.warehouse", "agilesocial.review", "agilesocial.stats", "scipy", "statsmodels"),
    "stats": ("duckdb", "rich", "typer", "yaml", "agilesocial"),
    "plan": ("duckdb", "scipy", "statsmodels", "agilesocial.warehouse", "agilesocial.analysis"),
    "lint": ("duckdb", "scipy", "statsmodels", "agilesocial.warehouse", "agilesocial.analysis"),
    "warehouse": ("scipy", "statsmodels", "agilesocial.analysis", "agilesocial.review", "agilesocial.retro"),
    "analysis": ("rich", "agilesocial.review", "agilesocial.retro"),
    "review": ("rich", "jinja2", "typer"),
}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.lineno, node.module))
    return out


def _matches(module: str, banned: str) -> bool:
    return module == banned or module.startswith(banned + ".")


def _breaks(room: str, banned: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((SRC / room).rglob("*.py")):
        for line, module in _imports(path):
            if room == "stats" and _matches(module, "agilesocial.stats"):
                continue
            if any(_matches(module, b) for b in banned):
                found.append(f"{path.relative_to(SRC)}:{line}: imports {module}")
    return found


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_room_imports_only_downstream(room: str) -> None:
    assert _breaks(room, FORBIDDEN[room]) == []


def test_nothing_imports_the_cli() -> None:
    found = [
        f"{path.relative_to(SRC)}:{line}: imports {module}"
        for path in sorted(SRC.rglob("*.py"))
        if path.parent.name != "cli" and path.name != "__main__.py"
        for line, module in _imports(path)
        if _matches(module, "agilesocial.cli")
    ]
    assert found == []


def test_the_rule_sees_a_lazy_import(tmp_path: Path) -> None:
    """The checker itself can fail: an import inside a function is found."""
    room = tmp_path / "room.py"
    room.write_text("def f():\n    import duckdb\n    from agilesocial.warehouse.connection import warehouse\n")
    assert [m for _, m in _imports(room)] == ["duckdb", "agilesocial.warehouse.connection"]

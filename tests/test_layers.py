"""The package's layers, checked from the source: who may import whom, no cycles, no huge files.

From the bottom: ``core`` (no Qt; with ``player/__init__.py`` and ``player/paths.py``),
``platform`` (Qt-free operating-system services), ``audio`` (the Qt audio output,
``player/qtaudio.py``), ``gui`` and ``cli``; ``player/smoke.py`` and ``player/__main__.py``
sit on top. A module may import its own layer and those below it, never one above.

Imports are read with :mod:`ast`, so every import counts wherever it is written: inside
functions, under ``if TYPE_CHECKING:`` and in ``try`` blocks alike. An import kept out
of the module's top level still ties the two modules together.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "player"
LAYERS = ("core", "platform", "audio", "gui", "cli", "top")
# Modules outside the layer folders, and where they belong.
PLACED = {
    "player": "core",
    "player.paths": "core",
    "player.qtaudio": "audio",
    "player.smoke": "top",
    "player.__main__": "top",
}
MAX_LINES = 700
# The main window only lays out and wires its parts: it is held to less.
LIMITS = {"player/gui/window.py": 600}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of the package by dotted name."""
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def layer_of(name: str) -> str:
    if name in PLACED:
        return PLACED[name]
    parts = name.split(".")
    if len(parts) >= 2 and parts[1] in LAYERS:
        return parts[1]
    raise AssertionError(f"{name}: in no layer; add it to PLACED in tests/test_layers.py")


def _resolve(name: str) -> str | None:
    """The package's module an import names (its nearest enclosing module), or None."""
    known = modules()
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(name: str) -> Iterator[tuple[str, int]]:
    """(imported module of the package, line) for every import statement in ``name``."""
    path = modules()[name]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found = _resolve(alias.name)
                if found is not None:
                    yield found, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")
                # A package's own name is its anchor; a plain module's is its package.
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                # `from player.gui import app` names a module; `from x import func` does not.
                found = _resolve(f"{base}.{alias.name}") or _resolve(base)
                if found is not None:
                    yield found, node.lineno


@cache
def graph() -> dict[str, frozenset[str]]:
    return {
        name: frozenset(target for target, _line in imports_of(name) if target != name)
        for name in modules()
    }


def test_the_package_is_found() -> None:
    assert {"player.core.model", "player.gui.window", "player.cli", "player.qtaudio"} <= set(
        modules()
    )


def test_imports_inside_functions_are_seen() -> None:
    # player.cli imports the window only inside a function, so the window's Qt loads late.
    assert "player.gui.app" in graph()["player.cli"]
    # `from player.gui import app` names the module, not just the package.
    assert "player.gui.app" in graph()["player.gui.screenshot"]


def test_every_module_has_a_layer() -> None:
    for name in modules():
        assert layer_of(name) in LAYERS


def test_no_module_imports_a_layer_above_its_own() -> None:
    rank = {layer: i for i, layer in enumerate(LAYERS)}
    wrong = [
        f"{modules()[name].relative_to(PACKAGE.parent)}:{line}: {name} ({layer_of(name)}) "
        f"imports {target} ({layer_of(target)})"
        for name in modules()
        for target, line in imports_of(name)
        if rank[layer_of(target)] > rank[layer_of(name)]
    ]
    assert wrong == []


def test_core_and_platform_import_no_qt() -> None:
    wrong = []
    for name, path in modules().items():
        if layer_of(name) not in ("core", "platform"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            wrong += [f"{name}:{node.lineno}: {n}" for n in names if n.startswith("PySide6")]
    assert wrong == []


def test_say_does_not_need_the_window() -> None:
    # `story-player say` runs on machines (and in sessions) with no window system.
    assert not any(t.startswith("player.gui") for t in graph()["player.cli.speech"])


def _cycles() -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    edges = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for name in sorted(edges):
        if name not in index:
            visit(name)
    return groups


def test_no_two_modules_import_each_other() -> None:
    edges = graph()
    pairs = sorted({tuple(sorted((a, b))) for a in edges for b in edges[a] if a in edges[b]})
    assert pairs == []


def test_no_import_cycles() -> None:
    assert _cycles() == []


@pytest.mark.parametrize("name", sorted(modules()))
def test_module_size(name: str) -> None:
    path = modules()[name]
    where = path.relative_to(PACKAGE.parent).as_posix()
    limit = LIMITS.get(where, MAX_LINES)
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= limit, f"{where}: {lines} lines, more than {limit}"

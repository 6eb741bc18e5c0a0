"""The folders are the layers, and imports point one way: down the table below, never up.

Each package of monitor/ may import itself, the packages LAYERS allows it, and the standard
library and third-party packages PURE lets it (the pure layers do no I/O and read no clock).
Modules form no import cycles. A new folder must be placed in LAYERS before it can be used.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What each unit of the tree may import from the project (besides itself). A unit is a
# package of monitor/ (monitor.rules), a top-level module (monitor.clock), or collectors /
# dashboard as a whole.
_PURE = {
    "monitor.domain",
    "monitor.contract",
    "monitor.rules",
    "monitor.measures",
    "monitor.billing",
}
_CORE = _PURE | {"monitor.scorecard"}
_READ = _CORE | {"monitor.storage", "monitor.runs", "monitor.clock"}
LAYERS: dict[str, set[str]] = {
    "monitor.domain": set(),
    "monitor.contract": {"monitor.domain"},
    "monitor.rules": {"monitor.domain", "monitor.contract"},
    "monitor.measures": {"monitor.domain", "monitor.contract"},
    "monitor.billing": {"monitor.domain", "monitor.measures"},
    "monitor.scorecard": {
        "monitor.domain",
        "monitor.contract",
        "monitor.rules",
        "monitor.measures",
        "monitor.billing",
    },
    "monitor.storage": {"monitor.domain"},
    "monitor.clock": set(),
    "monitor.http": {"monitor.clock"},
    "monitor.settings": {"monitor.domain", "monitor.contract"},
    "monitor.runs": _CORE | {"monitor.storage", "monitor.clock"},
    "monitor.exports": _READ,
    "monitor.report": _READ,
    "monitor.views": _READ,
    "monitor.alerting": _READ | {"monitor.http"},
    "monitor.api": _READ | {"monitor.views", "monitor.settings"},
    "monitor.service": _READ
    | {"monitor.alerting", "monitor.api", "monitor.exports", "monitor.settings", "monitor.http"},
    "monitor.cli": {"*"},  # the command line wires every layer together
    "monitor.__main__": {"monitor.cli"},
    "monitor": set(),
    "collectors": _PURE
    | {"monitor.storage", "monitor.clock", "monitor.http", "monitor.service", "monitor.settings"},
    "dashboard": _READ | {"monitor.views", "monitor.report", "monitor.settings"},
}
# The pure layers: no database, no network, no UI, no files of the machine's clock.
PURE_LAYERS = _PURE | {"monitor.scorecard"}
IO_PACKAGES = {
    "sqlalchemy",
    "sqlmodel",
    "alembic",
    "requests",
    "streamlit",
    "fastapi",
    "uvicorn",
    "psycopg",
    "openpyxl",
    "socket",
    "urllib",
    "http",
    "smtplib",
    "subprocess",
}
# Pure modules that live beside the I/O of their feature.
PURE_ELSEWHERE = [
    "monitor/views/paging.py",
    "monitor/alerting/planner.py",
    "monitor/alerting/message.py",
]


def source_files() -> Iterator[Path]:
    for top in ("monitor", "collectors", "dashboard"):
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" not in path.parts:  # frozen history, by design never touched
                yield path


def module_of(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def unit_of(module: str) -> str:
    """The layer a module belongs to: monitor's second name, or the top package."""
    parts = module.split(".")
    if parts[0] == "monitor" and len(parts) > 1:
        return f"monitor.{parts[1]}"
    return parts[0]


def imported_modules(path: Path, root: Path = ROOT) -> set[str]:
    """Every module the file imports, at any depth (a function-local import counts too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = module_of(path, root)
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from monitor.rules import pauses` imports the module monitor.rules.pauses.
            modules = {alias.name for alias in node.names if _is_module(base, alias.name)}
            names.update(f"{base}.{name}" for name in modules)
            if len(modules) < len(node.names):
                names.add(base)
    return names


def _is_module(package: str, name: str) -> bool:
    folder = ROOT.joinpath(*package.split("."))
    return (folder / f"{name}.py").exists() or (folder / name / "__init__.py").exists()


def project_imports(path: Path, root: Path = ROOT) -> set[str]:
    top = ("monitor", "collectors", "dashboard")
    return {m for m in imported_modules(path, root) if m.split(".")[0] in top}


def reaches(module: str, forbidden: set[str]) -> bool:
    return any(module == name or module.startswith(name + ".") for name in forbidden)


def upward_imports(path: Path, root: Path = ROOT) -> set[str]:
    """The project modules the file imports that its layer may not."""
    unit = unit_of(module_of(path, root))
    allowed = LAYERS[unit]
    if "*" in allowed:
        return set()
    return {m for m in project_imports(path, root) if unit_of(m) not in allowed | {unit}}


def test_every_unit_has_a_place_in_the_layers() -> None:
    units = {unit_of(module_of(path)) for path in source_files()}
    assert units <= set(LAYERS), f"place these in LAYERS: {sorted(units - set(LAYERS))}"


@pytest.mark.parametrize("path", list(source_files()), ids=lambda p: module_of(p))
def test_imports_point_down_the_layers(path: Path) -> None:
    offending = upward_imports(path)
    assert not offending, f"{module_of(path)} imports {sorted(offending)}"


def _pure_files() -> list[Path]:
    files = [p for p in source_files() if unit_of(module_of(p)) in PURE_LAYERS]
    return files + [ROOT / relative for relative in PURE_ELSEWHERE]


@pytest.mark.parametrize("path", _pure_files(), ids=lambda p: module_of(p))
def test_the_pure_layers_do_no_io(path: Path) -> None:
    offending = {m for m in imported_modules(path) if reaches(m, IO_PACKAGES)}
    offending |= {
        m
        for m in project_imports(path)
        if reaches(m, {"monitor.storage", "monitor.clock", "collectors"})
    }
    assert not offending, f"{module_of(path)} imports {sorted(offending)}"


@pytest.mark.parametrize("path", _pure_files(), ids=lambda p: module_of(p))
def test_the_pure_layers_never_read_the_wall_clock(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"\.now\(|utcnow|time\.time\(|date\.today\(", text), module_of(path)


def test_modules_import_each_other_without_cycles() -> None:
    graph = {module_of(path): project_imports(path) for path in source_files()}
    known = set(graph)
    edges = {
        module: {target for target in targets if target in known and target != module}
        for module, targets in graph.items()
    }
    cycle = _find_cycle(edges)
    assert cycle is None, " → ".join(cycle or [])


def _find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the graph as the list of its modules, or None (iterative depth-first search).

    A package's __init__ importing its own modules is no cycle by itself, so edges from a
    package to its own children are left out.
    """
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    for start in sorted(edges):
        if start in state:
            continue
        path: list[str] = []
        stack: list[tuple[str, Iterator[str]]] = []
        state[start] = 1
        path.append(start)
        stack.append((start, iter(sorted(_children_left_out(start, edges[start])))))
        while stack:
            node, targets = stack[-1]
            target = next(targets, None)
            if target is None:
                stack.pop()
                path.pop()
                state[node] = 2
            elif state.get(target) == 1:
                return [*path[path.index(target) :], target]
            elif target not in state:
                state[target] = 1
                path.append(target)
                stack.append((target, iter(sorted(_children_left_out(target, edges[target])))))
    return None


def _children_left_out(module: str, targets: set[str]) -> set[str]:
    return {target for target in targets if not target.startswith(module + ".")}


def test_a_wrong_import_is_caught(tmp_path: Path) -> None:
    # The rules must be able to fail: a rules module reaching into storage, and a cycle.
    planted = tmp_path / "monitor" / "rules" / "planted.py"
    planted.parent.mkdir(parents=True)
    planted.write_text("from monitor.storage.tickets import load_tickets\n", encoding="utf-8")
    assert upward_imports(planted, tmp_path) == {"monitor.storage.tickets"}
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


@pytest.mark.parametrize("path", sorted((ROOT / "dashboard").rglob("*.py")), ids=lambda p: p.name)
def test_the_dashboard_only_draws_its_queries_live_in_monitor(path: Path) -> None:
    # Role filters are enforced in monitor.views' SQL; a page that built its own query could
    # skip them. Engine is imported for type hints only.
    text = path.read_text(encoding="utf-8")
    offending = {m for m in imported_modules(path) if reaches(m, {"sqlalchemy", "sqlite3"})}
    assert offending <= {"sqlalchemy"}, f"{path.name} imports {sorted(offending)}"
    assert not re.search(r"(?<![\w.])select\(|\.execute\(|\btext\(", text), path.name


def test_test_modules_have_distinct_names() -> None:
    # The test folders are not packages: pytest imports each module by its basename, and a
    # second module of the same name anywhere stops the whole collection.
    names = [path.name for path in (ROOT / "tests").rglob("test_*.py")]
    assert sorted({name for name in names if names.count(name) > 1}) == []

"""Every column rule names the scalar rule it mirrors, and neither copy changes alone.

monitor.rules.status_arrays decides plain tickets' statuses again, over NumPy columns. Each of
its functions says "Mirrors monitor.…" in its docstring. These tests check that every such
name resolves, that every rule monitor.rules.status decides a plain ticket with has a mirror,
and that a rule and its mirror change together: FINGERPRINTS records the code of both copies
(docstrings, comments and layout aside), so changing only one fails here, naming the one left
behind. What the copies compute is compared by tests/rules/test_status_arrays.py.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import inspect
import re
import textwrap
from collections.abc import Callable
from types import ModuleType
from typing import Any

from monitor.rules import status, status_arrays

# Functions of monitor.rules.status that only a ticket with a status history reaches; the
# column rules never see such a ticket, so these have no mirror.
HISTORY_ONLY = {
    "evaluate_target",
    "evaluate_ticket",
    "history_verdict",
    "severity_episodes",
    "event_as_of",
    "restoration_as_of",
    "clock_start",
    "paused_deadline",
    "_stretches",
}

# The code of every mirrored rule and of its mirror (see fingerprint). After changing both
# copies alike, with tests/rules/test_status_arrays.py passing, paste the values the failure
# message prints.
FINGERPRINTS = {
    "monitor.domain.calendar.BusinessCalendar.working_days_deadline": "88005ccf96e4b412",
    "monitor.rules.status._clock": "6e0cff969c4ae241",
    "monitor.rules.status._decided": "d05d936d83b4689a",
    "monitor.rules.status._late_seconds": "f6f37f5b749b055b",
    "monitor.rules.status._seen": "6175d4799e243518",
    "monitor.rules.status.at_risk_moment": "7a12976ec3874993",
    "monitor.rules.status.deadline_for": "d4442312358942dc",
    "monitor.rules.status.evaluate": "4ce6e117f709a6f5",
    "monitor.rules.status.evaluation_error": "671166f069a80df8",
    "monitor.rules.status.limit_span": "5b81881d6abbafbb",
    "monitor.rules.status.per_tb_deadline": "d31a7f296c48e34d",
    "monitor.rules.status.targets_for": "320dfc72902c5779",
    "monitor.rules.status_arrays._at_risk_moments": "a2ef7f7173807ea3",
    "monitor.rules.status_arrays._decided": "87af4995f35680e1",
    "monitor.rules.status_arrays._evaluate_target": "27af0d726fb49228",
    "monitor.rules.status_arrays._evaluation_errors": "4506b65b85f7e5fb",
    "monitor.rules.status_arrays._in_rules_order": "594fde2dc9e04ec9",
    "monitor.rules.status_arrays._late_seconds": "0b7498b15462b585",
    "monitor.rules.status_arrays._limit_spans": "cc91b55c72771faa",
    "monitor.rules.status_arrays._per_tb_deadlines": "c06fbe17eb9bbbd6",
    "monitor.rules.status_arrays._schedule_deadlines": "19e149fadee8c5d0",
    "monitor.rules.status_arrays._seen": "50bcfef5797c4636",
    "monitor.rules.status_arrays._times": "766764736a33b1b5",
    "monitor.rules.status_arrays._working_day_deadlines": "0ce9b530f364625a",
    "monitor.rules.status_arrays.evaluate_columns": "d7576c2e67085166",
    "monitor.rules.status_arrays.local_days": "e0bfd0ecf2828bb5",
}

_SENTENCE = re.compile(r"\bMirrors\b(.*?)(?:\.\s|\.?$)", re.DOTALL)
_NAME = re.compile(r"\bmonitor(?:\.\w+)+")


def _module_functions(module: ModuleType) -> dict[str, ast.FunctionDef]:
    tree = ast.parse(inspect.getsource(module))
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def mirrored_names(function: ast.FunctionDef) -> list[str]:
    """The monitor.… names a function's docstring says it mirrors."""
    doc = ast.get_docstring(function) or ""
    return [name for sentence in _SENTENCE.findall(doc) for name in _NAME.findall(sentence)]


def resolve(name: str) -> Callable[..., Any]:
    """The function a dotted name (module path, then attributes) names."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            found = getattr(found, attribute)
        assert callable(found), f"{name} is not a function"
        return found  # type: ignore[no-any-return]
    raise AssertionError(f"{name}: no such module")


def fingerprint(function: Callable[..., Any]) -> str:
    """A digest of a function's code without its docstrings, comments or layout."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    for node in ast.walk(tree):
        documented = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        if documented and ast.get_docstring(node, clean=False) is not None:
            node.body = node.body[1:] or [ast.Pass()]
    return hashlib.sha256(ast.unparse(tree).encode()).hexdigest()[:16]


def mirror_pairs() -> list[tuple[str, str]]:
    """(column function, rule it mirrors) for every mirror named in monitor.rules.status_arrays."""
    return [
        (f"{status_arrays.__name__}.{name}", reference)
        for name, function in _module_functions(status_arrays).items()
        for reference in mirrored_names(function)
    ]


def test_every_column_function_names_the_rule_it_mirrors() -> None:
    unnamed = [
        name
        for name, function in _module_functions(status_arrays).items()
        if not mirrored_names(function)
    ]
    assert unnamed == [], "say 'Mirrors monitor.rules.status.…' in their docstrings"


def test_every_mirrored_rule_exists() -> None:
    for mirror, reference in mirror_pairs():
        assert inspect.isfunction(resolve(reference)), (mirror, reference)


def test_every_rule_of_a_plain_ticket_has_a_mirror() -> None:
    functions = _module_functions(status)
    assert set(functions) >= HISTORY_ONLY, "HISTORY_ONLY names a function status.py lacks"
    reached: set[str] = set()
    todo = ["evaluate"]
    while todo:
        name = todo.pop()
        if name in reached or name in HISTORY_ONLY:
            continue
        reached.add(name)
        todo.extend(
            node.func.id
            for node in ast.walk(functions[name])
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in functions
        )
    mirrored = {reference for _, reference in mirror_pairs()}
    # A function the column path calls from status.py itself exists once: nothing to mirror.
    shared = {
        name for name in functions if getattr(status_arrays, name, None) is getattr(status, name)
    }
    missing = {f"{status.__name__}.{name}" for name in reached - shared} - mirrored
    assert missing == set(), "plain-ticket rules no column function mirrors"


def test_a_rule_and_its_mirror_change_together() -> None:
    pairs = mirror_pairs()
    names = sorted({name for pair in pairs for name in pair})
    now = {name: fingerprint(resolve(name)) for name in names}
    changed = {name for name in names if FINGERPRINTS.get(name) != now[name]}
    if not changed and set(FINGERPRINTS) == set(names):
        return
    problems = []
    for mirror, reference in pairs:
        if reference in changed and mirror not in changed:
            problems.append(f"{reference} changed but its mirror {mirror} did not")
        elif mirror in changed and reference not in changed:
            problems.append(f"{mirror} changed but the rule it mirrors, {reference}, did not")
    if not problems:
        problems.append("both copies changed (or the set of mirrors did)")
    record = "\n".join(f"    {name!r}: {now[name]!r}," for name in names)
    raise AssertionError(
        "\n".join(problems)
        + "\nMake both copies decide alike; once tests/rules/test_status_arrays.py passes, "
        + f"record in FINGERPRINTS:\n{{\n{record}\n}}"
    )

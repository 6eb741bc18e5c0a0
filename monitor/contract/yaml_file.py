"""Reading a YAML configuration file into a strict model, with one error naming the file, each
bad key and what was expected.

The contract, mapping profiles, collector and alerting settings and manual scores all load
through `load_yaml_model`, so every file is refused the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class KeyProblem:
    """One bad key of a file: where it is (a key path such as targets[2].limit), what was
    expected there."""

    where: str
    expected: str


class YamlFileError(Exception):
    """A configuration file that cannot be used: the file, what is wrong with it and, key by
    key, what was expected."""

    def __init__(self, path: Path, summary: str, problems: Sequence[KeyProblem] = ()) -> None:
        self.path = path
        self.summary = summary
        self.problems = tuple(problems)
        lines = [f"{path}: {summary}", *(f"  {p.where}: {p.expected}" for p in self.problems)]
        super().__init__("\n".join(lines))


def load_yaml_model(
    path: Path, model: type[Model], what: str, error: type[YamlFileError] = YamlFileError
) -> Model:
    """The file validated whole as `model`; `error` (naming the file as `what`, e.g. "the
    contract") when it cannot be read, is not YAML, is not a mapping or does not validate.

    An empty file is an empty mapping: the model's defaults.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as problem:
        raise error(path, f"cannot read {what} ({problem.strerror})") from None
    return load_yaml_text(text, path, model, what, error)


def load_yaml_text(
    text: str,
    path: Path,
    model: type[Model],
    what: str,
    error: type[YamlFileError] = YamlFileError,
) -> Model:
    """load_yaml_model for a file's text already read (`path` names it in the errors)."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as problem:
        raise error(path, f"not valid YAML: {problem}") from None
    except ValueError as problem:
        # An impossible date such as 2022-13-01 fails in YAML's own date constructor.
        raise error(path, f"不是有效的 YAML：{problem}; not valid YAML: {problem}") from None
    raw = {} if raw is None else raw
    if not isinstance(raw, dict):
        expected = KeyProblem("(top level)", "expected a mapping of keys")
        raise error(path, f"{what} is not valid (1 problem(s))", [expected])
    try:
        return model.model_validate(raw)
    except ValidationError as problem:
        found = [_key_problem(raw, details) for details in problem.errors()]
        raise error(path, f"{what} is not valid ({len(found)} problem(s))", found) from None


def _key_problem(raw: dict[str, Any], details: ErrorDetails) -> KeyProblem:
    if details["type"] == "extra_forbidden":
        expected = "unknown key (check the spelling)"
    elif details["type"] == "missing":
        expected = "required key is missing"
    else:
        expected = details["msg"].removeprefix("Value error, ")
    return KeyProblem(_key_path(raw, details["loc"]), expected)


def _key_path(raw: Any, loc: tuple[int | str, ...]) -> str:
    """A readable key path such as targets[2](major.report).limit: list items that have an id
    are named by it."""
    text = ""
    node = raw
    for part in loc:
        if isinstance(part, int) and isinstance(node, dict):
            text += f".{part}"  # a mapping's number key, such as calendar.years.2027
            node = node.get(part)
        elif isinstance(part, int):
            text += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and "id" in node:
                text += f"({node['id']})"
        elif part in ("function-after", "function-before") or "[" in str(part):
            continue  # pydantic's internal validator steps, not keys the user wrote
        else:
            text += f".{part}" if text else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return text or "(top level)"

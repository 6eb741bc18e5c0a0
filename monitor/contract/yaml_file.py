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

from monitor.contract.validation_words import worded
from monitor.domain.message import Message, os_reason

Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class KeyProblem:
    """One bad key of a file: where it is (a key path such as targets[2].limit), what was
    expected there (in English, and in Chinese when it is worded apart)."""

    where: str
    expected: str
    expected_zh: str | None = None


class YamlFileError(Exception):
    """A configuration file that cannot be used: the file, what is wrong with it and, key by
    key, what was expected."""

    def __init__(
        self, path: Path, summary: str | Message, problems: Sequence[KeyProblem] = ()
    ) -> None:
        said = summary if isinstance(summary, Message) else Message(summary, summary)
        self.path = path
        self.summary = said.en
        self.problems = tuple(problems)
        zh = [
            f"{path}：{said.zh}",
            *(f"  {_where_zh(p.where)}：{p.expected_zh or p.expected}" for p in self.problems),
        ]
        en = [f"{path}: {said.en}", *(f"  {p.where}: {p.expected}" for p in self.problems)]
        self.message = Message("\n".join(zh), "\n".join(en))
        super().__init__(self.message.en)


# A check of the whole file (or of keys together) has no one key path.
WHOLE_FILE = "(top level)"


def _where_zh(where: str) -> str:
    return "（整个文件）" if where == WHOLE_FILE else where


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
        raise error(
            path,
            Message(
                f"无法读取{_what_zh(what)}（{os_reason(problem).zh}）",
                f"cannot read {what} ({problem.strerror})",
            ),
        ) from None
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
        said = Message(f"不是有效的 YAML：{problem}", f"not valid YAML: {problem}")
        raise error(path, said) from None
    except ValueError as problem:
        # An impossible date such as 2022-13-01 fails in YAML's own date constructor.
        said = Message(f"不是有效的 YAML：{problem}", f"not valid YAML: {problem}")
        raise error(path, said) from None
    raw = {} if raw is None else raw
    if not isinstance(raw, dict):
        expected = KeyProblem(WHOLE_FILE, "expected a mapping of keys", "应为键值映射")
        raise error(path, _not_valid(what, 1), [expected])
    try:
        return model.model_validate(raw)
    except ValidationError as problem:
        found = [_key_problem(raw, details) for details in problem.errors()]
        raise error(path, _not_valid(what, len(found)), found) from None


# The files' names in Chinese, for their errors ("the contract" → 合同).
_WHAT_ZH = {
    "the contract": "合同",
    "the evaluation scheme": "考核方案",
    "the manual scores file": "手工评分文件",
    "the alerting file": "告警配置文件",
    "the statement profile": "结算清单映射",
    "the collectors file": "采集器配置文件",
    "the mapping profile": "映射配置",
}


def _what_zh(what: str) -> str:
    return _WHAT_ZH.get(what, what)


def _not_valid(what: str, count: int) -> Message:
    return Message(
        f"{_what_zh(what)}无效（{count} 个问题）", f"{what} is not valid ({count} problem(s))"
    )


def _key_problem(raw: dict[str, Any], details: ErrorDetails) -> KeyProblem:
    said = worded(details)
    return KeyProblem(_key_path(raw, details["loc"]), said.en, said.zh)


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
    return text or WHOLE_FILE

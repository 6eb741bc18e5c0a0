"""Directories of contracts for tests: the default contract's terms, rewritten per operator."""

from __future__ import annotations

from pathlib import Path

from monitor.contract.model import DEFAULT_CONTRACT_PATH

DEFAULT_TEXT = DEFAULT_CONTRACT_PATH.read_text(encoding="utf-8")
# The sections a contract of a directory leaves to scheme.yaml.
_SCHEME_START = "\nscoring:"


def contract_text(name: str, header: str = "", restore: str | None = None) -> str:
    """The default contract named `name`, with `header` (scope, validity) after its name and
    the major-fault restore limit replaced; without the evaluation scheme's sections."""
    text = DEFAULT_TEXT.replace("name: 政务云运营服务合同（默认）", f"name: {name}\n{header}", 1)
    if restore is not None:
        start = text.index("  - id: major.restore")
        limit = text.index("limit:", start)
        end = text.index("\n", limit)
        text = text[:limit] + f"limit: {restore}" + text[end:]
        text = text.replace(
            "rule_zh: 重大故障2小时解决故障", f"rule_zh: 重大故障{restore}内解决", 1
        )
    return _without_scheme(text)


def _without_scheme(text: str) -> str:
    """The contract without `scoring:`, `scorecard:` and `grade_bands:` (top-level keys)."""
    kept: list[str] = []
    skipping = False
    for line in text.splitlines():
        top = line[:1] not in ("", " ", "#")
        if top:
            skipping = line.split(":", 1)[0] in ("scoring", "scorecard", "grade_bands")
        if not skipping:
            kept.append(line)
    return "\n".join(kept) + "\n"


def two_pools(folder: Path, second_restore: str = "48h") -> Path:
    """一云 by the default terms, 二云 with its own restore limit: a directory of two."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pool1.yaml").write_text(
        contract_text("一云运营服务合同", "scope: {pools: [一云]}\n"), encoding="utf-8"
    )
    (folder / "pool2.yaml").write_text(
        contract_text("二云运营服务合同", "scope: {pools: [二云]}\n", restore=second_restore),
        encoding="utf-8",
    )
    return folder

"""A report's tables, independent of the output format: the titled block and its cells."""

from __future__ import annotations

from dataclasses import dataclass

Cell = str | float | int | None


@dataclass(frozen=True, slots=True)
class Block:
    """One table of the report; `sheet` is its short name (an XLSX sheet holds ≤ 31 chars)."""

    sheet: str
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    empty_text: str = "无"

"""The report as Markdown: one section per table."""

from __future__ import annotations

from collections.abc import Sequence

from monitor.report.content import Block, text_cells


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\r", " ").replace("\n", "<br>")


def _table(headers: Sequence[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(_cell(h) for h in headers) + " |"]
    lines.append("|" + "|".join(" --- " for _ in headers) + "|")
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def render_markdown(blocks: Sequence[Block]) -> str:
    """The whole report; the first block's title is the document title."""
    lines = [f"# {blocks[0].title}", ""]
    for block in blocks:
        lines += [f"## {block.title}", ""]
        rows = text_cells(block.rows)
        lines += _table(block.headers, rows) if rows else [block.empty_text]
        lines.append("")
    return "\n".join(lines)

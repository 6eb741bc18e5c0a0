"""Files a page offers for download: a table as CSV and report blocks as an XLSX workbook,
no cell of either run as a formula by the spreadsheet that opens it."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from monitor.report.content import Block
from monitor.report.xlsx import csv_text, render_xlsx


def csv_bytes(rows: Sequence[Mapping[str, object]]) -> bytes:
    """The rows as CSV, every cell text (a formula-like one quote-prefixed)."""
    frame = pd.DataFrame(list(rows)).map(csv_text) if rows else pd.DataFrame()
    # With a byte-order mark, Excel opens the Chinese text as UTF-8.
    text: str = frame.to_csv(index=False)
    return text.encode("utf-8-sig")


def workbook_bytes(blocks: Sequence[Block]) -> bytes:
    """The blocks as an XLSX workbook (monitor.report.xlsx: texts stay texts)."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "download.xlsx"
        render_xlsx(blocks, target)
        return target.read_bytes()

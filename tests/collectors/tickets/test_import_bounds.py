"""Imports refuse values outside the plausible bounds (monitor.domain.bounds): a restore size past
10 PB, a time outside the years 1990–2100. Each bad row is a problem with its line, column and
reason (中文 and English); the good rows are stored. CSV (the column path) and JSON (the per-cell
path, which the HTTP API uses too: tests/api/test_item_bounds.py) alike.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from collectors.tickets.file_import import import_tickets
from monitor.contract.model import Contract
from monitor.domain.message import Message
from monitor.storage.tables import TicketRow

TICKET = TicketRow.__table__  # type: ignore[attr-defined]
NOW = datetime(2024, 6, 10, tzinfo=UTC)
HEADER = "工单编号,类型,报障时间,响应时间,恢复数据量GB"
ROWS = [
    "HF-1,数据恢复,2024-06-03 10:00,2024-06-03 10:20,512.5",  # good
    "HF-2,数据恢复,2024-06-03 10:00,2024-06-03 10:20,5000000000",  # bytes typed as GB
    "HF-3,数据恢复,2024-06-03 10:00,2024-06-03 10:20,10000000",  # 10 PB exactly: kept
    "HF-4,数据恢复,0024-06-03 10:00,,",  # a year typed short
    "HF-5,数据恢复,2024-06-03 10:00,2101-01-01 00:00,",  # past 2100
    "HF-6,数据恢复,1899-12-30 00:00,,",  # Excel's day zero
]
# (line, ticket, column, start of the reason in Chinese, and in English), as written from the
# bounds.
EXPECTED = [
    (3, "HF-2", "恢复数据量GB", "恢复数据量 5e+09 GB 超过上限 10,000,000 GB（10 PB）", "5e+09 GB"),
    (5, "HF-4", "报障时间", "年份 24 超出 1990–2100 年", "year 24 is outside 1990–2100"),
    (6, "HF-5", "响应时间", "年份 2101 超出 1990–2100 年", "year 2101 is outside 1990–2100"),
    (7, "HF-6", "报障时间", "年份 1899 超出 1990–2100 年", "year 1899 is outside 1990–2100"),
]


def stored_ids(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.scalars(select(TICKET.c.ticket_id).order_by(TICKET.c.ticket_id)))


def problems(report: Any) -> list[tuple[int, str | None, str | None, Message]]:
    return [(p.line, p.key, p.column, p.message) for p in report.problems]


def check(found: list[tuple[int, str | None, str | None, Message]]) -> None:
    assert [(line, key) for line, key, _, _ in found] == [(e[0], e[1]) for e in EXPECTED]
    for (_, _, column, reason), (_, _, label, zh, en) in zip(found, EXPECTED, strict=True):
        assert column is not None and label in column
        assert reason.zh.startswith(zh), reason
        assert reason.en.startswith(en), reason
    assert "bytes typed as GB" in found[0][3].en


def test_a_csv_row_outside_the_bounds_is_rejected_with_its_line_column_and_reason(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = tmp_path / "restores.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    report = import_tickets(engine, path, contract, source="file", now=NOW)
    check(problems(report))
    assert stored_ids(engine) == ["HF-1", "HF-3"]


def test_a_json_row_outside_the_bounds_is_rejected_the_same_way(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    names = HEADER.split(",")
    items = [
        {name: cell for name, cell in zip(names, row.split(","), strict=True) if cell}
        for row in ROWS
    ]
    path = tmp_path / "restores.json"
    # One item a line after "[": each item's line is its CSV row's line.
    lines = ",\n".join(json.dumps(item, ensure_ascii=False) for item in items)
    path.write_text(f"[\n{lines}\n]\n", encoding="utf-8")
    report = import_tickets(engine, path, contract, source="file", now=NOW)
    check(problems(report))
    assert stored_ids(engine) == ["HF-1", "HF-3"]

"""`slamon import resources|usage|outages`: the ticket import's rules for metric files.

Good rows are stored, bad rows are reported with line, key, column and reason and kept in
rejected_row (target_table names the table), unknown headers stop the file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from collectors.files.import_report import ImportFileError
from collectors.records.outages import import_outages
from collectors.records.resources import import_resources
from collectors.records.usage import import_usage
from monitor.contract.model import Contract
from monitor.domain.resources import Resource
from monitor.storage.resources import load_outages, load_resources
from monitor.storage.tables import RejectedRow
from monitor.storage.usage import FIGURE
from tests.conftest import local

DATA = Path(__file__).resolve().parents[2] / "data"
REJECTED = RejectedRow.__table__  # type: ignore[attr-defined]
NOW = datetime(2023, 1, 5, 9, 0, tzinfo=UTC)


def rejected(engine: Engine) -> list[tuple[int, str | None, str | None, str]]:
    query = select(REJECTED.c.line, REJECTED.c.target_table, REJECTED.c.row_key, REJECTED.c.reason)
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query.order_by(REJECTED.c.line))]  # type: ignore[misc]


def test_the_inventory_with_chinese_headers_and_class_names(
    engine: Engine, contract: Contract
) -> None:
    report = import_resources(engine, DATA / "resources_zh.csv", contract, source="file", now=NOW)
    assert (report.rows_read, report.inserted, report.exit_code) == (6, 6, 0)
    by_id = {r.resource_id: r for r in load_resources(engine)}
    assert {key: r.resource_class for key, r in by_id.items()} == {
        "ZS-VM-0001": "vm",
        "ZS-VM-0002": "vm",
        "ZS-PM-0001": "physical",
        "ZS-NET-CORE": "network",
        "ZS-UPS-01": "power",
        "ZS-BAK-01": "backup",
    }
    assert by_id["ZS-VM-0002"] == Resource(
        "ZS-VM-0002",
        "vm",
        "一云",
        "市教育局",
        "学校门户网站",
        "已回收",
        local("2021-05-10 00:00"),
        local("2022-09-30 18:00"),
    )
    again = import_resources(engine, DATA / "resources_zh.csv", contract, source="file", now=NOW)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 6)


def test_bad_inventory_rows_are_kept_with_line_column_and_reason(
    engine: Engine, contract: Contract
) -> None:
    report = import_resources(
        engine, DATA / "resources_bad_rows.csv", contract, source="file", now=NOW
    )
    assert (report.rows_read, report.inserted, report.rejected_rows) == (5, 1, 4)
    assert report.exit_code == 3
    rows = rejected(engine)
    assert [(line, table, key) for line, table, key, _ in rows] == [
        (3, "resource", "ZS-VM-0003"),
        (4, "resource", None),
        (5, "resource", "ZS-VM-0004"),
        (6, "resource", "ZS-VM-0005"),
    ]
    assert "unknown resource class 'mainframe'" in rows[0][3]
    assert "resource_id (资源编号): required but empty" in rows[1][3]
    assert "before in_service_from" in rows[2][3]
    assert "in_service_from (上线时间)" in rows[3][3]


def test_unknown_headers_stop_the_file_and_list_the_accepted_ones(
    engine: Engine, contract: Contract
) -> None:
    with pytest.raises(ImportFileError) as error:
        import_resources(
            engine, DATA / "resources_unknown_headers.csv", contract, source="file", now=NOW
        )
    message = str(error.value)
    assert "unknown column(s): 机房" in message
    assert "resource_id / 资源编号" in message and "reclaimed_at / 回收时间" in message
    assert load_resources(engine) == []


def test_monthly_usage_figures_from_the_2022_report(engine: Engine, contract: Contract) -> None:
    report = import_usage(engine, DATA / "usage_2022.csv", contract, source="report", now=NOW)
    assert (report.rows_read, report.inserted, report.exit_code) == (2, 6, 0)
    query = select(FIGURE.c.pool, FIGURE.c.metric, FIGURE.c.month, FIGURE.c.value)
    with engine.connect() as connection:
        figures = {(p, m, month): v for p, m, month, v in connection.execute(query)}
    assert figures == {
        ("一云", "cpu", "2022-12"): 47.4,
        ("一云", "memory", "2022-12"): 64.6,
        ("一云", "storage", "2022-12"): 63.8,
        ("二云", "cpu", "2022-12"): 45.0,
        ("二云", "memory", "2022-12"): 57.01,
        ("二云", "storage", "2022-12"): 68.0,
    }


def test_bad_usage_rows(engine: Engine, contract: Contract) -> None:
    report = import_usage(engine, DATA / "usage_bad_rows.csv", contract, source="file", now=NOW)
    assert (report.inserted, report.rejected_rows, report.exit_code) == (3, 4, 3)
    reasons = {line: reason for line, _, _, reason in rejected(engine)}
    assert "not a month" in reasons[3]
    assert "outside 0–100" in reasons[4]
    assert "pool (资源池) or the resource" in reasons[5]
    assert "no figure" in reasons[6]


def test_outages_and_approved_maintenance(engine: Engine, contract: Contract) -> None:
    report = import_outages(engine, DATA / "outages.csv", contract, source="file", now=NOW)
    assert (report.inserted, report.rejected_rows, report.exit_code) == (2, 2, 3)
    found = load_outages(engine, local("2022-01-01 00:00"), local("2023-01-01 00:00"))
    assert [(o.resource_id, o.is_approved_maintenance, o.approved_by) for o in found] == [
        ("ZS-VM-0001", False, None),
        ("ZS-NET-CORE", True, "市政数局 张三"),
    ]
    reasons = {line: reason for line, _, _, reason in rejected(engine)}
    assert "needs its end" in reasons[4]
    assert "must be after start" in reasons[5]
    # The resources the records name join the inventory with their class.
    assert {r.resource_id: r.resource_class for r in load_resources(engine)} == {
        "ZS-NET-CORE": "network",
        "ZS-VM-0001": "vm",
    }

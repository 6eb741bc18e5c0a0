"""`slamon import usage`: monthly utilisation figures (CPU, memory, storage %) per pool or resource.

One row per pool (or resource) and month with any of the three figures, as the operator's
monthly report gives them ("政务一云CPU使用率为47.4%，内存使用率为64.6%，存储使用率为63.8%").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from collectors.files.import_report import ImportReport
from collectors.files.values import BadValue, is_blank, parse_id, parse_text
from collectors.records.base import Column, RecordFormat, import_records
from monitor.contract.model import Contract
from monitor.domain.resources import UTILISATION_METRICS
from monitor.storage.tickets import UpsertCounts
from monitor.storage.usage import upsert_usage_figures

_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")


def parse_month(value: Any) -> str | None:
    """'2022-12', '2022/12', '2022年12月' or a date cell → '2022-12'."""
    if isinstance(value, datetime | date):
        return f"{value.year:04d}-{value.month:02d}"
    text = parse_text(value)
    if text is None:
        return None
    match = _MONTH.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise BadValue(
            f"'{text}' 不是月份，请写成 YYYY-MM，如 2022-12",
            f"'{text}' is not a month; write YYYY-MM, e.g. 2022-12",
        )
    return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}"


def parse_percent(value: Any) -> float | None:
    """47.4, '47.4', '47.4%' → 47.4; must lie in 0–100."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise BadValue("应为百分比，却是 true/false", "expected a percentage, got true/false")
    text = str(value).strip().rstrip("%％").strip() if isinstance(value, str) else value
    try:
        number = float(text)
    except (TypeError, ValueError):
        raise BadValue(f"'{value}' 不是百分比", f"'{value}' is not a percentage") from None
    if not 0 <= number <= 100:
        raise BadValue(f"'{value}' 超出 0–100 %", f"'{value}' is outside 0–100 %")
    return number


def usage_format() -> RecordFormat:
    columns = (
        Column("pool", ("pool", "资源池"), parse_text),
        Column("resource_id", ("resource_id", "资源编号", "资源ID"), parse_id),
        Column("month", ("month", "月份", "统计月份"), parse_month, True),
        Column("cpu", ("cpu", "CPU使用率", "CPU利用率"), parse_percent),
        Column("memory", ("memory", "内存使用率", "内存利用率"), parse_percent),
        Column("storage", ("storage", "存储使用率", "存储利用率"), parse_percent),
    )
    return RecordFormat(
        table="usage_figure",
        noun="pool/resource",
        columns=columns,
        key_field="pool",
        finish=_finish,
        upsert=_upsert,
    )


def _finish(values: dict[str, Any]) -> dict[str, Any]:
    values.pop("__extras__", None)
    if not values.get("pool") and not values.get("resource_id"):
        raise BadValue(
            "请填写这些数字所属的资源池 pool 或资源编号 resource",
            "give the pool (资源池) or the resource (资源编号) the figures are for",
        )
    if all(values.get(metric) is None for metric in UTILISATION_METRICS):
        raise BadValue(
            "没有数字：请填写 CPU、内存或存储使用率（cpu、memory、storage）",
            "no figure: fill in cpu, memory or storage (CPU/内存/存储使用率)",
        )
    return values


def _upsert(
    connection: Connection,
    rows: Sequence[Mapping[str, Any]],
    _carried: Sequence[str],
    now: datetime,
) -> UpsertCounts:
    figures = [
        {
            "source": row["source"],
            "metric": metric,
            "pool": row.get("pool") or "",
            "resource_id": row.get("resource_id") or "",
            "month": row["month"],
            "value": row[metric],
        }
        for row in rows
        for metric in UTILISATION_METRICS
        if row.get(metric) is not None
    ]
    return upsert_usage_figures(connection, figures, now)


def import_usage(
    engine: Engine, path: Path, contract: Contract, *, source: str, now: datetime
) -> ImportReport:
    """Upsert monthly figures by (source, metric, pool, resource, month); counts are figures."""
    return import_records(engine, path, usage_format(), source=source, now=now)

"""`slamon import outages`: outage records; planned ones with an approver are maintenance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from collectors.files.import_report import ImportReport
from collectors.files.values import BadValue, parse_id, parse_text
from collectors.records.base import (
    Column,
    RecordFormat,
    import_records,
    parse_day_or_time,
)
from collectors.records.resources import class_lookup
from monitor.contract.model import Contract
from monitor.storage.resources import ensure_resources, upsert_outages
from monitor.storage.tickets import UpsertCounts

_YES = {"yes", "y", "true", "1", "是", "计划", "计划内", "计划性"}
_NO = {"no", "n", "false", "0", "否", "非计划", "计划外", "非计划性"}


def parse_flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = parse_text(value)
    if text is None:
        return None
    folded = text.casefold()
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise BadValue(
        f"'{text}' 不是“是/否”，请写 是/否、计划内/计划外 或 yes/no",
        f"'{text}' is not yes/no; write 是/否, yes/no or 计划内/计划外",
    )


def outage_format(contract: Contract) -> RecordFormat:
    moment = partial(parse_day_or_time, zone=contract.zone)
    columns = (
        Column("resource_id", ("resource_id", "资源编号", "资源ID"), parse_id, True),
        Column("resource_class", ("class", "资源类型", "资源类别"), class_lookup(contract)),
        Column("pool", ("pool", "资源池"), parse_text),
        Column("start", ("start", "开始时间", "中断开始时间", "故障开始时间"), moment, True),
        Column("end", ("end", "结束时间", "恢复时间", "中断结束时间"), moment),
        Column("planned", ("planned", "计划内", "是否计划"), parse_flag),
        Column("approved_by", ("approved_by", "审批人", "批准人"), parse_text),
        Column("cause", ("cause", "原因", "中断原因"), parse_text),
    )
    return RecordFormat(
        table="outage",
        noun="resource",
        columns=columns,
        key_field="resource_id",
        finish=_finish,
        upsert=_upsert,
    )


def _finish(values: dict[str, Any]) -> dict[str, Any]:
    values.pop("__extras__", None)
    values["planned"] = bool(values.get("planned"))
    end = values.get("end")
    if end is not None and end <= values["start"]:
        raise BadValue(
            "结束时间 end 须晚于开始时间 start", "end (结束时间) must be after start (开始时间)"
        )
    if values["planned"] and values.get("approved_by") and end is None:
        raise BadValue(
            "已批准的维护窗口须填写结束时间 end",
            "an approved maintenance window needs its end (结束时间)",
        )
    return values


def _upsert(
    connection: Connection,
    rows: Sequence[Mapping[str, Any]],
    _carried: Sequence[str],
    now: datetime,
) -> UpsertCounts:
    # A resource only named here joins the inventory with the class the record gives.
    known = [row for row in rows if row.get("resource_class")]
    ensure_resources(connection, known, now)
    return upsert_outages(connection, rows, now)


def import_outages(
    engine: Engine, path: Path, contract: Contract, *, source: str, now: datetime
) -> ImportReport:
    """Upsert outage records by (source, resource, start)."""
    return import_records(engine, path, outage_format(contract), source=source, now=now)

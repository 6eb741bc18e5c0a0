"""`slamon import inspections`: inspection sheets (巡检记录) into the database."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from collectors.files.import_report import ImportReport
from collectors.files.values import BadValue, parse_id, parse_text
from collectors.records.base import (
    Column,
    RecordFormat,
    import_records,
    parse_day_or_time,
)
from monitor.contract.model import Contract
from monitor.domain.records import InspectionResult
from monitor.storage.inspections import upsert_inspections

_RESULTS = {
    "normal": InspectionResult.NORMAL,
    "正常": InspectionResult.NORMAL,
    "ok": InspectionResult.NORMAL,
    "abnormal": InspectionResult.ABNORMAL,
    "异常": InspectionResult.ABNORMAL,
    "不正常": InspectionResult.ABNORMAL,
    "发现问题": InspectionResult.ABNORMAL,
}


def parse_result(value: Any) -> str | None:
    text = parse_text(value)
    if text is None:
        return None
    result = _RESULTS.get(text.casefold())
    if result is None:
        raise BadValue(
            f"未知的巡检结果 '{text}'，应为 正常/normal 或 异常/abnormal",
            f"unknown result '{text}'; expected normal/正常 or abnormal/异常",
        )
    return result.value


def inspection_format(contract: Contract) -> RecordFormat:
    moment = partial(parse_day_or_time, zone=contract.zone)
    columns = (
        Column("record_id", ("record_id", "记录编号", "巡检编号"), parse_id),
        Column("inspected_at", ("inspected_at", "巡检时间", "巡检日期", "date"), moment, True),
        Column("pool", ("pool", "资源池"), parse_text),
        Column("inspector", ("inspector", "巡检人", "巡检人员"), parse_text),
        Column("item", ("item", "巡检项", "巡检项目", "巡检内容"), parse_text, True),
        Column("result", ("result", "巡检结果", "结果"), parse_result, True),
        Column("finding", ("finding", "发现问题", "问题描述", "异常描述"), parse_text),
        Column("measure", ("measure", "处理措施", "采取措施"), parse_text),
        Column("resolved_at", ("resolved_at", "解决时间", "处理完成时间"), moment),
        Column("resolution_record", ("resolution_record", "处理记录", "解决记录"), parse_text),
        Column("evidence_ref", ("evidence_ref", "佐证材料", "证据"), parse_text),
        Column("ticket_id", ("ticket_id", "关联工单", "工单编号"), parse_id),
    )
    return RecordFormat(
        table="inspection",
        noun="record",
        columns=columns,
        key_field="record_id",
        finish=partial(_finish, zone=contract.zone),
        upsert=upsert_inspections,
    )


def _finish(values: dict[str, Any], zone: Any) -> dict[str, Any]:
    values.pop("__extras__", None)
    inspected, resolved = values["inspected_at"], values.get("resolved_at")
    if resolved is not None and resolved < inspected:
        raise BadValue(
            "解决时间 resolved_at 早于巡检时间 inspected_at",
            "resolved_at (解决时间) is before inspected_at (巡检时间)",
        )
    record_id = values.pop("record_id", None)
    if record_id is None:
        # No record number: the same inspection of the same item at the same time is one row.
        stamp = inspected.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        parts = (stamp, values.get("pool"), values["item"], values.get("inspector"))
        record_id = "|".join(part or "" for part in parts)
    values["record_key"] = record_id[:400]
    return values


def import_inspections(
    engine: Engine, path: Path, contract: Contract, *, source: str, now: datetime
) -> ImportReport:
    """Import one inspection file; ImportFileError when nothing in it can be used."""
    return import_records(engine, path, inspection_format(contract), source=source, now=now)

"""`slamon import resources`: the resource inventory (id, class, pool, unit, reclaimed-at,
vCPU / memory / storage spec …)."""

from __future__ import annotations

import re
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from collectors.files.decimals import parse_quantity
from collectors.files.import_report import ImportReport
from collectors.files.values import BadValue, VocabularyLookup, parse_id, parse_text
from collectors.records.base import (
    Column,
    RecordFormat,
    import_records,
    parse_day_or_time,
)
from monitor.contract.model import Contract
from monitor.storage.resources import upsert_resources

# Spellings operators use for the classes of the default contract, beyond key and name_zh.
_CLASS_ALIASES = {
    "vm": ("虚拟机", "云主机", "virtual machine", "ecs"),
    "physical": ("物理机", "物理服务器", "bare metal", "physical server"),
    "network": ("网络", "网络设备"),
    "power": ("电力", "供电", "电源"),
    "backup": ("备份", "备份服务"),
    "storage": ("存储", "存储分区", "云硬盘", "volume"),
}


def class_lookup(contract: Contract) -> VocabularyLookup:
    """Any spelling of a resource class (key, Chinese name, alias) → its key in the contract."""
    return VocabularyLookup(
        "resource class",
        {
            key: (entry.name_zh, *_CLASS_ALIASES.get(key, ()))
            for key, entry in contract.availability.classes.items()
        },
    )


_LEVEL_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}
_LEVEL = re.compile(r"^(?:等保|第|level\s*)?([1-5一二三四五])(?:级)?$", re.IGNORECASE)


def parse_protection_level(value: Any) -> int | None:
    """等保级别: 3, 三级, 第三级, 等保三级, level 3 → 3."""
    text = parse_text(value)
    if text is None:
        return None
    match = _LEVEL.match(text.replace(" ", "").removesuffix(".0"))
    if match is None:
        raise BadValue(
            f"'{text}' 不是等保级别，请写 1–5 或 一级…五级",
            f"'{text}' is not a 等保 level; write 1–5 or 一级…五级",
        )
    digit = match.group(1)
    return _LEVEL_NUMERALS.get(digit) or int(digit)


def resource_format(contract: Contract) -> RecordFormat:
    moment = partial(parse_day_or_time, zone=contract.zone)
    columns = (
        Column("resource_id", ("resource_id", "资源编号", "资源ID", "实例ID"), parse_id, True),
        Column("resource_class", ("class", "资源类型", "资源类别"), class_lookup(contract), True),
        Column("pool", ("pool", "资源池"), parse_text),
        Column("user_unit", ("user_unit", "使用单位"), parse_text),
        Column("system", ("system", "业务系统"), parse_text),
        Column(
            "protection_level",
            ("protection_level", "等保级别", "等保等级", "安全保护等级"),
            parse_protection_level,
        ),
        Column("status", ("status", "状态"), parse_text),
        Column("in_service_from", ("in_service_from", "上线时间", "开通时间"), moment),
        Column("reclaimed_at", ("reclaimed_at", "回收时间"), moment),
        Column("vcpu", ("vcpu", "vCPU数", "vCPU", "CPU核数"), parse_quantity),
        Column("memory_gb", ("memory_gb", "内存GB", "内存(GB)", "内存（GB）"), parse_quantity),
        Column("storage_gb", ("storage_gb", "存储GB", "存储(GB)", "存储（GB）"), parse_quantity),
    )
    return RecordFormat(
        table="resource",
        noun="resource",
        columns=columns,
        key_field="resource_id",
        finish=_finish,
        upsert=upsert_resources,
    )


def _finish(values: dict[str, Any]) -> dict[str, Any]:
    values.pop("__extras__", None)
    since, reclaimed = values.get("in_service_from"), values.get("reclaimed_at")
    if since is not None and reclaimed is not None and reclaimed < since:
        raise BadValue(
            "回收时间 reclaimed_at 早于上线时间 in_service_from",
            "reclaimed_at (回收时间) is before in_service_from (上线时间)",
        )
    return values


def import_resources(
    engine: Engine, path: Path, contract: Contract, *, source: str, now: datetime
) -> ImportReport:
    """Upsert the inventory by resource_id; columns a file lacks are left as they were."""
    return import_records(engine, path, resource_format(contract), source=source, now=now)

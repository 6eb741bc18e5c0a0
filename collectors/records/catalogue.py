"""`slamon import catalogue`: the service catalogue (服务目录), its unit prices and validity."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from collectors.files.decimals import parse_date, parse_price
from collectors.files.import_report import ImportReport
from collectors.files.values import BadValue, bounded, parse_id, parse_text
from collectors.records.base import Column, RecordFormat, import_records
from monitor.contract.model import Contract
from monitor.domain.billing import CatalogueItem, Measure
from monitor.storage.billing import load_catalogue, upsert_catalogue

_MEASURES = {
    **{measure.value: measure for measure in Measure},
    "vcpu数": Measure.VCPU,
    "内存": Measure.MEMORY_GB,
    "内存gb": Measure.MEMORY_GB,
    "存储": Measure.STORAGE_GB,
    "存储gb": Measure.STORAGE_GB,
    "数量": Measure.COUNT,
    "台数": Measure.COUNT,
    "个数": Measure.COUNT,
    "次数": Measure.USE,
    "按次": Measure.USE,
}


def parse_measure(value: Any) -> str | None:
    text = parse_text(value)
    if text is None:
        return None
    measure = _MEASURES.get(text.casefold())
    if measure is None:
        choices = ", ".join(m.value for m in Measure)
        raise BadValue(
            f"未知的计量方式 '{text}'，应为以下之一：{choices}",
            f"unknown measure '{text}'; expected one of {choices}",
        )
    return measure.value


def catalogue_format(stored: Iterable[CatalogueItem] = ()) -> RecordFormat:
    """The catalogue's columns; `stored` the prices already in the database."""
    columns = (
        Column(
            "item_code",
            ("item_code", "服务项编码", "编码", "服务编码"),
            bounded(parse_id, 100),
            True,
        ),
        Column("name", ("name", "服务项名称", "服务名称", "名称"), bounded(parse_text, 200), True),
        Column("unit", ("unit", "计量单位", "单位"), bounded(parse_text, 50), True),
        Column("unit_price", ("unit_price", "单价", "单价（元）", "单价(元)"), parse_price, True),
        Column("measure", ("measure", "计量依据"), parse_measure),
        Column("valid_from", ("valid_from", "生效日期", "生效时间"), parse_date, True),
        Column("valid_until", ("valid_until", "失效日期", "失效时间"), parse_date),
        Column("pool", ("pool", "资源池"), bounded(parse_text, 100)),
        Column("operator", ("operator", "运营单位", "服务商"), bounded(parse_text, 200)),
    )
    return RecordFormat(
        table="catalogue_item",
        noun="item",
        columns=columns,
        key_field="item_code",
        finish=_OverlapCheck(stored),
        upsert=upsert_catalogue,
    )


class _OverlapCheck:
    """Completes a row and refuses one whose validity overlaps another price of the same item,
    pool and operator — an earlier row of the file or one already stored: on a day of the
    overlap the price in force would be ambiguous. A row with a stored row's own start day
    replaces that row, so the two are not compared."""

    def __init__(self, stored: Iterable[CatalogueItem] = ()) -> None:
        self._seen: dict[tuple[str, str, str], list[tuple[date, date | None, bool]]] = {}
        for item in stored:
            key = (item.item_code, item.pool, item.operator)
            self._seen.setdefault(key, []).append((item.valid_from, item.valid_until, True))

    def __call__(self, values: dict[str, Any]) -> dict[str, Any]:
        values.pop("__extras__", None)
        values["pool"] = values.get("pool") or ""
        values["operator"] = values.get("operator") or ""
        values["measure"] = values.get("measure") or Measure.COUNT.value
        start, until = values["valid_from"], values.get("valid_until")
        if until is not None and until <= start:
            raise BadValue(
                "失效日期 valid_until 不晚于生效日期 valid_from",
                "valid_until (失效日期) is not after valid_from (生效日期)",
            )
        key = (values["item_code"], values["pool"], values["operator"])
        for other_start, other_until, stored in self._seen.get(key, []):
            if stored and other_start == start:
                continue
            if (until is None or other_start < until) and (
                other_until is None or start < other_until
            ):
                where, where_zh = ("a stored row", "已存") if stored else ("the row", "文件中")
                raise BadValue(
                    f"有效期与{where_zh}同一服务项、资源池和运营方自 {other_start.isoformat()} "
                    "起的价格重叠",
                    f"validity overlaps {where} in force from {other_start.isoformat()} for the "
                    "same item, pool and operator",
                )
        self._seen.setdefault(key, []).append((start, until, False))
        return values


def import_catalogue(
    engine: Engine, path: Path, contract: Contract, *, source: str, now: datetime
) -> ImportReport:
    """Import one catalogue file; ImportFileError when nothing in it can be used."""
    fmt = catalogue_format(load_catalogue(engine))
    return import_records(engine, path, fmt, source=source, now=now)

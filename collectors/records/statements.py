"""`slamon import statement`: an operator's monthly statement (结算清单), line by line."""

from __future__ import annotations

import calendar
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from collectors.files.decimals import parse_amount, parse_month, parse_price, parse_quantity
from collectors.files.import_report import ImportFileError, ImportReport, RowProblem
from collectors.files.tabular import read_table
from collectors.files.values import BadValue, bounded, parse_id, parse_text
from collectors.records.base import Column, RecordFormat, import_records
from collectors.records.statement_profile import (
    ProfileReader,
    StatementProfile,
    StatementProfileError,
    load_statement_profile,
)
from monitor.contract.model import Contract
from monitor.storage.billing import catalogue_codes, upsert_statement

COLUMNS = (
    Column("period", ("period", "结算期", "结算月份", "账期"), parse_month, True),
    Column("pool", ("pool", "资源池"), bounded(parse_text, 100)),
    Column("operator", ("operator", "运营单位", "服务商"), bounded(parse_text, 200)),
    Column("user_unit", ("user_unit", "使用单位", "用户单位"), bounded(parse_text, 200)),
    Column("system", ("system", "业务系统", "系统名称"), bounded(parse_text, 200)),
    Column("resource_id", ("resource_id", "资源编号", "资源ID"), bounded(parse_id, 200)),
    Column("item_code", ("item_code", "服务项编码", "服务编码"), bounded(parse_id, 100), True),
    Column("quantity", ("quantity", "数量"), parse_quantity, True),
    Column("billed_days", ("billed_days", "计费天数"), parse_quantity),
    Column("billed_months", ("billed_months", "计费月数"), parse_quantity),
    Column("unit_price", ("unit_price", "单价", "单价（元）", "单价(元)"), parse_price, True),
    Column("amount", ("amount", "金额", "金额（元）", "金额(元)"), parse_amount, True),
)


AMOUNT = next(column for column in COLUMNS if column.field == "amount")


def statement_format(known_items: set[str], reader: ProfileReader | None = None) -> RecordFormat:
    """The statement's columns; `known_items` the catalogue's item codes (empty: not checked),
    `reader` a profile's reader of the sheet (None: a plain table)."""
    return RecordFormat(
        table="statement_line",
        noun="resource",
        columns=COLUMNS,
        key_field="resource_id",
        finish=_LineCheck(known_items),
        upsert=upsert_statement,
        line_field="line",
        read=read_table if reader is None else reader,
    )


class _LineCheck:
    """Completes a line; refuses an item the catalogue lacks, more billed days than its month
    has, and a line of another month than the file's first: a statement is one month's."""

    def __init__(self, known_items: set[str]) -> None:
        self._known = known_items
        self._period: str | None = None

    def __call__(self, values: dict[str, Any]) -> dict[str, Any]:
        values.pop("__extras__", None)
        if self._known and values["item_code"] not in self._known:
            code = values["item_code"]
            raise BadValue(
                f"服务项编码 '{code}' 不在服务目录中",
                f"item code '{code}' is not in the service catalogue",
            )
        days, period = values.get("billed_days"), values["period"]
        month_days = calendar.monthrange(*(int(part) for part in period.split("-")))[1]
        if days is not None and days > month_days:
            raise BadValue(
                f"计费天数 {days} 超过 {period} 的 {month_days} 天",
                f"billed_days {days} is more than the {month_days} days of {period}",
            )
        if self._period is None:
            self._period = values["period"]
        elif values["period"] != self._period:
            raise BadValue(
                f"结算期 {values['period']} 不是本清单的 {self._period}："
                "一份结算清单只含一个结算期",
                f"period {values['period']} is not the statement's {self._period}",
            )
        return values


def import_statement(
    engine: Engine,
    path: Path,
    contract: Contract,
    *,
    source: str,
    now: datetime,
    profile: StatementProfile | None = None,
) -> ImportReport:
    """Import one statement; ImportFileError when nothing in it can be used. With a profile,
    a total row (合计, 小计) whose amount is not its lines' sum is a problem on its line."""
    reader = None if profile is None else ProfileReader(profile)
    report = import_records(
        engine, path, statement_format(catalogue_codes(engine), reader), source=source, now=now
    )
    for total in reader.mismatches if reader is not None else ():
        # A total is not stored; its problem is told like a bad row's and counts as one.
        report.problems.append(RowProblem(total.line, None, AMOUNT.label, total.reason, "resource"))
        report.rejected_rows += 1
    report.problems.sort(key=lambda problem: problem.line)
    return report


def import_statement_with_profile(
    engine: Engine, path: Path, contract: Contract, *, source: str, now: datetime, profile: str
) -> ImportReport:
    """Import one statement in the layout of a profile (config/mappings/statements/NAME.yaml
    or a YAML path); StatementProfileError for a profile that cannot be used."""
    try:
        loaded = load_statement_profile(profile)
    except StatementProfileError as error:
        raise ImportFileError(error.message) from None
    return import_statement(engine, path, contract, source=source, now=now, profile=loaded)

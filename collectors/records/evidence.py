"""`slamon import evidence`: evidence that a contract obligation (履约事项) was done, and the
vulnerability notices (漏洞通报) that start an event-triggered one."""

from __future__ import annotations

import re
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from collectors.files.decimals import parse_date
from collectors.files.import_report import ImportReport
from collectors.files.values import BadValue, VocabularyLookup, bounded, parse_id, parse_text
from collectors.records.base import Column, RecordFormat, import_records
from monitor.contract.model import Contract
from monitor.contract.obligations import Coverage, Frequency, Obligation
from monitor.storage.obligations import upsert_evidence

# The period a piece of evidence may name, by the obligation's frequency.
_PERIOD_FORMS = {
    Frequency.YEARLY: (re.compile(r"^\d{4}$"), "YYYY"),
    Frequency.QUARTERLY: (re.compile(r"^\d{4}-Q[1-4]$"), "YYYY-Q1…Q4"),
    Frequency.MONTHLY: (re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"), "YYYY-MM"),
    Frequency.WEEKLY: (re.compile(r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$"), "YYYY-Www"),
}


def obligation_lookup(contract: Contract) -> VocabularyLookup:
    """Any spelling of an obligation (its id, Chinese or English name) → its id."""
    return VocabularyLookup(
        "obligation",
        {item.id: (item.name_zh, item.name_en) for item in contract.obligations},
    )


def evidence_format(contract: Contract) -> RecordFormat:
    text = partial(bounded, parse_text)
    columns = (
        Column("record_id", ("record_id", "记录编号", "材料编号"), bounded(parse_id, 400)),
        Column(
            "obligation_id",
            ("obligation", "履约事项", "事项", "obligation_id", "事项编号"),
            obligation_lookup(contract),
            True,
        ),
        Column("done_on", ("done_on", "完成日期", "完成时间", "date"), parse_date),
        Column("document_ref", ("document_ref", "佐证材料", "文档编号", "document"), parse_text),
        Column("done_by", ("done_by", "完成人", "责任人", "who"), text(200)),
        Column("system", ("system", "业务系统", "subject", "对象"), text(200)),
        Column("notice", ("notice", "通报编号", "notice_id"), text(200)),
        Column("pool", ("pool", "资源池"), text(100)),
        Column("period", ("period", "所属期", "考核期"), text(10)),
        Column("noticed_on", ("noticed_on", "通报日期", "通报时间"), parse_date),
    )
    obligations = {item.id: item for item in contract.obligations}
    return RecordFormat(
        table="obligation_evidence",
        noun="record",
        columns=columns,
        key_field="obligation_id",
        finish=partial(_finish, obligations=obligations),
        upsert=upsert_evidence,
    )


def _finish(values: dict[str, Any], obligations: dict[str, Obligation]) -> dict[str, Any]:
    values.pop("__extras__", None)
    obligation = obligations[values["obligation_id"]]
    system, notice = values.pop("system", None), values.pop("notice", None)
    if system is not None and notice is not None:
        raise BadValue(
            "业务系统 system 与通报编号 notice 只能填一个",
            "give system (业务系统) or notice (通报编号), not both",
        )
    values["subject"] = system or notice
    if obligation.frequency is Frequency.EVENT:
        _check_notice(values)
    elif values.get("done_on") is None:
        raise BadValue("完成日期 done_on 为必填项", "done_on (完成日期) is required")
    elif values.get("document_ref") is None:
        raise BadValue(
            "佐证材料 document_ref 为必填项：证明已完成的文件",
            "document_ref (佐证材料) is required: the document that shows it was done",
        )
    if obligation.coverage is Coverage.SYSTEM and values.get("subject") is None:
        raise BadValue(
            f"{obligation.name_zh}按业务系统履行：请在业务系统 system 中填写系统",
            f"{obligation.name_en} is owed per system: name it in system (业务系统)",
        )
    if obligation.coverage is Coverage.POOL and values.get("pool") not in obligation.pools:
        pools = "、".join(obligation.pools)
        raise BadValue(
            f"{obligation.name_zh}按资源池履行：资源池 pool 须为 {pools} 之一",
            f"{obligation.name_en} is owed per pool: pool (资源池) must be one of {pools}",
        )
    _check_period(values.get("period"), obligation)
    values["record_key"] = (values.pop("record_id", None) or _natural_key(values, obligation))[:400]
    return values


def _check_notice(values: dict[str, Any]) -> None:
    noticed, done = values.get("noticed_on"), values.get("done_on")
    if values.get("subject") is None:
        raise BadValue(
            "通报须在通报编号 notice 中填写编号", "a notice needs its number in notice (通报编号)"
        )
    if noticed is None:
        raise BadValue("通报须填写通报日期 noticed_on", "a notice needs noticed_on (通报日期)")
    if done is not None and done < noticed:
        raise BadValue(
            "完成日期 done_on 早于通报日期 noticed_on",
            "done_on (完成日期) is before noticed_on (通报日期)",
        )
    if values.get("period") is not None:
        raise BadValue(
            "通报自成一期：所属期 period 请留空",
            "a notice is its own period: leave period (所属期) blank",
        )


# A period's frequency in Chinese, for its error.
_FREQUENCY_ZH = {
    Frequency.YEARLY: "年度",
    Frequency.QUARTERLY: "季度",
    Frequency.MONTHLY: "月度",
    Frequency.WEEKLY: "周",
    Frequency.EVENT: "事件",
}


def _check_period(period: str | None, obligation: Obligation) -> None:
    if period is None or obligation.frequency is Frequency.EVENT:
        return
    pattern, form = _PERIOD_FORMS[obligation.frequency]
    if not pattern.match(period):
        every = obligation.frequency
        raise BadValue(
            f"所属期 period '{period}' 不是{_FREQUENCY_ZH[every]}期间，请写成 {form}",
            f"period (所属期) '{period}' is not a {every.value} period; write {form}",
        )


def _natural_key(values: dict[str, Any], obligation: Obligation) -> str:
    """A notice is one record whatever is later added to it; evidence is one per document."""
    parts = [obligation.id, values.get("subject") or "", values.get("pool") or ""]
    if obligation.frequency is not Frequency.EVENT:
        parts += [values["done_on"].isoformat(), values.get("document_ref") or ""]
    return "|".join(parts)


def import_evidence(
    engine: Engine, path: Path, contract: Contract, *, source: str, now: datetime
) -> ImportReport:
    """Import one evidence file; ImportFileError when nothing in it can be used."""
    return import_records(engine, path, evidence_format(contract), source=source, now=now)

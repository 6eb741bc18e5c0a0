"""`slamon import surveys`: satisfaction survey replies (满意度调查) into the database."""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from collectors.files.import_report import ImportReport
from collectors.files.values import BadValue, parse_text
from collectors.records.base import (
    Column,
    RecordFormat,
    import_records,
    parse_day_or_time,
)
from monitor.contract.model import Contract
from monitor.domain.message import Message
from monitor.measures.satisfaction import RATING_LABELS_ZH, rating_for
from monitor.storage.surveys import upsert_survey_replies

# Per-question ratings: one column per question, headed "q:故障解决效率" or "问题：故障解决效率".
_QUESTION = re.compile(r"^\s*(?:q|问题|题目)\s*[:：]\s*(.+)$", re.IGNORECASE)
_RATINGS_HELP = " · ".join(f"{key} {label}" for key, label in RATING_LABELS_ZH.items())


def parse_rating(value: Any) -> str | None:
    text = parse_text(value)
    if text is None:
        return None
    rating = rating_for(text)
    if rating is None:
        raise BadValue(
            f"未知的评价 '{text}'，应为以下之一：{_RATINGS_HELP}",
            f"unknown rating '{text}'; expected one of {_RATINGS_HELP}",
        )
    return rating


def survey_format(contract: Contract) -> RecordFormat:
    moment = partial(parse_day_or_time, zone=contract.zone)
    columns = (
        Column("survey", ("survey", "调查批次", "问卷", "问卷名称"), parse_text),
        Column("unit", ("unit", "使用单位", "单位", "user_unit"), parse_text, True),
        Column("replied_at", ("replied_at", "填报时间", "回复时间", "填报日期"), moment, True),
        Column("rating", ("rating", "总体评价", "满意度", "总体满意度"), parse_rating, True),
        Column("pool", ("pool", "资源池"), parse_text),
        Column("respondent", ("respondent", "填报人"), parse_text),
        Column("comment", ("comment", "意见建议", "意见和建议"), parse_text),
    )
    return RecordFormat(
        table="survey_reply",
        noun="unit",
        columns=columns,
        key_field="unit",
        finish=_finish,
        upsert=upsert_survey_replies,
        extra_header=lambda header: _QUESTION.match(header) is not None,
        extra_help=f"  q:QUESTION / 问题：题目 — a per-question rating ({_RATINGS_HELP})",
    )


def _finish(values: dict[str, Any]) -> dict[str, Any]:
    answers: dict[str, str] = {}
    for header, cell in values.pop("__extras__", {}).items():
        match = _QUESTION.match(header)
        assert match is not None  # only matching headers are extras
        try:
            rating = parse_rating(cell)
        except BadValue as error:
            raise BadValue(
                Message(f"列 {header}：", f"column {header}: ") + error.message
            ) from None
        if rating is not None:
            answers[match.group(1).strip()] = rating
    values["answers"] = json.dumps(answers, ensure_ascii=False, sort_keys=True) if answers else None
    values["survey"] = values.get("survey") or ""
    return values


def import_surveys(
    engine: Engine, path: Path, contract: Contract, *, source: str, now: datetime
) -> ImportReport:
    """Import one file of survey replies; ImportFileError when nothing in it can be used."""
    return import_records(engine, path, survey_format(contract), source=source, now=now)

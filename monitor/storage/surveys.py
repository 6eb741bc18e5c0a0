"""Reading and writing satisfaction survey replies."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, inspect, select, text

from monitor.domain.records import SurveyReply
from monitor.storage.records import upsert_records
from monitor.storage.tables import SurveyReplyRow
from monitor.storage.tickets import UpsertCounts

SURVEY_TABLE = SurveyReplyRow.__table__  # type: ignore[attr-defined]
KEY = ("source", "survey", "unit")
FIELDS = ("replied_at", "rating", "pool", "respondent", "answers", "comment")


def upsert_survey_replies(
    connection: Connection, rows: Sequence[Mapping[str, Any]], columns: Iterable[str], now: datetime
) -> UpsertCounts:
    """Upsert by (source, survey, unit): a unit's later reply to a survey replaces its earlier."""
    carried = [name for name in FIELDS if name in set(columns)]
    return upsert_records(connection, SURVEY_TABLE, KEY, rows, carried, now)


def load_survey_replies(engine: Engine, *, since: datetime, before: datetime) -> list[SurveyReply]:
    """Replies given in [since, before)."""
    table = SURVEY_TABLE
    query = (
        select(table)
        .where(table.c.replied_at >= since, table.c.replied_at < before)
        .order_by(table.c.replied_at, table.c.id)
    )
    with engine.connect() as connection:
        return [
            SurveyReply(
                unit=row.unit,
                replied_at=row.replied_at,
                rating=row.rating,
                survey=row.survey,
                source=row.source,
                pool=row.pool,
                respondent=row.respondent,
                answers=json.loads(row.answers) if row.answers else {},
            )
            for row in connection.execute(query)
        ]


def units_in_inventory(engine: Engine) -> int | None:
    """使用单位 named in the resource inventory (read only), or None when there is none."""
    if not inspect(engine).has_table("resource"):
        return None
    query = text("SELECT COUNT(DISTINCT user_unit) FROM resource WHERE user_unit IS NOT NULL")
    with engine.connect() as connection:
        count = connection.execute(query).scalar_one()
    return int(count) or None

"""Daily rollups per day of UTC+08:00 (China Standard Time) instead of per UTC day.

A month, a year or a burn-rate window of days in Asia/Shanghai is then whole rollup days, so
its report reads no quarter hour at all; with UTC days it read the quarter hours of the 8 and
16 hours at either end, most of its rows at province size (monitor.domain.resources says why
the offset is fixed).

The days are summed again from the quarter hours, in SQL, for the span the quarter hours
cover: from the UTC day of the oldest one kept (the next day if some of that day's were
dropped), every daily row is deleted and made again. Daily rows older than that (their
quarter hours dropped past retention) cannot be split and stay UTC days: sums over them
remain exact over whole UTC days, and a Shanghai month among them is counted from 8 hours
after its start to 8 hours after its end. Downgrading does the same the other way. The
table, its keys and its partitions are unchanged.

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta

from alembic import op
from sqlalchemy import text

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The start of the day holding a stored time, in each dialect's own storage of UTCDateTime:
# SQLite keeps UTC wall time as text "YYYY-MM-DD HH:MM:SS.ffffff", PostgreSQL a timestamptz.
_UTC_DAY = {
    "sqlite": "substr(bucket_start, 1, 10) || ' 00:00:00.000000'",
    "postgresql": "date_trunc('day', bucket_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'",
}
_CST_DAY = {
    "sqlite": "strftime('%Y-%m-%d %H:%M:%S', bucket_start, '+8 hours', 'start of day', "
    "'-8 hours') || '.000000'",
    "postgresql": "(date_trunc('day', (bucket_start AT TIME ZONE 'UTC') + interval '8 hours') "
    "- interval '8 hours') AT TIME ZONE 'UTC'",
}
_CST = timedelta(hours=8)


def upgrade() -> None:
    _resum(_CST_DAY, was=timedelta(0))


def downgrade() -> None:
    _resum(_UTC_DAY, was=_CST)


def _resum(day_of: dict[str, str], was: timedelta) -> None:
    """The daily rows wholly covered by quarter hours summed again into the days `day_of`
    gives. `was` is the offset of the days they are summed per now.

    The cut is the first day (as they are now) whose rows hold only what the quarter hours
    hold (the day of the oldest quarter hour, or the next one), every row before it ends by
    the cut, so the new rows (from the quarter hours at or after the cut) add to them
    exactly what was deleted. Old and new days never start at the same instant.
    """
    bind = op.get_bind()
    dialect = bind.dialect.name
    oldest = bind.execute(text("SELECT min(bucket_start) FROM metric_rollup")).scalar()
    if oldest is None:
        return  # no quarter hours: nothing to sum again, the daily rows stay as they are
    oldest = _moment(oldest)
    local = (oldest + was).replace(tzinfo=None)
    floor = datetime.combine(local.date(), time()).replace(tzinfo=UTC) - was
    cut = floor if _covered(floor, dialect) else floor + timedelta(days=1)
    stored = _stored(cut, dialect)
    bind.execute(text("DELETE FROM metric_rollup_daily WHERE day_start >= :cut"), {"cut": stored})
    day = day_of[dialect]
    bind.execute(
        text(
            "INSERT INTO metric_rollup_daily "
            "(metric, pool, resource_id, day_start, samples, total, peak, covered_seconds) "
            f"SELECT metric, pool, resource_id, {day}, "
            "sum(samples), sum(total), max(peak), sum(covered_seconds) "
            f"FROM metric_rollup WHERE bucket_start >= :cut "
            f"GROUP BY metric, pool, resource_id, {day}"
        ),
        {"cut": stored},
    )


def _covered(day: datetime, dialect: str) -> bool:
    """Whether the daily rows of the day starting at `day` hold nothing but quarter hours
    still kept: each row sums its quarter hours, so the day's samples add up to those of its
    quarter hours exactly when none was dropped, in every series."""
    bind = op.get_bind()
    bounds = {"a": _stored(day, dialect), "b": _stored(day + timedelta(days=1), dialect)}
    daily = bind.execute(
        text("SELECT coalesce(sum(samples), 0) FROM metric_rollup_daily WHERE day_start = :a"),
        bounds,
    ).scalar()
    quarters = bind.execute(
        text(
            "SELECT coalesce(sum(samples), 0) FROM metric_rollup "
            "WHERE bucket_start >= :a AND bucket_start < :b"
        ),
        bounds,
    ).scalar()
    return bool(daily == quarters)


def _stored(moment: datetime, dialect: str) -> str | datetime:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f") if dialect == "sqlite" else moment


def _moment(value: str | datetime) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

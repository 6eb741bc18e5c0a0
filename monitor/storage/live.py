"""What the live service reads: the next moment a clock turns, the tickets due, and the
aggregates /metrics and /readyz show — each one grouped query, never a row per ticket."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import (
    Connection,
    Engine,
    and_,
    case,
    distinct,
    func,
    literal,
    literal_column,
    or_,
    select,
)

from monitor.storage.alerts import ALERT, DELIVERY
from monitor.storage.as_of import RUNNING, status_as_of, status_in
from monitor.storage.results import CHANGE_TABLE, RESULT_TABLE, RUN_TABLE
from monitor.storage.tables import CollectorRunRow
from monitor.storage.ticket_keys import tickets_by_key
from monitor.storage.tickets import TICKET_TABLE
from monitor.storage.waivers import WAIVER, active_waiver_join

R, T, C = RESULT_TABLE, TICKET_TABLE, CHANGE_TABLE
COLLECTOR_RUN = CollectorRunRow.__table__  # type: ignore[attr-defined]
OPEN = ("pending", "at_risk")  # statuses of a running clock with a known deadline
VIOLATIONS = ("breached", "missing_evidence")


# The statuses of running clocks written into the statement, not bound: PostgreSQL's plan of a
# prepared statement for any value cannot use an index made for some values only, and the
# indexes of the running clocks (migration 0020) are (status = 'pending', status IN OPEN).
_PENDING = R.c.status == literal_column("'pending'")
_OPEN = R.c.status.in_([literal_column(f"'{status}'") for status in OPEN])


NEXT_MOMENTS = (
    select(func.min(R.c.at_risk_from)).where(_PENDING),
    select(func.min(R.c.deadline)).where(_OPEN),
)


def next_moment(engine: Engine) -> datetime | None:
    """The earliest at-risk moment or deadline of a clock still running."""
    with engine.connect() as connection:
        found = [connection.execute(query).scalar() for query in NEXT_MOMENTS]
    moments: list[datetime] = [moment for moment in found if moment is not None]
    return min(moments) if moments else None


def due_ticket_pks(engine: Engine, at: datetime) -> list[int]:
    """Tickets with a clock that has turned at risk or run out by `at` but is not stored so."""
    query = (
        select(R.c.ticket_pk)
        .distinct()
        .where(
            or_(
                and_(_PENDING, R.c.at_risk_from <= at),
                and_(_OPEN, R.c.deadline < at),
            )
        )
    )
    with engine.connect() as connection:
        return [row[0] for row in connection.execute(query)]


def all_ticket_pks(engine: Engine) -> list[int]:
    with engine.connect() as connection:
        return [row[0] for row in connection.execute(select(T.c.id).order_by(T.c.id))]


def ticket_pks_for(engine: Engine, keys: Sequence[tuple[str, str]]) -> list[int]:
    with engine.connect() as connection:
        return ticket_pks_in(connection, keys)


def ticket_pks_in(connection: Connection, keys: Sequence[tuple[str, str]]) -> list[int]:
    """The ids of the stored tickets with these (source, ticket id) keys, read on
    `connection` (inside a writer's transaction: its own rows, without another round trip)."""
    by_source: dict[str, list[str]] = {}
    for source, ticket_id in keys:
        by_source.setdefault(source, []).append(ticket_id)
    found: list[int] = []
    for source, ids in by_source.items():
        found.extend(pk for (pk,) in tickets_by_key(connection, ["id"], source, ids))
    return found


def _rows(engine: Engine, query: Any) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(query))


def _label(column: Any) -> Any:
    return func.coalesce(column, "")


def result_counts(engine: Engine, now: datetime) -> list[Any]:
    """(target_id, pool, operator, status, open_clock, count) over every stored result, each
    status as of `now`."""
    status = status_as_of(now)
    query = (
        select(
            R.c.target_id,
            _label(T.c.pool).label("pool"),
            _label(T.c.operator).label("operator"),
            status.label("status"),
            R.c.stop.is_(None).label("open_clock"),
            func.count().label("count"),
        )
        .select_from(R.join(T, T.c.id == R.c.ticket_pk))
        .group_by(R.c.target_id, "pool", "operator", status, "open_clock")
    )
    if engine.dialect.name == "sqlite":
        counted = _result_counts_by_key(engine, now)
        if counted is not None:
            return counted
    return _rows(engine, query)


@dataclass(frozen=True, slots=True)
class ResultCount:
    target_id: str
    pool: str
    operator: str
    status: str
    open_clock: bool
    count: int


def _counted(now: datetime) -> tuple[tuple[str, Any], ...]:
    return (("pool", _label(T.c.pool)), ("operator", _label(T.c.operator)),
            ("target_id", R.c.target_id), ("status", status_as_of(now)))  # fmt: skip


def _result_counts_by_key(engine: Engine, now: datetime) -> list[ResultCount] | None:
    """result_counts on SQLite without its GROUP BY, which sorted every result (seconds at a
    million): each result's labels become one integer in SQL, NumPy counts the integers.
    None if a label appeared between reading the labels and counting (then GROUP BY)."""
    counted = _counted(now)
    with engine.connect() as connection:
        words = {
            name: [row[0] for row in connection.execute(select(column).distinct())]
            for name, column in counted
        }
        if not all(words.values()):  # no tickets or no results: nothing joins
            return []
        key: Any = literal(0)
        for name, column in counted:
            known = words[name]
            code = case({word: n for n, word in enumerate(known)}, value=column, else_=len(known))
            key = key * (len(known) + 1) + code
        key = key * 2 + case((R.c.stop.is_(None), 1), else_=0)
        query = select(func.group_concat(key)).select_from(R.join(T, T.c.id == R.c.ticket_pk))
        text = connection.execute(query).scalar()
    if not text:
        return []
    keys = np.fromstring(text, dtype=np.int64, sep=",")
    found, counts = np.unique(keys, return_counts=True)
    rows = []
    for value, count in zip(found.tolist(), counts.tolist(), strict=True):
        open_clock, value = bool(value % 2), value // 2
        labels: list[str] = []
        for name, _column in reversed(counted):
            known = words[name]
            value, code = divmod(value, len(known) + 1)
            if code == len(known):
                return None
            labels.append(known[code])
        pool, operator, target_id, status = reversed(labels)
        rows.append(ResultCount(target_id, pool, operator, status, open_clock, count))
    return rows


def open_tickets(engine: Engine) -> list[Any]:
    query = (
        select(
            _label(T.c.pool).label("pool"),
            _label(T.c.operator).label("operator"),
            func.count().label("count"),
        )
        .where(T.c.closed_at.is_(None))
        .group_by("pool", "operator")
    )
    return _rows(engine, query)


def breach_flips(engine: Engine) -> list[Any]:
    """(target_id, pool, count) of every flip into breached ever recorded: a counter."""
    query = (
        select(C.c.target_id, _label(T.c.pool).label("pool"), func.count().label("count"))
        .select_from(C.join(T, T.c.id == C.c.ticket_pk))
        .where(C.c.to_status == "breached")
        .group_by(C.c.target_id, "pool")
    )
    return _rows(engine, query)


def nearest_deadlines(engine: Engine) -> list[Any]:
    query = (
        select(_label(T.c.pool).label("pool"), func.min(R.c.deadline).label("deadline"))
        .select_from(R.join(T, T.c.id == R.c.ticket_pk))
        .where(R.c.status.in_(OPEN))
        .group_by("pool")
    )
    return _rows(engine, query)


def late_tickets(
    engine: Engine, kinds: Sequence[str], start: datetime, end: datetime, now: datetime
) -> int:
    """Tickets of `kinds` reported in [start, end) with a violation as of `now` not waived — the
    late tickets of monitor.scorecard.ticket_indicators.fault_response_timeliness, counted in one
    query."""
    query = (
        select(func.count(distinct(T.c.id)))
        .select_from(_unwaived())
        .where(*_reported(kinds, start, end), status_in(now, VIOLATIONS), WAIVER.c.id.is_(None))
    )
    with engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def newly_late_tickets(
    engine: Engine,
    kinds: Sequence[str],
    start: datetime,
    end: datetime,
    since: datetime,
    now: datetime,
) -> int:
    """How many more late_tickets there are as of `now` than as of `since`: tickets a running
    clock made late in between (few, so a scrape counts them without a whole late_tickets)."""
    turned = (
        select(T.c.id)
        .distinct()
        .select_from(_unwaived())
        .where(
            *_reported(kinds, start, end),
            _turned(since, now),
            status_in(now, VIOLATIONS),
            WAIVER.c.id.is_(None),
        )
    )
    with engine.connect() as connection:
        pks = set(connection.execute(turned).scalars())
        if not pks:
            return 0
        already = (
            select(T.c.id)
            .distinct()
            .select_from(_unwaived())
            .where(T.c.id.in_(sorted(pks)), status_in(since, VIOLATIONS), WAIVER.c.id.is_(None))
        )
        return len(pks - set(connection.execute(already).scalars()))


def turned_counts(engine: Engine, since: datetime, now: datetime) -> list[Any]:
    """(target_id, pool, operator, before, after, count) of the running clocks whose status as
    of `now` differs from the one as of `since`."""
    before, after = status_as_of(since), status_as_of(now)
    query = (
        select(
            R.c.target_id,
            _label(T.c.pool).label("pool"),
            _label(T.c.operator).label("operator"),
            before.label("before"),
            after.label("after"),
            func.count().label("count"),
        )
        .select_from(R.join(T, T.c.id == R.c.ticket_pk))
        .where(_turned(since, now))
        .group_by(R.c.target_id, "pool", "operator", before, after)
    )
    return _rows(engine, query)


def _turned(since: datetime, now: datetime) -> Any:
    # Only running clocks turn; the stored status bounds the rows by its index first.
    return and_(R.c.status.in_(RUNNING), status_as_of(since) != status_as_of(now))


def _unwaived() -> Any:
    return R.join(T, T.c.id == R.c.ticket_pk).outerjoin(WAIVER, active_waiver_join())


def _reported(kinds: Sequence[str], start: datetime, end: datetime) -> list[Any]:
    return [T.c.kind.in_(list(kinds)), T.c.reported_at >= start, T.c.reported_at < end]


def last_full_evaluation(engine: Engine) -> datetime | None:
    with engine.connect() as connection:
        value: datetime | None = connection.execute(
            select(func.max(RUN_TABLE.c.evaluated_at))
        ).scalar()
    return value


def last_run_uncovered(engine: Engine) -> int | None:
    """How many tickets the last whole evaluation found no contract for; None before one."""
    with engine.connect() as connection:
        value: int | None = connection.execute(
            select(RUN_TABLE.c.uncovered).order_by(RUN_TABLE.c.id.desc()).limit(1)
        ).scalar()
    return value


def alert_counts(engine: Engine) -> list[Any]:
    return _rows(engine, select(ALERT.c.stage, func.count().label("count")).group_by(ALERT.c.stage))


@dataclass(frozen=True, slots=True)
class ChannelStats:
    channel: str
    pending: int
    oldest_pending: datetime | None
    delivered: int
    failures: int
    given_up: int


def outbox_stats(engine: Engine) -> list[ChannelStats]:
    """Per channel: pending, oldest pending since, delivered, failed attempts, given up."""
    pending = and_(DELIVERY.c.acknowledged_at.is_(None), DELIVERY.c.failed_at.is_(None))
    query = select(
        DELIVERY.c.channel,
        func.count(case((pending, 1))).label("pending"),
        func.min(case((pending, DELIVERY.c.created_at))).label("oldest_pending"),
        func.count(DELIVERY.c.acknowledged_at).label("delivered"),
        func.coalesce(func.sum(DELIVERY.c.failures), 0).label("failures"),
        func.count(DELIVERY.c.failed_at).label("given_up"),
    ).group_by(DELIVERY.c.channel)
    return [
        ChannelStats(
            row.channel,
            row.pending,
            _aware(row.oldest_pending),
            row.delivered,
            int(row.failures),
            row.given_up,
        )
        for row in _rows(engine, query)
    ]


def _aware(value: Any) -> datetime | None:
    """An aggregate over a CASE may come back as SQLite text; always an aware UTC instant."""
    if value is None:
        return None
    moment: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class CollectorHealth:
    name: str
    runs: int
    errors: int
    last_run: datetime | None
    last_success: datetime | None
    consecutive_failures: int
    last_error: str | None


def collector_health(engine: Engine) -> list[CollectorHealth]:
    """Each collector's record from its runs: last success, failures in a row, last error."""
    run = COLLECTOR_RUN
    totals = select(
        run.c.name,
        func.count().label("runs"),
        func.count(run.c.error).label("errors"),
        func.max(run.c.started_at).label("last_run"),
        func.max(case((run.c.error.is_(None), run.c.started_at))).label("last_success"),
    ).group_by(run.c.name)
    health: list[CollectorHealth] = []
    with engine.connect() as connection:
        for row in connection.execute(totals):
            last_success = _aware(row.last_success)
            since = [run.c.name == row.name]
            if last_success is not None:
                since.append(run.c.started_at > last_success)
            failing = connection.execute(select(func.count()).where(*since)).scalar_one()
            latest = connection.execute(
                select(run.c.error)
                .where(run.c.name == row.name)
                .order_by(run.c.started_at.desc(), run.c.id.desc())
                .limit(1)
            ).scalar()
            health.append(
                CollectorHealth(
                    row.name,
                    row.runs,
                    row.errors,
                    _aware(row.last_run),
                    last_success,
                    int(failing),
                    latest,
                )
            )
    return health

"""Set-based reads and writes of tickets: one statement per batch, never one per ticket."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from itertools import repeat
from operator import add, itemgetter
from typing import Any

from sqlalchemy import Connection, Engine, String, false, or_, select

from monitor.domain.instants import MISSING, Ints
from monitor.domain.tickets import HISTORY_FIELDS, Pause, SeverityChange, Ticket
from monitor.storage.connections import connected, dialect_insert
from monitor.storage.stored_time import stored_texts, utc_text
from monitor.storage.tables import TicketHistoryRow, TicketRow
from monitor.storage.types import UTCDateTime

TICKET_TABLE = TicketRow.__table__  # type: ignore[attr-defined]
HISTORY_TABLE = TicketHistoryRow.__table__  # type: ignore[attr-defined]
# The ticket fields a source can set; everything but bookkeeping columns. The histories
# (pauses …) come last in Ticket and live in ticket_history.
TICKET_FIELDS: tuple[str, ...] = tuple(
    field.name for field in fields(Ticket) if field.name not in HISTORY_FIELDS
)
_KEY = ("source", "ticket_id")
# Bounded text columns and their sizes: a longer value is a bad row, not a failed import.
TEXT_LIMITS: dict[str, int] = {
    column.name: column.type.length
    for column in TICKET_TABLE.columns
    if getattr(column.type, "length", None)
}
_BATCH = 5000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# A database that locks rows (PostgreSQL) gets every upsert's rows in (source, ticket_id)
# order: two transactions that write some of the same tickets lock them in the same order, so
# one waits for the other instead of both waiting for each other (a deadlock, which the
# database ends by rolling one back). SQLite locks the whole database for one writer, so its
# rows go in as given; on both, new tickets are numbered in the order of their input.
_BY_KEY = itemgetter(0, 1)
_STAGE = "slamon_ticket_upsert"  # the temporary table PostgreSQL upserts from
# Up to this many rows (an API batch) PostgreSQL gets them as one statement's VALUES: a
# temporary table costs more (created, copied into and dropped) than the rows themselves.
_DIRECT_ROWS = 500


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    inserted: int
    updated: int
    unchanged: int

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(
            self.inserted + other.inserted,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )


def upsert_tickets(
    connection: Connection,
    rows: Sequence[Mapping[str, Any]],
    columns: Iterable[str],
    now: datetime,
) -> UpsertCounts:
    """Insert new tickets and update changed ones, keyed by (source, ticket_id).

    `columns` are the fields the input actually carries: those overwrite the stored values
    (an empty cell clears one), the others are left as they were. A row equal to what is
    stored changes nothing, not even updated_at, so importing a file twice is a no-op.
    """
    carried, by_key = _carried_and_unique(rows, columns)
    unique = list(by_key.values())
    if not unique:
        return UpsertCounts(0, 0, 0)
    dialect = connection.dialect.name
    names = [*_KEY, *carried, "created_at", "updated_at"]
    if dialect == "postgresql":
        [counted] = _upsert_postgres(connection, carried, unique, now, _COUNTED)
        return _counts(len(unique), *counted)
    existing = _existing_keys(connection, set(by_key))
    if dialect == "sqlite":
        written = _upsert_sqlite(connection, carried, _bound_rows(connection, unique, names, now))
    else:
        ordered = [by_key[key] for key in sorted(by_key)]
        written = _upsert_generic(connection, ordered, carried, now)
    return _counts(len(unique), written, len(unique) - len(existing))


@dataclass(frozen=True, slots=True)
class WrittenTicket:
    """A ticket an upsert inserted or changed, with its id."""

    source: str
    ticket_id: str
    id: int
    inserted: bool


def upsert_written(
    connection: Connection,
    rows: Sequence[Mapping[str, Any]],
    columns: Iterable[str],
    now: datetime,
) -> list[WrittenTicket]:
    """upsert_tickets, saying which tickets it wrote: each one it inserted or changed, with
    its id (a row equal to what is stored is not among them). On PostgreSQL the statement
    itself says which rows it inserted; SQLite's write lock keeps the keys looked up before
    it as they are."""
    carried, by_key = _carried_and_unique(rows, columns)
    unique = list(by_key.values())
    if not unique:
        return []
    if connection.dialect.name == "postgresql":
        found = _upsert_postgres(connection, carried, unique, now, _WRITTEN)
        return [WrittenTicket(*row) for row in found]
    names = [*_KEY, *carried, "created_at", "updated_at"]
    bound = _bound_rows(connection, unique, names, now)
    existing = _existing_keys(connection, set(by_key))
    return [
        WrittenTicket(source, ticket_id, id_, (source, ticket_id) not in existing)
        for source, ticket_id, id_ in _upsert_sqlite_written(connection, carried, bound)
    ]


def _carried_and_unique(
    rows: Sequence[Mapping[str, Any]], columns: Iterable[str]
) -> tuple[list[str], dict[tuple[str, str], Mapping[str, Any]]]:
    """The carried fields other than the key, in the ticket's order, and one row per key, the
    last one winning: a multi-row upsert may not touch a row twice."""
    given = set(columns)
    carried = [name for name in TICKET_FIELDS if name in given and name not in _KEY]
    return carried, {(row["source"], row["ticket_id"]): row for row in rows}


def _upsert_postgres(
    connection: Connection,
    carried: list[str],
    unique: list[Mapping[str, Any]],
    now: datetime,
    answer: str,
) -> list[tuple[Any, ...]]:
    """The rows upserted on PostgreSQL, as one statement's arrays up to _DIRECT_ROWS, else
    through the temporary table; what `answer` (_COUNTED or _WRITTEN) makes of it."""
    names = [*_KEY, *carried, "created_at", "updated_at"]
    bound = _bound_rows(connection, unique, names, now)
    if len(unique) <= _DIRECT_ROWS:
        return _upsert_values(connection, carried, list(bound), answer)
    _stage(connection, names)
    _copy(connection, names, bound)
    return _upsert_staged(connection, carried, answer)


def _counts(rows: int, written: int, inserted: int) -> UpsertCounts:
    """The counts of an upsert of `rows` rows that inserted or changed `written` of them."""
    return UpsertCounts(inserted, written - inserted, rows - written)


def ticket_row_fields(columns: Iterable[str]) -> list[str]:
    """The fields of the rows upsert_ticket_rows takes, in order, for input that carries
    `columns`: source, ticket_id, then the carried fields in the ticket's own order."""
    carried = set(columns)
    return [*_KEY, *(name for name in TICKET_FIELDS if name in carried and name not in _KEY)]


def ticket_time_binding(dialect: str) -> Callable[[Ints], list[Any]]:
    """How upsert_ticket_rows takes a column of timestamps on a dialect, made from µs since
    the epoch (MISSING for none) a column at a time: on SQLite the text UTCDateTime stores
    (the same bytes), on PostgreSQL an ISO instant in UTC for COPY, else aware datetimes."""
    if dialect in ("sqlite", "postgresql"):
        return partial(stored_texts, on_sqlite=dialect == "sqlite")
    return _moments


def upsert_ticket_rows(
    connection: Connection,
    fields: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    now: datetime,
    *,
    all_new: bool = False,
) -> UpsertCounts:
    """upsert_tickets for rows given as tuples in the order of `fields` (ticket_row_fields),
    at most one per (source, ticket_id), ready to bind: timestamps as ticket_time_binding
    makes them for the connection's dialect, other values as the driver takes them.

    `all_new`: the caller knows, in this transaction, that no row's key is stored yet, so
    they are not looked up (every row counts as inserted)."""
    upserts = TicketRowUpserts(connection, fields, now, all_new=all_new)
    upserts.add(rows)
    return upserts.finish()


class TicketRowUpserts:
    """upsert_ticket_rows for the batches of one transaction (a file's): `add` each batch
    (no ticket in two), then `finish` for the counts of all.

    On PostgreSQL the batches are copied into one temporary table and upserted by one
    statement at the end, in key order: a transaction that took some tickets' locks in one
    statement never waits for others in a later one, so imports of overlapping files wait
    for each other, never in a cycle. The statement itself says which rows it inserted, so
    nothing is looked up and the counts are exact while others write. Elsewhere each batch
    is upserted as it comes."""

    def __init__(
        self, connection: Connection, fields: Sequence[str], now: datetime, *, all_new: bool
    ) -> None:
        self._names = [*fields, "created_at", "updated_at"]
        assert self._names[:2] == list(_KEY), fields
        self._connection = connection
        self._now = now
        self._all_new = all_new
        self._stamps = _stamps(connection.dialect, now)
        self._staged = 0 if connection.dialect.name == "postgresql" else None
        self._counts = UpsertCounts(0, 0, 0)

    def add(self, rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        connection, carried = self._connection, self._names[2:-2]
        if self._staged is not None:
            if not self._staged:
                _stage(connection, self._names)
            _copy(connection, self._names, map(add, rows, repeat(self._stamps)))
            self._staged += len(rows)
            return
        keys = set(map(_BY_KEY, rows))
        existing = set() if self._all_new else _existing_keys(connection, keys)
        if connection.dialect.name == "sqlite":
            written = _upsert_sqlite(connection, carried, map(add, rows, repeat(self._stamps)))
        else:
            names = self._names[:-2]
            ordered: list[Mapping[str, Any]] = [
                dict(zip(names, row, strict=True)) for row in sorted(rows, key=_BY_KEY)
            ]
            written = _upsert_generic(connection, ordered, carried, self._now)
        self._counts += _counts(len(rows), written, len(rows) - len(existing))

    def finish(self) -> UpsertCounts:
        if self._staged:
            carried = self._names[2:-2]
            [counted] = _upsert_staged(self._connection, carried, _COUNTED)
            self._counts += _counts(self._staged, *counted)
            self._staged = 0
        return self._counts


def _stamps(dialect: Any, now: datetime) -> tuple[Any, Any]:
    """created_at and updated_at as the dialect binds them."""
    stamp = TICKET_TABLE.c.created_at.type.bind_processor(dialect)
    return (stamp(now), stamp(now)) if stamp else (now, now)


def has_tickets(connection: Connection, source: str) -> bool:
    """Whether any ticket of the source is stored (one look into the (source, ticket_id) key)."""
    query = select(TICKET_TABLE.c.id).where(TICKET_TABLE.c.source == source).limit(1)
    return connection.execute(query).first() is not None


def _moments(micros: Ints) -> list[datetime | None]:
    return [None if m == MISSING else _EPOCH + timedelta(microseconds=m) for m in micros.tolist()]


def _bound_rows(
    connection: Connection, unique: list[Mapping[str, Any]], names: list[str], now: datetime
) -> Iterator[list[Any]]:
    """Each row, produced as the driver consumes it (no second copy of the whole batch), as
    the values the driver binds: the bytes the columns' own bind processors would
    produce (timestamps on SQLite by utc_text, the same text, written faster);
    `now` stamps created_at and updated_at, the last two names."""
    dialect = connection.dialect
    fields = names[:-2]
    # (place, converter) only for the columns that have one: the others are bound as they are.
    converters = []
    for place, name in enumerate(fields):
        column_type = TICKET_TABLE.c[name].type
        if dialect.name == "sqlite" and isinstance(column_type, UTCDateTime):
            converters.append((place, utc_text))
        elif (processor := column_type.bind_processor(dialect)) is not None:
            converters.append((place, processor))
    stamp = TICKET_TABLE.c.created_at.type.bind_processor(dialect)
    now_bound = stamp(now) if stamp else now
    take = itemgetter(*fields)
    for row in unique:
        try:
            values = list(take(row))
        except KeyError:  # a row without some field: it binds NULL there
            values = [row.get(name) for name in fields]
        for place, convert in converters:
            value = values[place]
            if value is not None:
                values[place] = convert(value)
        values.append(now_bound)
        values.append(now_bound)
        yield values


def _upsert_sql(carried: list[str], names: list[str], source: str, distinct: str) -> str:
    """INSERT … ON CONFLICT (source, ticket_id) DO UPDATE of the carried columns, only where
    one of them differs (`distinct` is the dialect's IS DISTINCT FROM), so an unchanged row
    keeps its updated_at."""
    conflict = f"INSERT INTO ticket ({', '.join(names)}) {source} ON CONFLICT (source, ticket_id)"
    if not carried:
        return f"{conflict} DO NOTHING"
    assignments = ", ".join(f"{name} = excluded.{name}" for name in (*carried, "updated_at"))
    changed = " OR ".join(f"ticket.{name} {distinct} excluded.{name}" for name in carried)
    return f"{conflict} DO UPDATE SET {assignments} WHERE {changed}"


def _upsert_sqlite(
    connection: Connection, carried: list[str], bound: Iterator[Sequence[Any]]
) -> int:
    """One executemany of the bound rows on the driver's connection, inside the caller's
    transaction; the rows inserted or changed are the connection's total_changes difference."""
    names = [*_KEY, *carried, "created_at", "updated_at"]
    values = f"VALUES ({', '.join('?' * len(names))})"
    sql = _upsert_sql(carried, names, values, "IS NOT")
    raw = connection.connection.driver_connection
    assert raw is not None
    before = raw.total_changes
    cursor = raw.cursor()
    try:
        cursor.executemany(sql, bound)
    finally:
        cursor.close()
    return int(raw.total_changes - before)


# SQLite's bound on the parameters of one statement (SQLITE_MAX_VARIABLE_NUMBER since 3.32).
_SQLITE_PARAMETERS = 32_766


def _upsert_sqlite_written(
    connection: Connection, carried: list[str], bound: Iterator[Sequence[Any]]
) -> list[tuple[str, str, int]]:
    """The bound rows upserted by multi-row statements on the driver's connection, inside the
    caller's transaction; (source, ticket_id, id) of each row inserted or changed, which
    RETURNING gives (an executemany returns nothing)."""
    names = [*_KEY, *carried, "created_at", "updated_at"]
    rows = list(bound)
    per_statement = _SQLITE_PARAMETERS // len(names)
    marks = f"({', '.join('?' * len(names))})"
    raw = connection.connection.driver_connection
    assert raw is not None
    found: list[tuple[str, str, int]] = []
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        values = f"VALUES {', '.join([marks] * len(chunk))}"
        sql = f"{_upsert_sql(carried, names, values, 'IS NOT')} RETURNING source, ticket_id, id"
        cursor = raw.execute(sql, [value for row in chunk for value in row])
        try:
            found.extend(cursor.fetchall())
        finally:
            cursor.close()
    return found


def _stage(connection: Connection, names: list[str]) -> None:
    """An empty temporary table with the columns `names` of the ticket table, and an id
    drawn from the ticket's sequence as each row is copied in: a new ticket gets the id of
    its place in the input, although the rows are written in key order."""
    listed = ", ".join(names)
    raw: Any = connection.connection.driver_connection
    with raw.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{_STAGE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_STAGE} AS SELECT id, {listed} FROM ticket WITH NO DATA"
        )
        cursor.execute("SELECT pg_get_serial_sequence('ticket', 'id')")
        (sequence,) = cursor.fetchone()
        cursor.execute(f"ALTER TABLE {_STAGE} ALTER COLUMN id SET DEFAULT nextval('{sequence}')")


def _copy(connection: Connection, names: list[str], bound: Iterator[Sequence[Any]]) -> None:
    """COPY of the bound rows into the temporary table."""
    raw: Any = connection.connection.driver_connection
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {_STAGE} ({', '.join(names)}) FROM STDIN") as copy,
    ):
        for row in bound:
            copy.write_row(row)


# What a PostgreSQL upsert answers, made from the statement (its RETURNING says what it
# wrote; a row it inserted has no xmax yet): how many rows it wrote and inserted, or the rows.
_COUNTED = (
    "WITH written AS ({upsert} RETURNING xmax = 0 AS inserted) "
    "SELECT count(*), count(*) FILTER (WHERE inserted) FROM written"
)
_WRITTEN = "{upsert} RETURNING source, ticket_id, id, xmax = 0"


def _upsert_values(
    connection: Connection, carried: list[str], bound: list[Sequence[Any]], answer: str
) -> list[tuple[Any, ...]]:
    """The bound rows upserted by one INSERT … SELECT … FROM unnest(…) in key order, a column
    bound as one array cast to its column's type, with ids drawn first in the rows' own order
    (as the temporary table's are); what `answer` (_COUNTED or _WRITTEN) makes of it.

    One array per column keeps the statement's text the same for any number of rows: the
    driver parses it once and the server prepares it once, where a VALUES list of a
    placeholder per value is a new statement for each batch size and is re-parsed each time."""
    names = ["id", *_KEY, *carried, "created_at", "updated_at"]
    dialect = connection.dialect
    types = [_cast_type(TICKET_TABLE.c[name].type, dialect) for name in names]
    arrays = ", ".join(f"%s::{type_}[]" for type_ in types)
    source = (
        f"SELECT * FROM unnest({arrays}) AS given ({', '.join(names)}) ORDER BY source, ticket_id"
    )
    upsert = _upsert_sql(carried, names, source, "IS DISTINCT FROM")
    raw: Any = connection.connection.driver_connection
    with raw.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('ticket', 'id')) FROM generate_series(1, %s)",
            (len(bound),),
        )
        ids = [found for (found,) in cursor]
        columns = [ids, *(list(column) for column in zip(*bound, strict=True))]
        cursor.execute(
            answer.format(upsert=upsert),
            [
                _as_texts(column) if type_ == "text" else column
                for column, type_ in zip(columns, types, strict=True)
            ],
        )
        return list(cursor)


def _as_texts(values: list[Any]) -> list[Any]:
    """A text column's values, each a str or None: the driver binds a list of one type."""
    if all(value is None or type(value) is str for value in values):
        return values
    return [value if value is None else str(value) for value in values]


def _cast_type(column_type: Any, dialect: Any) -> str:
    """The type a VALUES cell is cast to: text for every string (a cast to VARCHAR(n) would
    cut a longer value short instead of refusing it), else the column's own."""
    return "text" if isinstance(column_type, String) else str(column_type.compile(dialect))


def _upsert_staged(
    connection: Connection, carried: list[str], answer: str
) -> list[tuple[Any, ...]]:
    """One INSERT … SELECT … ON CONFLICT of the temporary table's rows, which it drops; what
    `answer` (_COUNTED or _WRITTEN) makes of it. The SELECT is in key order, the order the
    statement locks the tickets in."""
    names = ["id", *_KEY, *carried, "created_at", "updated_at"]
    source = f"SELECT {', '.join(names)} FROM {_STAGE} ORDER BY source, ticket_id"
    upsert = _upsert_sql(carried, names, source, "IS DISTINCT FROM")
    raw: Any = connection.connection.driver_connection
    with raw.cursor() as cursor:
        cursor.execute(answer.format(upsert=upsert))
        found = list(cursor)
        cursor.execute(f"DROP TABLE {_STAGE}")
    return found


def _upsert_generic(
    connection: Connection, unique: list[Mapping[str, Any]], carried: list[str], now: datetime
) -> int:
    statement = dialect_insert(connection)(TICKET_TABLE)
    excluded = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=list(_KEY),
        set_={**{name: excluded[name] for name in carried}, "updated_at": excluded.updated_at},
        where=or_(*(TICKET_TABLE.c[name].is_distinct_from(excluded[name]) for name in carried))
        if carried
        else false(),
    ).returning(TICKET_TABLE.c.id)
    # Every row needs every carried column; absent ones stay out of the statement entirely.
    stamp = {"created_at": now, "updated_at": now}
    payload = [{**{name: row.get(name) for name in (*_KEY, *carried)}, **stamp} for row in unique]
    written = 0
    for offset in range(0, len(payload), _BATCH):
        # RETURNING yields a row only for tickets inserted or actually changed; rowcount of an
        # executemany is not reliable across drivers.
        written += len(connection.execute(statement, payload[offset : offset + _BATCH]).all())
    return written


def _existing_keys(connection: Connection, keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of the keys are stored already; on SQLite and PostgreSQL one driver query per
    source and chunk (compiling a 5,000-parameter IN through SQLAlchemy costs more than the
    query)."""
    found: set[tuple[str, str]] = set()
    by_source: dict[str, list[str]] = {}
    for source, ticket_id in keys:
        by_source.setdefault(source, []).append(ticket_id)
    dialect = connection.dialect.name
    key_columns = (TICKET_TABLE.c.source, TICKET_TABLE.c.ticket_id)
    for source, ticket_ids in by_source.items():
        if dialect == "postgresql":
            raw: Any = connection.connection.driver_connection
            with raw.cursor() as cursor:
                cursor.execute(
                    "SELECT ticket_id FROM ticket WHERE source = %s AND ticket_id = ANY(%s)",
                    (source, ticket_ids),
                )
                found.update((source, ticket_id) for (ticket_id,) in cursor)
            continue
        for offset in range(0, len(ticket_ids), _BATCH):
            chunk = ticket_ids[offset : offset + _BATCH]
            if dialect == "sqlite":
                marks = ", ".join("?" * len(chunk))
                sql = f"SELECT ticket_id FROM ticket WHERE source = ? AND ticket_id IN ({marks})"
                rows = connection.exec_driver_sql(sql, (source, *chunk))
                found.update((source, ticket_id) for (ticket_id,) in rows)
                continue
            query = select(*key_columns).where(
                TICKET_TABLE.c.source == source, TICKET_TABLE.c.ticket_id.in_(chunk)
            )
            found.update((row.source, row.ticket_id) for row in connection.execute(query))
    return found


@dataclass(frozen=True, slots=True)
class StoredTickets:
    """Tickets as domain objects, with the database key of each for writing results back."""

    tickets: Sequence[Ticket]
    primary_keys: Mapping[tuple[str, str], int]


def load_tickets(
    engine: Engine | Connection,
    *,
    kinds: Sequence[str] | None = None,
    reported_from: datetime | None = None,
    reported_before: datetime | None = None,
    ids: Sequence[int] | None = None,
) -> StoredTickets:
    """Every stored ticket, or those of some kinds reported in [from, before), in one query.

    `ids` (database keys, at most a few thousand) narrows it to those tickets.
    """
    query = select(TICKET_TABLE.c.id, *(TICKET_TABLE.c[name] for name in TICKET_FIELDS))
    if kinds is not None:
        query = query.where(TICKET_TABLE.c.kind.in_(list(kinds)))
    if reported_from is not None:
        query = query.where(TICKET_TABLE.c.reported_at >= reported_from)
    if reported_before is not None:
        query = query.where(TICKET_TABLE.c.reported_at < reported_before)
    if ids is not None:
        query = query.where(TICKET_TABLE.c.id.in_(list(ids)))
    query = query.order_by(TICKET_TABLE.c.id)
    tickets: list[Ticket] = []
    keys: dict[tuple[str, str], int] = {}
    with connected(engine) as connection:
        # One more query for the pauses, reopens and severity changes, grouped by ticket.
        histories = _histories(connection, query.whereclause)
        for row in connection.execute(query):
            values = tuple(row)
            ticket = Ticket(*values[1:])
            if values[0] in histories:
                ticket = replace(ticket, **histories[values[0]])
            tickets.append(ticket)
            keys[(ticket.source, ticket.ticket_id)] = values[0]
    return StoredTickets(tickets, keys)


def _histories(connection: Connection, where: Any) -> dict[int, dict[str, Any]]:
    """ticket pk → {pauses, severity_changes, reopens} for the chosen tickets with a history."""
    history = HISTORY_TABLE
    query = select(history.c.ticket_pk, history.c.kind, history.c.start, history.c.end)
    query = query.add_columns(history.c.value).order_by(history.c.id)
    if where is not None:
        chosen = select(TICKET_TABLE.c.id).where(where)
        query = query.where(history.c.ticket_pk.in_(chosen.scalar_subquery()))
    grouped: dict[int, dict[str, list[Any]]] = {}
    for ticket_pk, kind, start, end, value in connection.execute(query):
        lists = grouped.setdefault(ticket_pk, {name: [] for name in HISTORY_FIELDS})
        if kind == "pause":
            lists["pauses"].append(Pause(start, end, value))
        elif kind == "severity":
            lists["severity_changes"].append(SeverityChange(start, value))
        elif kind == "reopen":
            lists["reopens"].append(start)
    return {
        pk: {name: tuple(items) for name, items in lists.items()} for pk, lists in grouped.items()
    }

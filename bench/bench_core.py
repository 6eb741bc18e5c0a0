"""Import and evaluation throughput on SQLite, against floors measured in the same run.

    python bench/bench_core.py                      # 100,000 tickets, 3 repeats
    python bench/bench_core.py --tickets 20000 --repeat 5 --json /tmp/core.json

Generates a deterministic ticket CSV in slamon's format, then times, on fresh SQLite files:
import (first and again), evaluation (first run and a second run that writes nothing) with
its load / evaluate / store parts, and two baselines: a raw sqlite3 executemany of the same
parsed rows, and a NumPy pass computing the same deadlines and statuses. Nothing here asserts
a time; the numbers are printed and written as JSON (bench/README.md says how to read them).
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import platform
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import sqlalchemy
from sqlalchemy import Engine

from collectors.files.import_report import ImportReport
from collectors.files.tabular import read_table
from collectors.tickets.columns import TICKET_HEADERS
from collectors.tickets.file_import import (
    BATCH_ROWS,
    _columns,
    _looks_like_header,
    import_tickets,
    parse_rows,
)
from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract, Target, load_contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.tickets import TargetResult, Ticket
from monitor.rules.status import deadline_for, targets_for
from monitor.runs.evaluate import judge_loaded, run_evaluation
from monitor.storage.columnar.bulk_insert import BULK_CACHE_KIB, bulk_page_cache
from monitor.storage.columnar.results import store_result_columns
from monitor.storage.columnar.tickets import load_ticket_columns
from monitor.storage.db import ensure_schema, make_engine
from monitor.storage.results import record_run
from monitor.storage.tickets import TICKET_TABLE, ticket_row_fields, upsert_ticket_rows
from monitor.storage.types import UTCDateTime

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_core_extra import pg_engine, pg_round, rss_import

DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "core.json"
# Evaluated as of one pinned instant, after every generated report time: results never depend
# on the day the benchmark runs.
AT = datetime(2026, 1, 1, 0, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SOURCE = "bench"
IMPORT_NOW = datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
MEMORY_METHOD = (
    "tracemalloc peak, started at the start of each measurement: the most memory Python "
    "allocated during it (SQLite's own C allocations are not traced); taken in one extra "
    "round that is not timed, since tracing slows Python down several times"
)

# --------------------------------------------------------------------------- ticket generation

# (kind as written, severity as written, share of tickets). General faults have no target in
# the default contract; they are there because real exports are full of them.
_MIX = (
    ("故障", "重大", 0.03),
    ("故障", "较大", 0.07),
    ("故障", "一般", 0.20),
    ("设备异常", "", 0.15),
    ("监控服务", "", 0.25),
    ("备份恢复", "", 0.10),
    ("服务请求", "", 0.20),
)
_PREFIX = {"故障": "GZ", "设备异常": "YC", "监控服务": "JK", "备份恢复": "HF", "服务请求": "FW"}
_UNITS = (
    "市人社局",
    "市公安局",
    "市卫健局",
    "市政数局",
    "市教育局",
    "市住建局",
    "市档案馆",
    "市市场监管局",
    "市财政局",
    "市交通局",
    "市民政局",
    "市自然资源局",
)
_SYSTEMS = (
    "社保业务系统",
    "综合查询平台",
    "全民健康信息平台",
    "政务服务网",
    "招生报名系统",
    "工程审批系统",
    "电子档案系统",
    "企业登记系统",
    "预算管理系统",
    "一网通办平台",
)
_TITLES = {
    "故障": (
        "数据库主机宕机",
        "核心交换机端口故障",
        "存储链路中断",
        "负载均衡配置异常",
        "虚拟化平台宿主机故障",
        "网络丢包严重",
    ),
    "设备异常": ("服务器电源模块告警", "硬盘预警", "风扇转速异常", "内存ECC告警"),
    "监控服务": ("CPU使用率持续超过90%", "磁盘剩余空间不足", "内存使用率过高", "网络流量突增"),
    "备份恢复": ("误删数据恢复", "数据库回滚恢复", "虚拟机快照恢复", "文件系统恢复"),
    "服务请求": ("新增云主机申请", "扩容申请", "安全组策略变更", "账号开通"),
}
_FIRST_DAY = datetime(2024, 1, 1)
_MINUTES = int((datetime(2026, 1, 1) - _FIRST_DAY).total_seconds() // 60)
# Major faults stop being reported mid-December 2025, so their working-day clocks (3 working
# days after the restore) end in 2025 even with a chinesecalendar that does not know 2026 yet.
_LAST_MAJOR_MINUTE = int((datetime(2025, 12, 15) - _FIRST_DAY).total_seconds() // 60)
_OPEN_SHARE, _MISSING_SHARE, _LOOSE_TIME_SHARE = 0.02, 0.03, 0.05
_HEADER_LANGUAGE = {"zh": 1, "en": 0}  # index into TICKET_HEADERS' accepted spellings


@dataclass
class _Draft:
    """One generated ticket before it is written out: local wall times, no zone."""

    kind: str
    severity: str
    reported: datetime
    events: dict[str, datetime | None] = field(default_factory=dict)
    size_gb: float | None = None


def generate_csv(path: Path, count: int, seed: int, headers: str = "zh") -> Counter[str]:
    """Write `count` tickets to `path` (UTF-8 CSV); returns how many of each kind/shape."""
    rng = random.Random(seed)
    shapes: Counter[str] = Counter()
    column = _HEADER_LANGUAGE[headers]
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(spellings[column] for spellings in TICKET_HEADERS.values())
        for number in range(1, count + 1):
            draft = _draft(rng, shapes)
            writer.writerow(_cells(rng, number, draft))
    return shapes


def _draft(rng: random.Random, shapes: Counter[str]) -> _Draft:
    kind, severity = _pick_kind(rng)
    last = _LAST_MAJOR_MINUTE if severity == "重大" else _MINUTES
    is_open = rng.random() < _OPEN_SHARE
    if is_open and rng.random() < 0.5:
        # Still running at the evaluation time: pending, at risk or freshly breached.
        minute = _MINUTES - rng.randint(1, 48 * 60) if severity != "重大" else last
    else:
        minute = rng.randrange(last)
    draft = _Draft(kind, severity, _FIRST_DAY + timedelta(minutes=minute))
    if kind == "备份恢复":
        # Mostly tens to a few thousand GB; 5 % without a size (their speed cannot be judged).
        size = round(min(8192.0, rng.lognormvariate(5.5, 1.3)), 1)
        draft.size_gb = None if rng.random() < 0.05 else size
    draft.events = _events(rng, draft)
    if is_open:
        _reopen(draft)
        shapes["open"] += 1
    elif rng.random() < _MISSING_SHARE:
        candidates = [name for name, value in draft.events.items() if value and name != "closed_at"]
        if candidates:
            draft.events[rng.choice(candidates)] = None
            shapes["missing_event"] += 1
    shapes[f"{kind}{severity}"] += 1
    return draft


def _pick_kind(rng: random.Random) -> tuple[str, str]:
    roll = rng.random()
    for kind, severity, share in _MIX:
        if roll < share:
            return kind, severity
        roll -= share
    return _MIX[-1][0], _MIX[-1][1]


def _after(
    start: datetime,
    rng: random.Random,
    low: float,
    high: float,
    late: float = 0.0,
    late_high: float = 0.0,
) -> datetime:
    """start + a uniform number of minutes in [low, high], or in (high, late_high] with p=late."""
    minutes = rng.uniform(high, late_high) if rng.random() < late else rng.uniform(low, high)
    return start + timedelta(minutes=round(minutes))


def _events(rng: random.Random, draft: _Draft) -> dict[str, datetime | None]:
    """Event times per kind, mostly within the default contract's limits, some late."""
    reported = draft.reported
    events: dict[str, datetime] = {}
    events["responded_at"] = _after(reported, rng, 1, 25, late=0.05, late_high=180)
    if draft.kind == "故障":
        events["arrived_at"] = _after(reported, rng, 5, 30, late=0.08, late_high=90)
        limit = {"重大": 120, "较大": 240}.get(draft.severity, 480)
        events["restored_at"] = _after(reported, rng, 20, limit, late=0.10, late_high=limit * 4)
        events["confirmed_at"] = _after(events["restored_at"], rng, 10, 240)
        if draft.severity == "重大":
            # Calendar days, 1–6: against 3 working days some are late, around holidays more so.
            events["report_submitted_at"] = _after(events["restored_at"], rng, 1440, 6 * 1440)
        events["closed_at"] = _after(max(events.values()), rng, 30, 2880)
    elif draft.kind == "设备异常":
        del events["responded_at"]  # anomalies are raised by the operator's own monitoring
        events["user_notified_at"] = _after(reported, rng, 10, 1440, late=0.07, late_high=4320)
        events["restored_at"] = _after(events["user_notified_at"], rng, 60, 2880)
        events["closed_at"] = _after(events["restored_at"], rng, 30, 600)
    elif draft.kind == "监控服务":
        events["restored_at"] = _after(reported, rng, 30, 480, late=0.06, late_high=1440)
        events["closed_at"] = _after(events["restored_at"], rng, 30, 900)
    elif draft.kind == "备份恢复":
        events["responded_at"] = _after(reported, rng, 5, 120, late=0.05, late_high=480)
        # The contract allows 24 h per TB; most restores take 20–100 % of that, some longer.
        allowed = 1440 * (draft.size_gb if draft.size_gb is not None else 256) / 1024
        span = max(30.0, allowed)
        events["restored_at"] = _after(
            events["responded_at"], rng, span * 0.2, span, late=0.08, late_high=span * 3
        )
        events["confirmed_at"] = _after(events["restored_at"], rng, 30, 900)
        events["closed_at"] = _after(events["confirmed_at"], rng, 30, 1440)
    else:
        events["closed_at"] = _after(events["responded_at"], rng, 60, 4320)
    return dict[str, datetime | None](events)


def _reopen(draft: _Draft) -> None:
    """An open ticket: not closed, and nothing after the first response recorded yet."""
    for name in draft.events:
        if name not in ("responded_at", "arrived_at"):
            draft.events[name] = None


def _cells(rng: random.Random, number: int, draft: _Draft) -> list[str]:
    pool = rng.choice(("一云", "二云"))
    kind = draft.kind
    time_of = _time_writer(rng)
    return [
        f"{_PREFIX[kind]}-{draft.reported.year}-{number:07d}",
        kind,
        draft.severity,
        pool,
        f"{pool}运营单位",
        rng.choice(_UNITS),
        rng.choice(_SYSTEMS),
        rng.choice(_TITLES[kind]),
        time_of(draft.reported),
        *(
            time_of(draft.events.get(name))
            for name in (
                "responded_at",
                "arrived_at",
                "user_notified_at",
                "restored_at",
                "confirmed_at",
                "report_submitted_at",
                "closed_at",
            )
        ),
        "" if draft.size_gb is None else f"{draft.size_gb:g}",
    ]


def _time_writer(rng: random.Random) -> Callable[[datetime | None], str]:
    """Most rows as 2024-03-14 09:12 (the sample's form); a few as Excel's 2024/3/14 9:12."""
    loose = rng.random() < _LOOSE_TIME_SHARE

    def write(moment: datetime | None) -> str:
        if moment is None:
            return ""
        if loose:
            return f"{moment.year}/{moment.month}/{moment.day} {moment.hour}:{moment.minute:02d}"
        return moment.strftime("%Y-%m-%d %H:%M")

    return write


# --------------------------------------------------------------------------- measuring


@dataclass
class Sample:
    seconds: float
    peak_bytes: int | None = None


class Probe:
    """Times named steps; in a memory round also records each step's tracemalloc peak."""

    def __init__(self, trace: bool) -> None:
        self.trace = trace
        self.samples: dict[str, Sample] = {}

    def measure(self, name: str, step: Callable[[], Any]) -> Any:
        gc.collect()
        # Someone may already be tracing (python -X tracemalloc): then measure from here.
        outer = tracemalloc.is_tracing()
        base = 0
        if self.trace and outer:
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
        elif self.trace:
            tracemalloc.start()
        started = time.perf_counter()
        try:
            value = step()
        finally:
            seconds = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1] - base if self.trace else None
            if self.trace and not outer:
                tracemalloc.stop()
        self.samples[name] = Sample(seconds, peak)
        return value


@dataclass
class Setup:
    workdir: Path
    csv_path: Path
    contract: Contract
    at: datetime
    pg_engine: Engine | None = None
    import_only: bool = False


def _fresh_engine(path: Path) -> Engine:
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    ensure_schema(engine)
    return engine


def _copy_database(engine: Engine, path: Path) -> Engine:
    """A copy of the database (SQLite's backup API, WAL included), as a new engine."""
    path.unlink(missing_ok=True)
    engine.dispose()
    source = sqlite3.connect(str(engine.url.database))
    target = sqlite3.connect(str(path))
    with target:
        source.backup(target)
    source.close()
    target.close()
    return make_engine(f"sqlite:///{path}")


def _calendar(contract: Contract) -> BusinessCalendar:
    # A fresh calendar per run: its working-day caches start cold, as in one CLI invocation.
    return BusinessCalendar.from_config(contract.calendar)


def run_round(
    setup: Setup, probe: Probe, number: int, arrays: Arrays | None
) -> tuple[dict[str, Any], Arrays]:
    """Every measurement once, each on the database state it needs.

    Returns what was found (counts only) and the NumPy floor's input arrays, built from the
    first evaluation when not given. Nothing big outlives its measurement: a heap full of
    leftovers would make the garbage collector, and so every later measurement, slower than
    in a real `slamon` process.
    """
    found: dict[str, Any] = {}
    path = setup.workdir / f"r{number}"
    engine = _fresh_engine(path.with_suffix(".import.db"))
    found["import"] = _report_json(
        probe.measure(
            "import.first",
            lambda: import_tickets(
                engine, setup.csv_path, setup.contract, source=SOURCE, now=IMPORT_NOW
            ),
        )
    )
    found["import_again"] = _report_json(
        probe.measure(
            "import.again",
            lambda: import_tickets(
                engine, setup.csv_path, setup.contract, source=SOURCE, now=IMPORT_NOW
            ),
        )
    )
    split_engine = _copy_database(engine, path.with_suffix(".split.db"))

    parsed, rows = _measure_import_parts(setup, probe, path.with_suffix(".parts.db"))
    if setup.pg_engine is not None:
        pg_round(setup.pg_engine, setup.csv_path, parsed, probe.measure, SOURCE, IMPORT_NOW)
    del parsed
    raw = partial(_raw_executemany, path.with_suffix(".raw.db"), rows)
    probe.measure("baseline.sqlite_executemany", raw)
    into_ticket = _ticket_table_floor(path.with_suffix(".rawticket.db"), rows)
    del rows  # the partial and the closure hold them for as long as the measurements need
    probe.measure(TICKET_TABLE_BASELINE, into_ticket)
    del raw, into_ticket
    if setup.import_only:
        engine.dispose()
        split_engine.dispose()
        return found, arrays  # type: ignore[return-value]

    found["evaluation"], arrays = _measure_evaluation(engine, setup, probe, arrays)
    for phase in ("first", "second"):
        _measure_evaluation_parts(split_engine, setup.contract, setup.at, probe, phase)
    engine.dispose()
    split_engine.dispose()

    now = setup.at.timestamp()
    _deadline, status = probe.measure("baseline.numpy_status", lambda: numpy_status(arrays, now))
    found["evaluation"]["numpy_status_agreement"] = float(np.mean(status == arrays.expected))
    return found, arrays


def _measure_evaluation(
    engine: Engine, setup: Setup, probe: Probe, arrays: Arrays | None
) -> tuple[dict[str, Any], Arrays]:
    """run_evaluation twice on the imported tickets: the first run stores, the second not."""
    contract, at = setup.contract, setup.at
    first = probe.measure(
        "evaluation.first",
        lambda: run_evaluation(
            engine, ContractSet.single(contract, _calendar(contract)), at, store=True
        ),
    )
    found = {
        "tickets": len(first.tickets),
        "results": len(first.results),
        "status_counts": dict(Counter(result.status.value for result in first.results)),
        "first_run_stored": _counts_json(first.stored),
    }
    if arrays is None:
        arrays = build_arrays(first.tickets, contract, at, first.results)
    del first
    second = probe.measure(
        "evaluation.second",
        lambda: run_evaluation(
            engine, ContractSet.single(contract, _calendar(contract)), at, store=True
        ),
    )
    found["second_run_stored"] = _counts_json(second.stored)
    return found, arrays


def _measure_import_parts(
    setup: Setup, probe: Probe, path: Path
) -> tuple[list[dict[str, Any]], list[tuple[Any, ...]]]:
    """import_tickets in two parts: read + parse the file, then upsert in one transaction.

    Returns the parsed rows as dicts with datetimes (for the PostgreSQL floors), and as tuples
    in the stored form for the executemany floors (both made untimed). The parse part calls
    import_tickets' private helpers, as import_tickets itself does; if they are renamed, the
    smoke test (tests/bench) fails and says so.
    """
    engine = _fresh_engine(path)
    report = ImportReport(setup.csv_path, SOURCE)

    def parse() -> tuple[list[tuple[Any, ...]], list[str]]:
        table = read_table(setup.csv_path, _looks_like_header)
        columns = _columns(table, setup.csv_path)
        tickets: list[tuple[Any, ...]] = []
        fields = ticket_row_fields(["source", *columns.values()])
        for batch in parse_rows(table, columns, setup.contract, SOURCE, report, dialect="sqlite"):
            tickets.extend(batch.tickets.values())
            fields = batch.fields
        return tickets, fields

    tickets, fields = probe.measure("import.first.parse", parse)

    def upsert() -> None:
        # As import_tickets does it: one transaction, with the larger page cache, per batch.
        with engine.begin() as connection, bulk_page_cache(connection):
            for start in range(0, len(tickets), BATCH_ROWS):
                batch = tickets[start : start + BATCH_ROWS]
                upsert_ticket_rows(connection, fields, batch, IMPORT_NOW)

    probe.measure("import.first.upsert", upsert)
    engine.dispose()
    return _as_dicts(fields, tickets), _baseline_rows(fields, tickets)


def _as_dicts(fields: list[str], tickets: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Parsed rows as field → value, timestamps as aware datetimes (from SQLite's text)."""
    times = [name for name in fields if isinstance(TICKET_TABLE.c[name].type, UTCDateTime)]
    dicts = [dict(zip(fields, ticket, strict=True)) for ticket in tickets]
    for ticket in dicts:
        for name in times:
            text = ticket[name]
            ticket[name] = None if text is None else datetime.fromisoformat(text + "+00:00")
    return dicts


def _measure_evaluation_parts(
    engine: Engine, contract: Contract, at: datetime, probe: Probe, phase: str
) -> None:
    """run_evaluation's three parts as it runs them (in columns), each timed: load, the rules
    (monitor.rules.status_arrays; bench_evaluation.py --object-path times the per-Ticket path),
    store (+ the run row)."""
    calendar = _calendar(contract)
    loaded = probe.measure(f"evaluation.{phase}.load", lambda: load_ticket_columns(engine))
    results = probe.measure(
        f"evaluation.{phase}.evaluate",
        lambda: judge_loaded(loaded, ContractSet.single(contract, calendar), at).result_list(
            loaded.lazy_keys()
        ),
    )

    def store() -> None:
        with engine.begin() as connection:
            counts = store_result_columns(connection, results, loaded.pks, at)
            record_run(
                connection,
                evaluated_at=at,
                ran_at=IMPORT_NOW,
                contract=contract.name[:200],
                tickets=len(loaded),
                results=len(results),
                violations=results.violations(),
                changes=counts.changes,
            )

    probe.measure(f"evaluation.{phase}.store", store)


# --------------------------------------------------------------------------- baselines

_COLUMNS = (
    "source",
    *(column.name for column in TICKET_TABLE.columns if column.name not in ("id", "source")),
)


def _baseline_rows(fields: list[str], tickets: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The parsed tickets (bound for SQLite: timestamps already in slamon's stored text) as
    ready-to-bind tuples of every ticket column."""
    stamp = IMPORT_NOW.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    place = {name: index for index, name in enumerate(fields)}
    return [
        tuple(
            stamp
            if name in ("created_at", "updated_at")
            else ticket[place[name]]
            if name in place
            else None
            for name in _COLUMNS
        )
        for ticket in tickets
    ]


def _raw_executemany(path: Path, rows: list[tuple[Any, ...]]) -> None:
    """The floor for import: one executemany into a plain table with the ticket's columns."""
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(str(path))
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute(f"CREATE TABLE ticket (id INTEGER PRIMARY KEY, {', '.join(_COLUMNS)})")
    with connection:
        connection.executemany(
            f"INSERT INTO ticket ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
            rows,
        )
    connection.close()


def _ticket_table_floor(path: Path, rows: list[tuple[Any, ...]]) -> Callable[[], None]:
    """The second floor, ready to time: the same executemany into slamon's own ticket table,
    in a database the migrations made beforehand (untimed; its unique key and four indexes),
    with the pragmas and the page cache the import itself runs with."""
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    ensure_schema(engine)
    engine.dispose()

    def insert() -> None:
        connection = sqlite3.connect(str(path))
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
        marks = ", ".join("?" * len(_COLUMNS))
        with connection:
            connection.executemany(
                f"INSERT INTO ticket ({', '.join(_COLUMNS)}) VALUES ({marks})", rows
            )
        connection.close()

    return insert


@dataclass
class Arrays:
    """One row per (ticket, applicable target): epoch seconds, NaN where there is no time."""

    start: np.ndarray
    stop: np.ndarray
    closed: np.ndarray
    limit: np.ndarray
    fraction: np.ndarray
    expected: np.ndarray  # the status code slamon's rules decided, per row


_CODES = ("met", "breached", "at_risk", "pending", "not_started", "missing_evidence")


def build_arrays(
    tickets: list[Ticket], contract: Contract, at: datetime, results: list[TargetResult]
) -> Arrays:
    """The timestamp arrays the NumPy floor works on (built untimed, from the loaded tickets).

    A working-days limit is turned into seconds from the start here, with the calendar, so the
    timed pass is the same `deadline = start + limit` for every target.
    """
    calendar = _calendar(contract)
    columns: dict[str, list[float]] = {
        name: [] for name in ("start", "stop", "closed", "limit", "fraction")
    }
    nan = float("nan")

    def seconds(moment: datetime | None) -> float:
        return moment.timestamp() if moment is not None else nan

    for ticket in tickets:
        for target in targets_for(ticket, contract):
            start = ticket.event(target.start)
            columns["start"].append(seconds(start))
            columns["stop"].append(seconds(ticket.event(target.stop)))
            columns["closed"].append(seconds(ticket.closed_at))
            columns["limit"].append(_limit_seconds(ticket, target, start, calendar, contract, at))
            columns["fraction"].append(target.at_risk_fraction or contract.at_risk_fraction)
    arrays = {name: np.array(values, dtype=np.float64) for name, values in columns.items()}
    expected = np.array([_CODES.index(result.status.value) for result in results], dtype=np.int8)
    return Arrays(**arrays, expected=expected)


def _limit_seconds(
    ticket: Ticket,
    target: Target,
    start: datetime | None,
    calendar: BusinessCalendar,
    contract: Contract,
    at: datetime,
) -> float:
    if start is None or start > at:
        return float("nan") if target.limit.per_tb is not None else 0.0
    deadline = deadline_for(ticket, target, start, calendar, contract)
    return float("nan") if deadline is None else (deadline - start).total_seconds()


def numpy_status(arrays: Arrays, now: float) -> tuple[np.ndarray, np.ndarray]:
    """Deadlines and status codes (indices into _CODES) for every row, vectorised."""
    start = np.where(arrays.start <= now, arrays.start, np.nan)
    stop = np.where(arrays.stop <= now, arrays.stop, np.nan)
    closed = arrays.closed <= now
    deadline = start + arrays.limit
    warn = deadline - (deadline - start) * arrays.fraction
    no_start, no_deadline, stopped = np.isnan(start), np.isnan(deadline), ~np.isnan(stop)
    status = np.select(
        [
            no_start & closed,
            no_start,
            no_deadline & closed,
            no_deadline,
            stopped & (stop <= deadline),
            stopped,
            closed,
            now > deadline,
            now >= warn,
        ],
        [5, 4, 5, 3, 0, 1, 5, 1, 2],
        default=3,
    )
    return deadline, status


# --------------------------------------------------------------------------- report

# measurement → (what it is, its baseline)
_ROWS: dict[str, tuple[str, str | None]] = {
    "baseline.sqlite_executemany": ("raw sqlite3 executemany of the parsed rows", None),
    "import.first": ("import_tickets, fresh database", "baseline.sqlite_executemany"),
    "import.first.parse": ("  read + parse the file", "baseline.sqlite_executemany"),
    "import.first.upsert": ("  upsert_tickets (one transaction)", "baseline.sqlite_executemany"),
    "import.again": ("import_tickets, same file again (no-op)", "baseline.sqlite_executemany"),
    "baseline.numpy_status": ("NumPy deadline + status pass", None),
    "evaluation.first": ("run_evaluation, first run", "baseline.numpy_status"),
    "evaluation.first.load": ("  load_ticket_columns", "baseline.numpy_status"),
    "evaluation.first.evaluate": ("  column rules (batch_rules)", "baseline.numpy_status"),
    "evaluation.first.store": ("  store_result_columns + record_run", "baseline.numpy_status"),
    "evaluation.second": ("run_evaluation, second run (writes nothing)", "baseline.numpy_status"),
    "evaluation.second.load": ("  load_ticket_columns", "baseline.numpy_status"),
    "evaluation.second.evaluate": ("  column rules (batch_rules)", "baseline.numpy_status"),
    "evaluation.second.store": ("  store_result_columns + record_run", "baseline.numpy_status"),
}
# With --pg-url: the same import on PostgreSQL, against psycopg's COPY of the parsed rows.
_PG_ROWS: dict[str, tuple[str, str | None]] = {
    "baseline.pg_copy": ("raw psycopg COPY of the parsed rows (PostgreSQL)", None),
    "pg.import.first": ("import_tickets, empty PostgreSQL database", "baseline.pg_copy"),
    "pg.import.again": ("import_tickets, same file again (no-op)", "baseline.pg_copy"),
}
_ALL_ROWS = {**_ROWS, **_PG_ROWS}
# The second import floor: the raw driver into slamon's real ticket table (same schema, unique
# key and indexes, made by the migrations) rather than into a plain table. Kept out of the
# measurements (their baselines stay as they were); each import row also gets its ratio to it.
TICKET_TABLE_BASELINE = "baseline.sqlite_executemany_ticket"
PG_TICKET_TABLE_BASELINE = "baseline.pg_copy_ticket"
_TICKET_TABLE_BASELINES = {
    TICKET_TABLE_BASELINE: "raw sqlite3 executemany into slamon's ticket table",
    PG_TICKET_TABLE_BASELINE: "raw psycopg COPY into slamon's ticket table (PostgreSQL)",
}
_AGAINST_TICKET_TABLE = {
    "import.first": TICKET_TABLE_BASELINE,
    "import.first.parse": TICKET_TABLE_BASELINE,
    "import.first.upsert": TICKET_TABLE_BASELINE,
    "import.again": TICKET_TABLE_BASELINE,
    "pg.import.first": PG_TICKET_TABLE_BASELINE,
    "pg.import.again": PG_TICKET_TABLE_BASELINE,
}


def summarise(
    rounds: list[dict[str, Sample]], memory: dict[str, Sample] | None, tickets: int
) -> list[dict[str, Any]]:
    table = {name: row for name, row in _ALL_ROWS.items() if name in rounds[0]}
    medians = {name: statistics.median(r[name].seconds for r in rounds) for name in rounds[0]}
    summary = []
    for name, (what, baseline) in table.items():
        median = medians[name]
        summary.append(
            {
                "name": name,
                "what": what.strip(),
                "median_s": median,
                "runs_s": [r[name].seconds for r in rounds],
                "rows_per_s": tickets / median if median > 0 else None,
                "baseline": baseline,
                "ratio": median / medians[baseline] if baseline and medians[baseline] > 0 else None,
                "peak_tracemalloc_bytes": memory[name].peak_bytes if memory else None,
            }
        )
        second = _AGAINST_TICKET_TABLE.get(name)
        if second in medians and medians[second] > 0:
            summary[-1]["baseline_ticket_table"] = second
            summary[-1]["ratio_ticket_table"] = median / medians[second]
    return summary


def ticket_table_baselines(rounds: list[dict[str, Sample]]) -> list[dict[str, Any]]:
    """The second import floors (see _TICKET_TABLE_BASELINES), as measured in the same rounds."""
    return [
        {
            "name": name,
            "what": what,
            "median_s": statistics.median(r[name].seconds for r in rounds),
            "runs_s": [r[name].seconds for r in rounds],
        }
        for name, what in _TICKET_TABLE_BASELINES.items()
        if name in rounds[0]
    ]


def render(summary: list[dict[str, Any]], floors: list[dict[str, Any]] | None = None) -> str:
    """The table; `× ticket table` is the import rows' ratio to the second floor."""
    lines = [
        f"{'measurement':<46} {'median s':>9} {'rows/s':>11} {'× baseline':>11} {'peak MiB':>9}"
        f" {'× ticket table':>15}"
    ]
    for row in summary:
        what = _ALL_ROWS[row["name"]][0]
        ratio = f"{row['ratio']:.1f}" if row["ratio"] is not None else "(baseline)"
        peak = row["peak_tracemalloc_bytes"]
        second = row.get("ratio_ticket_table")
        lines.append(
            f"{what:<46} {row['median_s']:>9.3f} {row['rows_per_s'] or 0:>11,.0f} {ratio:>11} "
            f"{peak / 2**20 if peak is not None else float('nan'):>9.1f}"
            f" {f'{second:.1f}' if second is not None else '':>15}"
        )
    for floor in floors or []:
        lines.append(f"{floor['what']:<46} {floor['median_s']:>9.3f}  (second import floor)")
    return "\n".join(lines)


def _report_json(report: ImportReport) -> dict[str, int]:
    return {
        "rows_read": report.rows_read,
        "inserted": report.inserted,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": report.rejected_rows,
    }


def _counts_json(counts: Any) -> dict[str, int]:
    return {
        "inserted": counts.inserted,
        "updated": counts.updated,
        "removed": counts.removed,
        "changes": counts.changes,
    }


def _meta(args: argparse.Namespace, csv_path: Path, shapes: Counter[str]) -> dict[str, Any]:
    return {
        "tickets": args.tickets,
        "seed": args.seed,
        "repeat": args.repeat,
        "headers": args.headers,
        "at": AT.isoformat(),
        "csv_bytes": csv_path.stat().st_size,
        "generated": dict(shapes),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sqlalchemy.__version__,
        "numpy": np.__version__,
        "platform": platform.platform(),
        "machine": platform.machine(),
        "memory_method": MEMORY_METHOD,
        "rows_per_s_unit": "tickets in the generated file per second, for every measurement",
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--tickets", type=int, default=100_000, help="tickets to generate (100000)")
    parser.add_argument("--seed", type=int, default=42, help="generator seed (42)")
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed rounds; medians are printed (3)"
    )
    parser.add_argument("--headers", choices=("zh", "en"), default="zh", help="CSV header language")
    parser.add_argument(
        "--json", type=Path, default=DEFAULT_JSON, help=f"results file ({DEFAULT_JSON})"
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="where the CSV and databases go (default: a temporary directory)",
    )
    parser.add_argument(
        "--no-memory",
        action="store_true",
        help="skip the extra tracemalloc round (peak MiB is then not reported)",
    )
    parser.add_argument(
        "--pg-url",
        default=None,
        help="also import into this PostgreSQL database (emptied first) against COPY",
    )
    parser.add_argument(
        "--rss-import",
        type=int,
        default=None,
        metavar="N",
        help="only: import N generated rows in a child process and report its peak RSS",
    )
    parser.add_argument(
        "--import-only",
        action="store_true",
        help="only the import rows and their floors (no evaluation)",
    )
    parser.add_argument(
        "--evaluation-only",
        action="store_true",
        help="only evaluation against the NumPy floor, sized for 1,000,000 tickets "
        "(bench/bench_evaluation.py; --workdir keeps the imported database for the next run)",
    )
    args = parser.parse_args(argv)
    if args.tickets < 1 or args.repeat < 1:
        parser.error("--tickets and --repeat must be at least 1")
    return args


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the benchmark; prints the table, writes the JSON, and returns what it wrote."""
    args = parse_args(argv)
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        return _run(args, args.workdir)
    with tempfile.TemporaryDirectory(prefix="slamon-bench-") as temporary:
        return _run(args, Path(temporary))


def _run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    if args.evaluation_only:
        from bench_evaluation import DEFAULT_JSON as EVALUATION_JSON
        from bench_evaluation import run as run_evaluation_only

        if args.json == DEFAULT_JSON:  # core.json keeps the full benchmark's layout
            args.json = EVALUATION_JSON
        return run_evaluation_only(args, workdir)
    if args.rss_import is not None:
        return _run_rss(args, workdir)
    csv_path = workdir / f"tickets-{args.tickets}-{args.seed}.csv"
    print(f"generating {args.tickets:,} tickets (seed {args.seed}) → {csv_path}", flush=True)
    shapes = generate_csv(csv_path, args.tickets, args.seed, args.headers)
    setup = Setup(workdir, csv_path, load_contract(), AT, import_only=args.import_only)
    if args.pg_url:
        setup.pg_engine = pg_engine(args.pg_url)

    rounds: list[dict[str, Sample]] = []
    found: dict[str, Any] = {}
    arrays: Arrays | None = None
    for number in range(1, args.repeat + 1):
        print(f"round {number}/{args.repeat}", flush=True)
        probe = Probe(trace=False)
        found, arrays = run_round(setup, probe, number, arrays)
        rounds.append(probe.samples)
    memory: dict[str, Sample] | None = None
    if not args.no_memory:
        print("memory round (tracemalloc, not timed)", flush=True)
        probe = Probe(trace=True)
        run_round(setup, probe, 0, arrays)
        memory = probe.samples

    summary = summarise(rounds, memory, args.tickets)
    floors = ticket_table_baselines(rounds)
    document = {
        "meta": {**_meta(args, csv_path, shapes), "ru_maxrss_kib_end": _maxrss_kib()},
        **found,
        "measurements": summary,
        "ticket_table_baselines": floors,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    print()
    print(render(summary, floors))
    print(
        f"\npeak MiB: {MEMORY_METHOD}.\nprocess peak RSS (ru_maxrss) at the end: "
        f"{_maxrss_kib() / 1024:.0f} MiB\nresults: {args.json}"
    )
    return document


def _run_rss(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """The import's peak memory: N generated rows imported by a child process."""
    csv_path = workdir / f"tickets-{args.rss_import}-{args.seed}.csv"
    print(f"generating {args.rss_import:,} tickets (seed {args.seed}) → {csv_path}", flush=True)
    generate_csv(csv_path, args.rss_import, args.seed, args.headers)
    document = rss_import(csv_path, workdir, SOURCE)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(document, indent=1), encoding="utf-8")
    print(
        f"imported {document['rows']:,} rows ({document['csv_mib']:.0f} MiB CSV) in "
        f"{document['import_seconds']:.1f} s; peak RSS of the importing process "
        f"{document['peak_rss_mib']:.0f} MiB\nresults: {args.json}"
    )
    return document


def _maxrss_kib() -> int:
    # Linux reports kilobytes, macOS bytes.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss // 1024 if sys.platform == "darwin" else rss


if __name__ == "__main__":
    main()

"""The dashboard's overview with many tickets: its queries one by one, and a first render.

    python bench/bench_dashboard.py                          # 1,000,000 tickets
    python bench/bench_dashboard.py --tickets 20000 --json /tmp/dash.json

Fills a SQLite file with set-based INSERT … SELECT statements (a recursive CTE makes the
tickets, a join with the targets makes their results: a million rows in seconds, no Python
loop), then times, as of a fixed instant in the last generated month:

- each query of the 总览 page (monitor.views.* and the period scorecard), best of N;
- the 工单 page's search (monitor.views.search): a ticket id, a system and the violated
  tickets, each as any field, a first page of 50 with its total, best of N;
- the page's first render through Streamlit's AppTest in this process (a signed-in
  supervisor, a fresh session, nothing cached) and a second render.

Nothing here asserts a time; numbers are printed and written as JSON (bench/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, text  # noqa: E402

from monitor.contract.contract_set import ContractSet  # noqa: E402
from monitor.contract.model import load_contract  # noqa: E402
from monitor.domain.calendar import BusinessCalendar  # noqa: E402
from monitor.domain.periods import parse_period  # noqa: E402
from monitor.domain.viewer import Role, Viewer  # noqa: E402
from monitor.runs.scorecard import period_scorecard  # noqa: E402
from monitor.storage.db import ensure_schema, make_engine  # noqa: E402
from monitor.views.measures import availability_for  # noqa: E402
from monitor.views.overview import (  # noqa: E402
    collectors_health,
    last_evaluation,
    open_clocks,
    open_incidents,
    violations_by_period,
)
from monitor.views.search import TicketQuery, search_tickets  # noqa: E402

ZONE = ZoneInfo("Asia/Shanghai")
AT = datetime(2025, 6, 15, 12, 0, tzinfo=ZONE)
YEARS = 4  # tickets are reported over the four years before AT
OPEN = 2000  # the newest tickets are still open
SUPERVISOR = Viewer("bench", Role.SUPERVISOR)
OPERATOR = Viewer("bench-op", Role.OPERATOR, pools=("二云",))
STAMP = "%Y-%m-%d %H:%M:%S.000000"  # how UTCDateTime stores an instant in SQLite (UTC)

# A deterministic pseudo-random number in [0, m) for ticket i and a salt.
R = "(((i * 2654435761 + {salt} * 40503) % 1000003) % {m})"

TICKETS_SQL = f"""
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count),
g AS (
  SELECT i,
    :first + (i * :span) / :count + {R.format(salt=1, m=600)} AS reported,
    {R.format(salt=2, m=100)} AS kind_roll,
    {R.format(salt=3, m=100)} AS severity_roll,
    {R.format(salt=4, m=535)} AS system_no,
    CASE WHEN {R.format(salt=10, m=100)} < 97 THEN 120 + {R.format(salt=5, m=1500)}
         ELSE 1800 + {R.format(salt=5, m=3600)} END AS respond,
    300 + {R.format(salt=6, m=1560)} AS arrive,
    CASE WHEN {R.format(salt=7, m=100)} < 95 THEN 1800 + {R.format(salt=8, m=5000)}
         ELSE 10000 + {R.format(salt=9, m=40000)} END AS restore
  FROM n
)
INSERT INTO ticket (source, ticket_id, kind, severity, pool, operator, user_unit, system, title,
  reported_at, responded_at, arrived_at, user_notified_at, restored_at, report_submitted_at,
  closed_at, restore_size_gb, created_at, updated_at)
SELECT 'bench', printf('B-%07d', i),
  CASE WHEN kind_roll < 40 THEN 'fault' WHEN kind_roll < 70 THEN 'monitoring'
       WHEN kind_roll < 85 THEN 'anomaly' WHEN kind_roll < 90 THEN 'restore' ELSE 'request' END,
  CASE WHEN kind_roll >= 40 THEN NULL WHEN severity_roll < 5 THEN 'major'
       WHEN severity_roll < 20 THEN 'significant' ELSE 'general' END,
  CASE WHEN i % 2 = 0 THEN '一云' ELSE '二云' END,
  CASE WHEN i % 2 = 0 THEN '一云运营单位' ELSE '二云运营单位' END,
  printf('单位%03d', system_no % 176), printf('系统%03d', system_no), printf('工单标题 %d', i),
  strftime('{STAMP}', reported, 'unixepoch'),
  strftime('{STAMP}', reported + respond, 'unixepoch'),
  strftime('{STAMP}', reported + arrive, 'unixepoch'),
  CASE WHEN kind_roll BETWEEN 70 AND 84 THEN strftime('{STAMP}', reported + respond * 20,
    'unixepoch') END,
  CASE WHEN i <= :count - {OPEN} THEN strftime('{STAMP}', reported + restore, 'unixepoch') END,
  CASE WHEN i <= :count - {OPEN} AND kind_roll < 40
    THEN strftime('{STAMP}', reported + restore + 86400, 'unixepoch') END,
  CASE WHEN i <= :count - {OPEN} THEN strftime('{STAMP}', reported + restore + 3600, 'unixepoch')
    END,
  CASE WHEN kind_roll BETWEEN 85 AND 89 THEN 100 + system_no END,
  strftime('{STAMP}', reported, 'unixepoch'), strftime('{STAMP}', reported, 'unixepoch')
FROM g
"""

# (target, kind, severity or NULL for any, start column, stop column, limit in seconds)
TARGETS = [
    ("major.arrival", "fault", "major", "reported_at", "arrived_at", 1800),
    ("major.restore", "fault", "major", "reported_at", "restored_at", 7200),
    ("major.report", "fault", "major", "restored_at", "report_submitted_at", 3 * 86400),
    ("significant.restore", "fault", "significant", "reported_at", "restored_at", 4 * 3600),
    ("anomaly.feedback", "anomaly", None, "reported_at", "user_notified_at", 86400),
    ("monitoring.response", "monitoring", None, "reported_at", "responded_at", 1800),
    ("monitoring.complete", "monitoring", None, "reported_at", "restored_at", 8 * 3600),
    ("restore.response", "restore", None, "reported_at", "responded_at", 7200),
]


def results_sql(target: tuple[str, str, str | None, str, str, int], at: str) -> str:
    """INSERT … SELECT of one target's results: met, breached, pending or at risk."""
    target_id, kind, severity, start, stop, limit = target
    deadline = f"strftime('{STAMP}', {start}, '+{limit} seconds')"
    late = f"CAST((julianday({stop}) - julianday({deadline})) * 86400 AS INTEGER)"
    open_late = f"CAST((julianday('{at}') - julianday({deadline})) * 86400 AS INTEGER)"
    severity_clause = f"AND severity = '{severity}'" if severity else ""
    return f"""
    INSERT INTO target_result (ticket_pk, target_id, status, start, deadline, stop,
      overdue_seconds, at_risk_from, status_since, first_violation_at)
    SELECT id, '{target_id}',
      CASE WHEN {start} IS NULL THEN 'not_started'
           WHEN {stop} IS NOT NULL AND {stop} <= {deadline} THEN 'met'
           WHEN {stop} IS NOT NULL THEN 'breached'
           WHEN {deadline} < '{at}' THEN 'breached'
           WHEN strftime('{STAMP}', {start}, '+{int(limit * 0.8)} seconds') <= '{at}'
             THEN 'at_risk'
           ELSE 'pending' END,
      {start}, CASE WHEN {start} IS NOT NULL THEN {deadline} END, {stop},
      CASE WHEN {stop} IS NOT NULL THEN max(0, {late}) ELSE max(0, {open_late}) END,
      NULL, '{at}',
      CASE WHEN ({stop} IS NOT NULL AND {stop} > {deadline})
             OR ({stop} IS NULL AND {deadline} < '{at}') THEN {deadline} END
    FROM ticket WHERE kind = '{kind}' {severity_clause}
    """


def fill(engine: Engine, count: int) -> dict[str, Any]:
    """Tickets over YEARS before AT, their results, and one evaluation run, set-based."""
    first = int((AT - timedelta(days=365 * YEARS)).timestamp())
    span = int(AT.timestamp()) - 3 * 3600 - first
    at_text = AT.astimezone(ZoneInfo("UTC")).strftime(STAMP)
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(text(TICKETS_SQL), {"count": count, "first": first, "span": span})
        for target in TARGETS:
            connection.execute(text(results_sql(target, at_text)))
        connection.execute(
            text(
                "INSERT INTO evaluation_run (evaluated_at, ran_at, contract, tickets, results, "
                "violations, changes) SELECT :at, :at, 'bench', :count, count(*), "
                "sum(status IN ('breached', 'missing_evidence')), 0 FROM target_result"
            ),
            {"at": at_text, "count": count},
        )
        counts = dict(
            connection.execute(
                text("SELECT status, count(*) FROM target_result GROUP BY status")
            ).all()
        )
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
    return {"seconds": round(time.perf_counter() - started, 1), "results": counts}


def best_of(function: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return round(min(times), 4)


def time_queries(engine: Engine, repeat: int) -> dict[str, float]:
    contract = load_contract()
    calendar = BusinessCalendar.from_config(contract.calendar)
    period = parse_period(AT.strftime("%Y-%m"), ZONE)
    months = [parse_period(f"{year}-{month:02d}", ZONE) for year, month in _last_months(12)]
    steps: dict[str, Callable[[], object]] = {
        "scorecard (period_scorecard, month)": lambda: period_scorecard(
            engine, ContractSet.single(contract, calendar), period, AT
        ),
        "open_incidents": lambda: open_incidents(engine, SUPERVISOR),
        "open_clocks": lambda: open_clocks(engine, SUPERVISOR),
        "violations_by_period (12 months)": lambda: violations_by_period(
            engine, SUPERVISOR, months
        ),
        "violations_by_period (12 months, operator)": lambda: violations_by_period(
            engine, OPERATOR, months
        ),
        "availability_for": lambda: availability_for(engine, contract, SUPERVISOR, period, AT),
        "collectors_health": lambda: collectors_health(engine, AT),
        "last_evaluation": lambda: last_evaluation(engine),
    }
    timings = {name: best_of(step, repeat) for name, step in steps.items()}
    timings["sum of the overview's queries"] = round(sum(timings.values()), 4)
    return timings


def time_searches(engine: Engine, repeat: int, tickets: int) -> dict[str, float]:
    """The 工单 page's searches, each a first page of 50 with its total, as a supervisor."""
    middle = f"B-{tickets // 2:07d}"
    queries = {
        f"search a ticket id ({middle})": TicketQuery(text=middle),
        "search a system (系统123)": TicketQuery(text="系统123"),
        "search violated tickets": TicketQuery(state="violated"),
        "search a system, operator": TicketQuery(text="系统123"),
    }
    return {
        name: best_of(
            lambda q=query, n=name: search_tickets(
                engine, OPERATOR if n.endswith("operator") else SUPERVISOR, q, AT
            ),
            repeat,
        )
        for name, query in queries.items()
    }


def _last_months(count: int) -> list[tuple[int, int]]:
    year, month = AT.year, AT.month
    months = []
    for _ in range(count):
        months.insert(0, (year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def _render(app: Any) -> float:
    started = time.perf_counter()
    app.run()
    seconds = time.perf_counter() - started
    if app.exception:
        raise RuntimeError(app.exception[0].value)
    assert [title.value for title in app.title] == ["总览"], "the overview did not render"
    return round(seconds, 3)


def time_first_render(url: str) -> dict[str, float]:
    """The overview through AppTest as a signed-in supervisor.

    "cold process" is the very first session of a fresh Python process (it pays for importing
    pandas, Altair and Streamlit's script machinery, once per server start); "first render"
    is a new session on a running server — a new AppTest in the same process, nothing cached
    but the engine (st.cache_resource), exactly as a browser opening the dashboard sees it.
    """
    os.environ["SLAMON_DATABASE_URL"] = url
    os.environ["SLAMON_DASHBOARD_AT"] = AT.isoformat()
    from streamlit.testing.v1 import AppTest

    def session() -> Any:
        app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
        app.session_state["viewer"] = SUPERVISOR
        return app

    cold = _render(session())
    firsts = [_render(session()) for _ in range(3)]
    warm = session()
    _render(warm)
    return {
        "cold process first render": cold,
        "first render (new session, best of 3)": min(firsts),
        "first render (new session, worst of 3)": max(firsts),
        "rerun of a session": _render(warm),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, default=ROOT / "bench/results/dashboard.json")
    parser.add_argument("--db", type=Path, default=None, help="keep the database at this path")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = options.db or Path(folder) / "bench.db"
        path.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
        engine = make_engine(url)
        ensure_schema(engine)
        print(f"filling {options.tickets:,} tickets into {path} …", flush=True)
        filled = fill(engine, options.tickets)
        print(f"  {filled['seconds']} s; results {filled['results']}", flush=True)
        queries = time_queries(engine, options.repeat)
        queries |= time_searches(engine, options.repeat, options.tickets)
        for name, seconds in queries.items():
            print(f"  {name:45s} {seconds:8.3f} s")
        engine.dispose()
        render = time_first_render(url)
        for name, seconds in render.items():
            print(f"  overview {name:36s} {seconds:8.3f} s")
    document = {
        "meta": {
            "tickets": options.tickets,
            "at": AT.isoformat(),
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "fill": filled,
        },
        "queries_best_of_seconds": queries,
        "apptest_seconds": render,
    }
    options.json.parent.mkdir(parents=True, exist_ok=True)
    options.json.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"written {options.json}")


if __name__ == "__main__":
    main()

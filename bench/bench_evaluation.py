"""Evaluation at scale: run_evaluation's column path against the NumPy floor, 1,000,000 tickets.

    python bench/bench_evaluation.py                          # 1,000,000 tickets, 3 rounds
    python bench/bench_evaluation.py --tickets 100000 --object-path   # + the per-Ticket path
    python bench/bench_core.py --evaluation-only --tickets 1000000    # the same, from bench_core

Generates bench_core's deterministic tickets, imports them once (kept in --workdir, reused when
it already holds the same tickets), then times on copies of that database: load_ticket_columns,
the column rules (monitor.rules.status_arrays, the scalar rules for tickets with a history), making
the
TargetResult objects, store_result_columns on an empty result table and again with nothing
changed, and run_evaluation end to end, first and second run. The floor is bench_core's NumPy
deadline + status pass over the same (ticket, target) timestamp arrays; every row's ratio is
against it. With --object-path, the previous per-Ticket path (load_tickets, rules.evaluate,
store_results) is timed too, for before/after. Peak memory is the process's ru_maxrss. Nothing
asserts a time.
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_core import (
    AT,
    IMPORT_NOW,
    SOURCE,
    Arrays,
    _calendar,
    _maxrss_kib,
    generate_csv,
    numpy_status,
)

from collectors.tickets.file_import import import_tickets
from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract, load_contract
from monitor.domain.columns import ResultColumns
from monitor.domain.instants import MISSING
from monitor.rules.status import evaluate as evaluate_rules
from monitor.runs.evaluate import judge_loaded, run_evaluation
from monitor.storage.columnar.results import store_result_columns
from monitor.storage.columnar.tickets import LoadedColumns, load_ticket_columns
from monitor.storage.db import ensure_schema, make_engine
from monitor.storage.results import store_results
from monitor.storage.tickets import load_tickets

DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "evaluation.json"
FLOOR = "floor.numpy_status"
ROWS: dict[str, str] = {
    FLOOR: "NumPy deadline + status pass (the floor)",
    "columns.evaluate": "column rules (batch_rules + scalar fallback)",
    "columns.results": "  making the TargetResult objects",
    "columns.load": "load_ticket_columns",
    "columns.store.first": "store_result_columns, empty result table",
    "columns.store.second": "store_result_columns, nothing changed",
    "run_evaluation.first": "run_evaluation, first run (stores all)",
    "run_evaluation.second": "run_evaluation, second run (writes nothing)",
    "objects.load": "before: load_tickets (a Ticket per row)",
    "objects.evaluate": "before: rules.evaluate",
    "objects.store.first": "before: store_results, empty result table",
    "objects.store.second": "before: store_results, nothing changed",
}


def timed(samples: dict[str, float], name: str, step: Callable[[], Any]) -> Any:
    """Wall seconds in samples[name], this process's CPU seconds in samples["cpu:" + name]
    (on a shared machine the CPU time moves less; SQLite's work is in it, PostgreSQL's not)."""
    gc.collect()
    started, cpu = time.perf_counter(), time.process_time()
    value = step()
    samples[name] = time.perf_counter() - started
    samples[f"cpu:{name}"] = time.process_time() - cpu
    return value


def floor_arrays(loaded: LoadedColumns, found: ResultColumns) -> Arrays:
    """bench_core's floor input, built from the column path's own (ticket, target) rows."""

    def seconds(values: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        return np.where(values == MISSING, np.nan, values / 1e6)

    start, deadline = seconds(found.start), seconds(found.deadline)
    contract = load_contract()
    fractions = np.array(
        [t.at_risk_fraction or contract.at_risk_fraction for t in contract.targets]
    )
    return Arrays(
        start=start,
        stop=seconds(found.stop),
        closed=seconds(loaded.columns.events["closed_at"][found.row]),
        limit=np.where(np.isnan(start), 0.0, deadline - start),
        fraction=fractions[found.target],
        expected=found.status.copy(),
    )


class Databases:
    """Where the rounds run: copies of one imported SQLite file, or on PostgreSQL (--pg-url)
    databases made from one imported template database."""

    def __init__(self, workdir: Path, pg_url: str | None) -> None:
        self.workdir = workdir
        self.pg_url = pg_url
        self.source: Path | str = ""
        self.copies: set[str] = set()

    def prepare(self, tickets: int, seed: int, contract: Contract) -> None:
        if self.pg_url is None:
            self.source = prepare(self.workdir, tickets, seed, contract)
            return
        self.source = f"slamon_bench_{tickets}_{seed}"
        admin = make_engine(self.pg_url).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            exists = connection.exec_driver_sql(
                "SELECT 1 FROM pg_database WHERE datname = %s", (self.source,)
            ).first()
        admin.dispose()
        if exists:
            print(f"reusing PostgreSQL database {self.source}", flush=True)
            return
        csv_path = self.workdir / f"tickets-{tickets}-{seed}.csv"
        print(f"generating {tickets:,} tickets (seed {seed}) → {csv_path}", flush=True)
        generate_csv(csv_path, tickets, seed)
        partial = f"{self.source}_partial"
        _recreate(self.pg_url, partial)
        engine = make_engine(_with_database(self.pg_url, partial))
        ensure_schema(engine)
        started = time.perf_counter()
        import_tickets(engine, csv_path, contract, source=SOURCE, now=IMPORT_NOW)
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
        print(f"imported in {time.perf_counter() - started:.1f} s", flush=True)
        engine.dispose()
        _recreate(self.pg_url, self.source, template=partial)
        _drop(self.pg_url, partial)
        csv_path.unlink()

    def copy(self, name: str) -> Any:
        if self.pg_url is None:
            assert isinstance(self.source, Path)
            return copy_of(self.source, name)
        database = f"{self.source}_{name.split('.')[0].replace('-', '_')}"
        _recreate(self.pg_url, database, template=str(self.source))
        self.copies.add(database)
        return make_engine(_with_database(self.pg_url, database))

    def drop_copies(self) -> None:
        """The rounds' PostgreSQL databases (the imported template is kept for next time)."""
        for database in sorted(self.copies):
            assert self.pg_url is not None
            _drop(self.pg_url, database)
        self.copies.clear()


def _with_database(url: str, database: str) -> str:
    return str(make_url(url).set(database=database))


def _drop(url: str, database: str) -> None:
    admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    admin.dispose()


def _recreate(url: str, database: str, template: str | None = None) -> None:
    _drop(url, database)
    admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        copied = f' TEMPLATE "{template}"' if template else ""
        connection.exec_driver_sql(f'CREATE DATABASE "{database}"{copied}')
    admin.dispose()


def prepare(workdir: Path, tickets: int, seed: int, contract: Contract) -> Path:
    """The imported database for these tickets, made once per workdir."""
    database = workdir / f"evaluation-{tickets}-{seed}.db"
    if database.exists():
        print(f"reusing {database}", flush=True)
        return database
    csv_path = workdir / f"tickets-{tickets}-{seed}.csv"
    print(f"generating {tickets:,} tickets (seed {seed}) → {csv_path}", flush=True)
    generate_csv(csv_path, tickets, seed)
    partial = database.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{partial}")
    ensure_schema(engine)
    started = time.perf_counter()
    import_tickets(engine, csv_path, contract, source=SOURCE, now=IMPORT_NOW)
    print(f"imported in {time.perf_counter() - started:.1f} s", flush=True)
    engine.dispose()
    partial.rename(database)
    csv_path.unlink()
    return database


def copy_of(database: Path, name: str) -> Any:
    target = database.with_name(name)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(database, target)
    return make_engine(f"sqlite:///{target}")


def column_parts(
    database: Databases, contract: Contract, samples: dict[str, float]
) -> dict[str, Any]:
    """run_evaluation's parts on the column path, and the floor over the same rows."""
    engine = database.copy("round.db")
    loaded = timed(samples, "columns.load", lambda: load_ticket_columns(engine))
    calendar = _calendar(contract)
    results = timed(
        samples,
        "columns.evaluate",
        lambda: judge_loaded(loaded, ContractSet.single(contract, calendar), AT).result_list(
            loaded.lazy_keys()
        ),
    )
    arrays = floor_arrays(loaded, results.columns)
    now = AT.timestamp()
    _deadline, status = timed(samples, FLOOR, lambda: numpy_status(arrays, now))
    found: dict[str, Any] = {
        "tickets": len(loaded),
        "results": len(results),
        "numpy_floor_agreement": float(np.mean(status == arrays.expected)),
    }

    def store() -> Any:
        with engine.begin() as connection:
            return store_result_columns(connection, results, loaded.pks, AT)

    for phase in ("first", "second"):
        counts = timed(samples, f"columns.store.{phase}", store)
        found[f"store_{phase}"] = [counts.inserted, counts.updated, counts.removed, counts.changes]
    timed(samples, "columns.results", results.made)
    engine.dispose()
    return found


def object_parts(database: Databases, contract: Contract, samples: dict[str, float]) -> None:
    """The previous path: a Ticket per row, rules.evaluate, store_results."""
    engine = database.copy("round-objects.db")
    stored = timed(samples, "objects.load", lambda: load_tickets(engine))
    calendar = _calendar(contract)
    plain = timed(
        samples, "objects.evaluate", lambda: evaluate_rules(stored.tickets, contract, calendar, AT)
    )

    def store() -> None:
        with engine.begin() as connection:
            store_results(connection, plain, stored.primary_keys, AT)

    for phase in ("first", "second"):
        timed(samples, f"objects.store.{phase}", store)
    engine.dispose()


def one_round(
    database: Databases, contract: Contract, object_path: bool
) -> tuple[dict[str, float], dict[str, Any]]:
    samples: dict[str, float] = {}
    found = column_parts(database, contract, samples)
    engine = database.copy("round-run.db")
    for phase in ("first", "second"):
        timed(
            samples,
            f"run_evaluation.{phase}",
            lambda: (
                run_evaluation(engine, ContractSet.single(contract, _calendar(contract)), AT).stored
            ),
        )
    engine.dispose()
    if object_path:
        object_parts(database, contract, samples)
    return samples, found


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    parser.add_argument("--workdir", type=Path, default=None, help="keeps the imported database")
    parser.add_argument(
        "--object-path", action="store_true", help="also time the per-Ticket path (slow)"
    )
    parser.add_argument(
        "--pg-url",
        default=None,
        help="run on PostgreSQL: a URL of a server database to connect to for creating the "
        "bench databases (slamon_bench_<tickets>_<seed> is kept as the template)",
    )
    args = parser.parse_args(argv)
    if args.workdir is None:
        with tempfile.TemporaryDirectory(prefix="slamon-bench-eval-") as temporary:
            return run(args, Path(temporary))
    args.workdir.mkdir(parents=True, exist_ok=True)
    return run(args, args.workdir)


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    contract = load_contract()
    database = Databases(workdir, getattr(args, "pg_url", None))
    database.prepare(args.tickets, args.seed, contract)
    rounds = []
    found: dict[str, Any] = {}
    for number in range(1, args.repeat + 1):
        print(f"round {number}/{args.repeat}", flush=True)
        samples, found = one_round(database, contract, getattr(args, "object_path", False))
        rounds.append(samples)
    database.drop_copies()
    medians = {name: statistics.median(r[name] for r in rounds) for name in rounds[0]}
    floor = medians[FLOOR]
    measurements = [
        {
            "name": name,
            "what": what.strip(),
            "median_s": medians[name],
            "runs_s": [r[name] for r in rounds],
            "baseline": None if name == FLOOR else FLOOR,
            "ratio": None if name == FLOOR else medians[name] / floor,
            "cpu_median_s": medians[f"cpu:{name}"],
        }
        for name, what in ROWS.items()
        if name in medians
    ]
    document = {
        "meta": {
            "tickets": args.tickets,
            "seed": args.seed,
            "repeat": args.repeat,
            "at": AT.isoformat(),
            "numpy": np.__version__,
            "python": sys.version.split()[0],
            "ru_maxrss_mib": _maxrss_kib() / 1024,
            "database": "postgresql" if getattr(args, "pg_url", None) else "sqlite",
        },
        "evaluation": found,
        "measurements": measurements,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(document, indent=1), encoding="utf-8")
    print(f"\n{'measurement':<48} {'median s':>9} {'× floor':>9} {'CPU s':>7}")
    for row in measurements:
        ratio = "(floor)" if row["ratio"] is None else f"{row['ratio']:.1f}"
        print(
            f"{ROWS[row['name']]:<48} {row['median_s']:>9.3f} {ratio:>9} "
            f"{row['cpu_median_s']:>7.3f}"
        )
    print(
        f"\n{found['tickets']:,} tickets, {found['results']:,} results; floor agrees on "
        f"{found['numpy_floor_agreement']:.4%} of statuses; peak RSS {_maxrss_kib() / 1024:.0f} "
        f"MiB\nresults: {args.json}"
    )
    return document


if __name__ == "__main__":
    main()

"""Import the whole real ServiceNow event log with the servicenow profile: rows/s and memory.

    python bench/bench_servicenow.py                      # the zip in ../shared/data
    python bench/bench_servicenow.py --csv incident_event_log.csv --json /tmp/sn.json

Rounds, each into a fresh SQLite database: the timed first import, the same file again (every
event already stored), then an evaluation of every ticket as of 2017-06-01 (the log ends in
February 2017); and one untimed round under tracemalloc for Python's peak allocation.
ru_maxrss (the process's resident peak, SQLite included) is read right after the timed import.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
import tracemalloc
import zipfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from collectors.tickets.profile import load_profile  # noqa: E402
from collectors.tickets.profile_import import import_with_profile  # noqa: E402
from monitor.contract.model import load_contract  # noqa: E402
from monitor.domain.calendar import BusinessCalendar  # noqa: E402
from monitor.rules.status import evaluate  # noqa: E402
from monitor.storage.db import ensure_schema, make_engine  # noqa: E402
from monitor.storage.tickets import load_tickets  # noqa: E402

DEFAULT_ZIP = ROOT.parent / "shared/data/incident_event_log.zip"
IMPORTED_AT = datetime(2024, 1, 1, tzinfo=UTC)
EVALUATED_AT = datetime(2017, 6, 1, tzinfo=UTC)


def extract(zip_path: Path, into: Path) -> Path:
    with zipfile.ZipFile(zip_path) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".csv"))
        archive.extract(name, into)
    return into / name


def import_once(csv_path: Path, database: Path) -> tuple[float, Any, Any]:
    engine = make_engine(f"sqlite:///{database}")
    ensure_schema(engine)
    profile, contract = load_profile("servicenow"), load_contract()
    began = time.perf_counter()
    report = import_with_profile(
        engine, csv_path, profile, contract, source="servicenow", now=IMPORTED_AT
    )
    return time.perf_counter() - began, report, engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zip", type=Path, default=DEFAULT_ZIP)
    parser.add_argument("--csv", type=Path, default=None, help="an already extracted CSV")
    parser.add_argument("--json", type=Path, default=ROOT / "bench/results/servicenow.json")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc round")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        workdir = Path(work)
        csv_path = args.csv or extract(args.zip, workdir)
        seconds, report, engine = import_once(csv_path, workdir / "first.db")
        rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        began = time.perf_counter()
        again = import_with_profile(
            engine,
            csv_path,
            load_profile("servicenow"),
            load_contract(),
            source="servicenow",
            now=IMPORTED_AT,
        )
        again_seconds = time.perf_counter() - began
        contract = load_contract()
        calendar = BusinessCalendar.from_config(contract.calendar)
        began = time.perf_counter()
        tickets = load_tickets(engine).tickets
        loaded_seconds = time.perf_counter() - began
        results = evaluate(tickets, contract, calendar, EVALUATED_AT)
        evaluated_seconds = time.perf_counter() - began
        engine.dispose()
        peak_mib = None
        if not args.no_memory:
            tracemalloc.start()
            import_once(csv_path, workdir / "traced.db")[2].dispose()
            peak_mib = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
    pauses = Counter(p.reason for t in tickets for p in t.pauses)
    summary = {
        "rows_read": report.rows_read,
        "rows_skipped": report.rows_skipped,
        "rows_rejected": report.rejected_rows,
        "tickets": report.tickets,
        "tickets_inserted": report.counts.inserted,
        "events_stored": report.counts.events_new,
        "import_seconds": round(seconds, 2),
        "import_rows_per_second": round(report.rows_read / seconds),
        "import_ru_maxrss_mib": round(rss_mib, 1),
        "import_tracemalloc_peak_mib": round(peak_mib, 1) if peak_mib is not None else None,
        "reimport_seconds": round(again_seconds, 2),
        "reimport_events_new": again.counts.events_new,
        "reimport_tickets_changed": again.counts.inserted + again.counts.updated,
        "load_seconds": round(loaded_seconds, 2),
        "load_and_evaluate_seconds": round(evaluated_seconds, 2),
        "results": len(results),
        "statuses": dict(Counter(r.status.value for r in results)),
        "tickets_with_pauses": sum(1 for t in tickets if t.pauses),
        "pauses_by_reason": dict(pauses),
        "tickets_reopened": sum(1 for t in tickets if t.reopens),
        "tickets_with_severity_changes": sum(1 for t in tickets if t.severity_changes),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    width = max(map(len, summary))
    for key, value in summary.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()

"""Every benchmark in bench/, one command: one table of medians, ratios and peak memory.

    python bench/run_all.py                         # sized for a 2-core machine: a few minutes
    python bench/run_all.py --full                  # the goal sizes (1,000,000 tickets …)
    python bench/run_all.py --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    python bench/run_all.py --compare old-all.json  # also print the change against an older run

Each benchmark runs as its own subprocess (the same Python), writing its JSON into
--out-dir; its peak resident memory is that process's ru_maxrss, read with os.wait4. Rows are
then taken from those JSON files: the median, the baseline it is set against (measured in the
same run, by the same script) and the ratio. A benchmark whose tool is missing (Prometheus,
the ServiceNow log, PostgreSQL) is listed as skipped with the reason; it does not fail the run.
The whole document goes to --json (bench/results/all.json), to compare commits with --compare.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run_all_rows import EXTRACTORS, GOALS, compare, render  # noqa: E402

ROOT = HERE.parent
SERVICENOW_ZIP = ROOT.parent / "shared" / "data" / "incident_event_log.zip"
BENCH_DATABASE = "slamon_bench"  # created afresh on the --pg-url server; never the tests' one


@dataclass
class Sizes:
    tickets: int
    repeat: int
    memory_rows: int
    resources: int
    days: int
    service_tickets: int
    samples: int
    dashboard_tickets: int
    idle_hosts: int = 200
    idle_days: int = 60


DEFAULT = Sizes(20_000, 3, 100_000, 200, 7, 20_000, 3, 100_000)
# Idle at 1,000 hosts × 90 days (17 M quarter hours): a year takes ~30 min just to write.
FULL = Sizes(1_000_000, 1, 1_000_000, 1_000, 30, 1_000_000, 10, 1_000_000, 1_000, 90)
NAMES = ("core", "import_memory", "availability", "servicenow", "service", "dashboard", "idle")


def commands(args: argparse.Namespace, sizes: Sizes, pg_url: str | None) -> dict[str, Any]:
    """benchmark → (argv, None) or (None, why it is skipped)."""
    out = args.out_dir
    python = sys.executable
    pg = ["--pg-url", pg_url] if pg_url else []
    found: dict[str, Any] = {
        "core": [
            python, str(HERE / "bench_core.py"), "--tickets", str(sizes.tickets),
            "--repeat", str(sizes.repeat), "--seed", str(args.seed), "--no-memory",
            "--json", str(out / "core.json"), *pg,
        ],
        "import_memory": [
            python, str(HERE / "bench_core.py"), "--rss-import", str(sizes.memory_rows),
            "--seed", str(args.seed), "--json", str(out / "import_memory.json"),
        ],
        "availability": [
            python, str(HERE / "bench_availability.py"), "--resources", str(sizes.resources),
            "--days", str(sizes.days), "--repeat", str(max(3, sizes.repeat)),
            "--json", str(out / "availability.json"), *pg,
        ],
        "servicenow": [
            python, str(HERE / "bench_servicenow.py"), "--zip", str(args.servicenow_zip),
            "--no-memory", "--json", str(out / "servicenow.json"),
        ],
        "service": [
            python, str(HERE / "bench_service.py"), "--tickets", str(sizes.service_tickets),
            "--samples", str(sizes.samples), "--scrapes", str(max(3, sizes.samples)),
            "--seed", str(args.seed), "--json", str(out / "service.json"),
        ],
        "dashboard": [
            python, str(HERE / "bench_dashboard.py"), "--tickets", str(sizes.dashboard_tickets),
            "--repeat", str(max(3, sizes.repeat)), "--json", str(out / "dashboard.json"),
        ],
        "idle": [
            python, str(HERE / "bench_idle.py"), "--hosts", str(sizes.idle_hosts),
            "--days", str(sizes.idle_days), "--repeat", str(sizes.repeat),
            "--seed", str(args.seed), "--json", str(out / "idle.json"), *pg,
        ],
    }  # fmt: skip
    if shutil.which("prometheus") is None or shutil.which("promtool") is None:
        found["availability"] = "Prometheus/promtool not installed (apt-get install prometheus)"
    if not args.servicenow_zip.is_file():
        found["servicenow"] = f"the ServiceNow event log is not at {args.servicenow_zip}"
    return found


def fresh_pg_database(url: str | None) -> tuple[str | None, str | None]:
    """A new, empty database next to `url`'s (the URL for it), or None and why not."""
    if not url:
        return None, "no --pg-url given (or SLAMON_BENCH_PG_URL): PostgreSQL rows skipped"
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    try:
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {BENCH_DATABASE}"))
        admin.dispose()
    except Exception as error:  # any driver or server problem: say it and go on without
        return None, f"PostgreSQL at {url} not usable ({str(error).splitlines()[0]}): skipped"
    database_url = make_url(url).set(database=BENCH_DATABASE)
    return database_url.render_as_string(hide_password=False), None


def run_one(name: str, argv: list[str], log: Path) -> dict[str, Any]:
    """Run a benchmark to its end; its seconds, exit code and the process's peak RSS."""
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as output:
        process = subprocess.Popen(argv, stdout=output, stderr=subprocess.STDOUT, cwd=ROOT)
        try:
            _pid, status, usage = os.wait4(process.pid, 0)
        except BaseException:
            process.kill()
            process.wait()
            raise
        process.returncode = os.waitstatus_to_exitcode(status)
    # Linux reports ru_maxrss in KiB, macOS in bytes.
    rss_kib = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    return {
        "name": name,
        "argv": argv,
        "exit_code": process.returncode,
        "seconds": round(time.perf_counter() - started, 1),
        "peak_rss_mib": round(rss_kib / 1024, 1),
        "log": str(log),
    }


def machine() -> dict[str, Any]:
    memory = None
    if hasattr(os, "sysconf") and "SC_PHYS_PAGES" in os.sysconf_names:
        memory = round(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30, 1)
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gib": memory,
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--full", action="store_true", help="the goal sizes (slow)")
    parser.add_argument("--only", default=",".join(NAMES), help=f"comma list of {NAMES}")
    for field, help_text in (
        ("tickets", "bench_core tickets"),
        ("repeat", "timed rounds"),
        ("memory-rows", "rows of the import whose peak RSS is measured"),
        ("resources", "availability resources"),
        ("days", "availability days (1-30)"),
        ("service-tickets", "tickets behind slamon serve"),
        ("samples", "breach-latency samples"),
        ("dashboard-tickets", "tickets behind the dashboard"),
        ("idle-hosts", "hosts of the idle check"),
        ("idle-days", "days of quarter-hour rollups of the idle check"),
    ):
        parser.add_argument(f"--{field}", type=int, help=f"{help_text} (overrides the preset)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--pg-url", default=os.environ.get("SLAMON_BENCH_PG_URL"))
    parser.add_argument("--servicenow-zip", type=Path, default=SERVICENOW_ZIP)
    parser.add_argument("--out-dir", type=Path, default=HERE / "results" / "all")
    parser.add_argument("--json", type=Path, default=HERE / "results" / "all.json")
    parser.add_argument("--compare", type=Path, help="an older all.json to compare against")
    args = parser.parse_args(argv)
    unknown = set(args.only.split(",")) - set(NAMES)
    if unknown:
        parser.error(f"unknown benchmark(s) {sorted(unknown)}; choose from {NAMES}")
    return args


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    preset = FULL if args.full else DEFAULT
    sizes = Sizes(
        **{
            name: getattr(args, name) if getattr(args, name) is not None else value
            for name, value in vars(preset).items()
        }
    )
    args.out_dir.mkdir(parents=True, exist_ok=True)
    pg_url, pg_skipped = fresh_pg_database(args.pg_url)
    planned = commands(args, sizes, pg_url)
    runs: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    if pg_skipped:
        skipped["postgresql"] = pg_skipped
    for name in args.only.split(","):
        plan = planned[name]
        if isinstance(plan, str):
            skipped[name] = plan
            print(f"[{name}] skipped: {plan}", flush=True)
            continue
        print(f"[{name}] {' '.join(plan[1:])}", flush=True)
        run = run_one(name, plan, args.out_dir / f"{name}.log")
        runs.append(run)
        if run["exit_code"] != 0:
            tail = Path(run["log"]).read_text(encoding="utf-8", errors="replace")[-2000:]
            skipped[name] = f"failed with exit code {run['exit_code']} (see {run['log']})"
            print(f"[{name}] FAILED, exit {run['exit_code']}:\n{tail}", flush=True)
            continue
        print(f"[{name}] {run['seconds']} s, peak RSS {run['peak_rss_mib']} MiB", flush=True)
        document = json.loads((args.out_dir / f"{name}.json").read_text(encoding="utf-8"))
        rows.extend(EXTRACTORS[name](document, run["peak_rss_mib"], pg_url is not None))
    result = {
        "meta": {
            "machine": machine(),
            "sizes": vars(sizes),
            "preset": "full" if args.full else "default",
            "seed": args.seed,
            "postgresql": pg_url is not None,
            "finished_at_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "command": " ".join(["python", "bench/run_all.py", *(argv or sys.argv[1:])]),
        },
        "runs": runs,
        "skipped": skipped,
        "rows": rows,
        "goals": [goal(rows) for goal in GOALS],
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print()
    print(render(result))
    if args.compare:
        old = json.loads(args.compare.read_text(encoding="utf-8"))
        print()
        print(compare(old, result))
    print(f"\nresults: {args.json}")
    return result


if __name__ == "__main__":
    main()

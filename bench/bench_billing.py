"""The billing check of a month's statement against the inventory, beside a plain SQL join.

    python bench/bench_billing.py                         # 50,000 resources, 100,000 lines
    python bench/bench_billing.py --resources 5000 --lines 10000 --repeat 3
    python bench/bench_billing.py --pg-url postgresql+psycopg://postgres@127.0.0.1/slamon_bench
    python bench/bench_billing.py --workdir /tmp/billing --reuse   # time again on the rows written
    python bench/bench_billing.py --profile /tmp/billing.prof      # cProfile of billing_check

Generates a deterministic month (March 2024, Asia/Shanghai): an inventory of N virtual
machines in two pools (some put in service or reclaimed during the month; most with a vCPU数,
some blank, a few recording fewer vCPUs than are billed), a catalogue with
pool prices, a price change and a `use` item, and a statement of M lines (a VM line and a
vCPU line per resource, a few `use` lines) with every kind of discrepancy planted: resources
the inventory lacks, days outside the service life, wrong prices, wrong amounts, duplicates,
counted items billed twice, vCPUs beyond the inventory's spec. Files are imported with the real
importers (untimed), then:

- `cli_json`: `slamon billing check --period 2024-03 --format json` as a user runs it
  (a fresh process: start-up, reads, the check and the JSON written to a file);
- `billing_check`: `monitor.runs.billing.billing_check` in this process (reads and check);
- `check_statement`: the pure check alone on rows already read;
- baseline `plain_join`: one SELECT of the statement's lines LEFT JOIN the inventory LEFT
  JOIN the catalogue's items (the same rows the check reads), fetched in full.

Medians over --repeat rounds of wall and of CPU seconds (the process's own, and the CLI
child's): the machine is shared, and CPU time is what the neighbours disturb least. Ratios are
medians over the baseline's median, same run.
Nothing asserts a time. The disputed total is printed so runs can be compared for results.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, text  # noqa: E402

from collectors.records.catalogue import import_catalogue  # noqa: E402
from collectors.records.resources import import_resources  # noqa: E402
from collectors.records.statements import import_statement  # noqa: E402
from monitor.billing.check import check_statement  # noqa: E402
from monitor.contract.model import Contract, load_contract  # noqa: E402
from monitor.domain.periods import parse_period  # noqa: E402
from monitor.runs.billing import billing_check, idle_in  # noqa: E402
from monitor.runs.period_measures import idle_report  # noqa: E402
from monitor.storage.billing import load_catalogue, load_statement  # noqa: E402
from monitor.storage.db import ensure_schema, make_engine  # noqa: E402
from monitor.storage.resources import load_resources_with_specs  # noqa: E402

PERIOD = "2024-03"
AT = datetime(2024, 4, 5, tzinfo=UTC)
CONTRACT = ROOT / "config" / "contracts" / "default.yaml"
PLAIN_JOIN = """
SELECT s.line, s.resource_id, s.item_code, s.quantity, s.billed_days, s.unit_price, s.amount,
       r.in_service_from, r.reclaimed_at, r.vcpu, c.unit_price AS catalogue_price, c.measure
FROM statement_line s
LEFT JOIN resource r ON r.resource_id = s.resource_id
LEFT JOIN catalogue_item c ON c.item_code = s.item_code AND c.pool IN ('', s.pool)
     AND c.valid_from <= '2024-03-01' AND (c.valid_until IS NULL OR c.valid_until > '2024-03-01')
WHERE s.period = :period
ORDER BY s.source, s.line
"""
CATALOGUE = """服务项编码,服务项名称,计量单位,单价,计量依据,生效日期,失效日期,资源池
VM,云主机,台·月,420.00,count,2024-01-01,2024-03-16,一云
VM,云主机,台·月,399.50,count,2024-03-16,,一云
VM,云主机,台·月,410.00,count,2024-01-01,,二云
CPU,计算资源,vCPU·月,35.10,vcpu,2024-01-01,,
DRILL,应急演练,次,5000,use,2024-01-01,,
"""


def write_month(folder: Path, resources: int, lines: int) -> None:
    """The inventory, catalogue and statement files of the month (seeded: same sizes, same
    rows)."""
    rng = random.Random(15)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "catalogue.csv").write_text(CATALOGUE, encoding="utf-8")
    inventory = ["resource_id,class,pool,user_unit,system,status,in_service_from,reclaimed_at,vcpu"]
    # Its own seed: the statement's planted discrepancies stay those of the same seed.
    spec_rng = random.Random(17)
    spans = {}
    for index in range(resources):
        pool = "一云" if index % 3 else "二云"
        since, until = "2023-06-01 00:00", ""
        roll = rng.random()
        if roll < 0.03:
            since = f"2024-03-{rng.randint(2, 28):02d} 09:30"
        elif roll < 0.06:
            until = f"2024-03-{rng.randint(2, 28):02d} 18:00"
        spans[index] = (pool, since, until)
        unit, system = f"单位{index % 40:02d}", f"系统{index % 400:03d}"
        spec_roll = spec_rng.random()
        vcpu = "" if spec_roll < 0.1 else "2" if spec_roll < 0.11 else "4"
        inventory.append(f"VM-{index:06d},vm,{pool},{unit},{system},在用,{since},{until},{vcpu}")
    (folder / "resources.csv").write_text("\n".join(inventory) + "\n", encoding="utf-8")
    rows = ["结算期,资源池,运营单位,使用单位,业务系统,资源编号,服务项编码,数量,计费天数,单价,金额"]
    for number in range(lines):
        index = (number // 2) % resources
        pool, _, _ = spans[index]
        resource = f"VM-{index:06d}"
        unit, system = f"单位{index % 40:02d}", f"系统{index % 400:03d}"
        if number % 997 == 0:
            rows.append(f"{PERIOD},{pool},甲运营,{unit},{system},,DRILL,1,,5000,5000.00")
            continue
        item, quantity, price = ("VM", "1", "420.00") if number % 2 == 0 else ("CPU", "4", "35.10")
        if item == "VM" and pool == "二云":
            price = "410.00"
        roll = rng.random()
        if roll < 0.01:
            resource = f"VM-X{number:06d}"  # not in the inventory
        elif roll < 0.02:
            price = str(float(price) + 10)  # not the catalogue's price
        elif roll < 0.03 and item == "VM":
            quantity = "2"  # a counted item billed twice over
        amount = float(quantity) * float(price)
        if rng.random() < 0.01:
            amount *= 10  # the arithmetic is wrong
        rows.append(
            f"{PERIOD},{pool},甲运营,{unit},{system},{resource},{item},{quantity},31,{price},"
            f"{amount:.2f}"
        )
    (folder / "statement.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def fill(engine: Engine, folder: Path, contract: Contract) -> None:
    now = AT
    for step, importer in (
        ("catalogue.csv", import_catalogue),
        ("resources.csv", import_resources),
        ("statement.csv", import_statement),
    ):
        started = time.perf_counter()
        report = importer(engine, folder / step, contract, source="bench", now=now)
        print(f"  imported {step}: {report.inserted} rows in {time.perf_counter() - started:.1f} s")


def _cpu() -> float:
    """CPU seconds of this process and its finished children: the machine is shared, so
    wall time alone mostly measures the neighbours."""
    used = os.times()
    return used.user + used.system + used.children_user + used.children_system


def timed(action: Callable[[], Any], repeat: int) -> tuple[tuple[float, float], Any]:
    """Median wall and CPU seconds of `action` over `repeat` rounds, and its last result."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        started, cpu = time.perf_counter(), _cpu()
        result = action()
        walls.append(time.perf_counter() - started)
        cpus.append(_cpu() - cpu)
    return (statistics.median(walls), statistics.median(cpus)), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=50_000)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg-url", default=None, help="PostgreSQL instead of SQLite")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--reuse", action="store_true", help="time the rows already written")
    parser.add_argument("--profile", type=Path, default=None, help="cProfile billing_check here")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-billing-"))
    workdir.mkdir(parents=True, exist_ok=True)
    url = args.pg_url or f"sqlite:///{workdir / 'billing.db'}"
    contract = load_contract(CONTRACT)
    period = parse_period(PERIOD, contract.zone)
    engine = make_engine(url)
    ensure_schema(engine)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT count(*) FROM statement_line")).scalar_one()
    if not (args.reuse and stored == args.lines):
        if stored:
            raise SystemExit(f"{url} already holds a statement; use a fresh --workdir or --reuse")
        print(f"writing {args.resources} resources and {args.lines} statement lines to {url}")
        write_month(workdir / "files", args.resources, args.lines)
        fill(engine, workdir / "files", contract)

    results: dict[str, tuple[float, float]] = {}
    results["plain_join"], joined = timed(lambda: _plain_join(engine), args.repeat)
    results["billing_check"], check = timed(
        lambda: billing_check(engine, contract, period, AT), args.repeat
    )
    statement, catalogue = load_statement(engine, PERIOD), load_catalogue(engine)
    resources, specs = load_resources_with_specs(engine)
    idle = idle_in(idle_report(engine, contract, period, AT), period)
    results["check_statement"], alone = timed(
        lambda: check_statement(
            PERIOD, contract.zone, statement, resources, catalogue, idle=idle, specs=specs
        ),
        args.repeat,
    )
    output = workdir / "check.json"
    results["cli_json"], _ = timed(lambda: _cli(url, output), args.repeat)
    written = json.loads(output.read_text(encoding="utf-8"))
    assert len(joined) == len(check.verdicts) == len(alone.verdicts) == args.lines
    assert (
        written["disputed_total"] == f"{check.disputed_total:.2f}" == f"{alone.disputed_total:.2f}"
    )

    if args.profile:
        cProfile.runctx(
            "billing_check(engine, contract, period, AT)", globals(), locals(), str(args.profile)
        )
        print(f"profile written to {args.profile} (python -m pstats {args.profile})")
    base_wall, base_cpu = results["plain_join"]
    print(
        f"\n{args.lines} statement lines, {args.resources} resources, "
        f"{'PostgreSQL' if args.pg_url else 'SQLite'}; median of {args.repeat}"
    )
    print(f"billed {check.billed_total:.2f} 元, disputed {check.disputed_total:.2f} 元")
    print(f"{'step':<18}{'wall s':>9}{'× join':>8}{'CPU s':>9}{'× join':>8}")
    for name, (wall, cpu) in results.items():
        print(f"{name:<18}{wall:>9.2f}{wall / base_wall:>8.1f}{cpu:>9.2f}{cpu / base_cpu:>8.1f}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": platform.node(),
                    "cpus": os.cpu_count(),
                    "database": "postgresql" if args.pg_url else "sqlite",
                    "resources": args.resources,
                    "lines": args.lines,
                    "disputed_total": f"{check.disputed_total:.2f}",
                    "seconds": {name: wall for name, (wall, _) in results.items()},
                    "cpu_seconds": {name: cpu for name, (_, cpu) in results.items()},
                },
                indent=1,
            )
        )


def _plain_join(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        return connection.execute(text(PLAIN_JOIN), {"period": PERIOD}).all()


def _cli(url: str, output: Path) -> None:
    environment = {**os.environ, "SLAMON_DATABASE_URL": url}
    environment.pop("SLAMON_CONTRACT", None)
    command = [sys.executable, "-m", "monitor", "billing", "check", "--period", PERIOD,
               "--format", "json", "--at", AT.isoformat()]  # fmt: skip
    with output.open("w", encoding="utf-8") as file:
        subprocess.run(command, env=environment, stdout=file, check=True, cwd=ROOT)


if __name__ == "__main__":
    main()

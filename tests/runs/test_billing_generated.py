"""A generated month through the real importers into SQLite and PostgreSQL: an inventory put in
service and reclaimed at any hour, a catalogue with a pool's own price, a mid-month price change
(to a price at which many amounts come to an exact half fen), a vCPU item with up to 6 decimals
and a `use` item, and a statement with one discrepancy planted per line. Every line's class and
disputed amount are worked out here from the rules alone: a day is billable when
[in_service_from, reclaimed_at) meets that local day; amounts are quantity × price × days ÷ days
of the month as exact fractions, half-up to the fen."""

from __future__ import annotations

import calendar
import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from collectors.records.catalogue import import_catalogue
from collectors.records.resources import import_resources
from collectors.records.statements import import_statement
from monitor.contract.model import Contract
from monitor.domain.periods import parse_period
from monitor.report.billing import billing_json
from monitor.runs.billing import billing_check

KINDS = ("ok", "outside", "price", "arithmetic", "duplicate", "quantity", "vcpu", "ghost")


def fen(value: Fraction) -> Decimal:
    """Half-up to the fen (every value here is zero or more)."""
    return Decimal(math.floor(value * 100 + Fraction(1, 2))) / 100


def prorated(quantity: int, price: Decimal, days: int, month_days: int) -> Decimal:
    return fen(quantity * Fraction(price) * days / month_days)


@dataclass
class Month:
    period: str
    first: date
    days: int
    zone: ZoneInfo

    def billable_days(self, since: datetime | None, until: datetime | None) -> list[date]:
        """The local days that [since, until) meets."""
        found = []
        for offset in range(self.days):
            day = self.first + timedelta(days=offset)
            start = datetime(day.year, day.month, day.day, tzinfo=self.zone)
            end = start + timedelta(days=1)
            if (since is None or since < end) and (until is None or until > start):
                found.append(day)
        return found


Expected = tuple[int, str | None, str, Decimal]  # line, resource, code, disputed


def generated(
    seed: int, contract: Contract, tmp_path: Path
) -> tuple[str, list[Expected], list[tuple[str, int]]]:
    """Writes the three files; returns the period, each line as expected, and the resources
    expected unbilled with their days in service."""
    rng = random.Random(seed)
    period = rng.choice(["2023-02", "2024-02", "2024-03", "2024-04", "2024-06"])
    year, number = (int(part) for part in period.split("-"))
    month = Month(
        period, date(year, number, 1), calendar.monthrange(year, number)[1], contract.zone
    )
    change = month.first + timedelta(days=14)  # the general VM price changes on the 15th

    def price(places: int) -> Decimal:
        return Decimal(rng.randint(10**places, 900 * 10**places)).scaleb(-places)

    vm_before, vm_pool2 = price(2), price(2)
    # From the 15th an odd number of days at an odd multiple of (days of the month ÷ 200)
    # comes to an exact half fen, which rounds up.
    vm_after = Decimal(rng.randrange(1, 60001, 2) * month.days) / 200
    cpu, drill = price(6), price(2)
    catalogue = [
        "item_code,name,unit,unit_price,measure,valid_from,valid_until,pool",
        f"VM,云主机,台·月,{vm_before},count,2023-01-01,{change},",
        f"VM,云主机,台·月,{vm_after},count,{change},,",
        f"VM,云主机,台·月,{vm_pool2},count,2023-01-01,,二云",
        f"CPU,计算资源,vCPU·月,{cpu},vcpu,2023-01-01,,",
        f"DRILL,应急演练,次,{drill},use,2023-01-01,,",
    ]
    resources = ["resource_id,class,pool,user_unit,system,in_service_from,reclaimed_at,vcpu"]
    header = "period,pool,operator,user_unit,system,resource_id,item_code,quantity,billed_days,"
    statement = [header + "unit_price,amount"]
    expected: list[Expected] = []
    unbilled: list[tuple[str, int]] = []

    def bill(resource_id: str, pool: str, item: str, quantity: int, days: int | None,
             unit_price: Decimal, amount: Decimal) -> int:  # fmt: skip
        statement.append(
            f"{period},{pool},甲运营,市教育局,学籍系统,{resource_id},{item},{quantity},"
            f"{'' if days is None else days},{unit_price},{amount}"
        )
        return len(statement)  # the file's line number (the header is line 1)

    def moment(day: date) -> datetime:
        hour, minute = rng.randint(0, 23), rng.choice([0, 1, 30, 59])
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=month.zone)

    for index in range(40):
        resource_id, pool = f"VM-{index:03d}", rng.choice(["一云", "二云"])
        since = moment(month.first - timedelta(days=rng.choice([400, 1]))) if rng.random() < 0.6 \
            else moment(month.first + timedelta(days=rng.randint(0, month.days - 1)))  # fmt: skip
        until = None
        if rng.random() < 0.4:
            until = since + timedelta(hours=rng.randint(1, 40 * 24))
        served = month.billable_days(since, until)
        if not served:
            until = None
            served = month.billable_days(since, until)
        vcpu = rng.choice([None, 2, 4, 8])
        resources.append(
            f"{resource_id},vm,{pool},市教育局,学籍系统,{since:%Y-%m-%d %H:%M},"
            f"{'' if until is None else f'{until:%Y-%m-%d %H:%M}'},{vcpu or ''}"
        )
        kind = rng.choice((*KINDS, "unbilled"))
        if kind == "vcpu" and vcpu is None:
            kind = "ok"
        if kind == "outside" and len(served) == month.days:
            kind = "ok"
        if kind == "unbilled":
            unbilled.append((resource_id, len(served)))
            continue
        days = len(served)
        vm = vm_pool2 if pool == "二云" else (vm_before if served[0] < change else vm_after)
        allowed = prorated(1, vm, days, month.days)
        if kind == "ok":
            line = bill(resource_id, pool, "VM", 1, days, vm, allowed)
            expected.append((line, resource_id, "ok", Decimal(0)))
        elif kind == "outside":
            amount = prorated(1, vm, month.days, month.days)
            line = bill(resource_id, pool, "VM", 1, month.days, vm, amount)
            expected.append((line, resource_id, "outside_service_life", amount - allowed))
        elif kind == "price":
            dearer = vm + Decimal("1.5")
            amount = prorated(1, dearer, days, month.days)
            line = bill(resource_id, pool, "VM", 1, days, dearer, amount)
            expected.append((line, resource_id, "price_mismatch", amount - allowed))
        elif kind == "arithmetic":
            line = bill(resource_id, pool, "VM", 1, days, vm, allowed + Decimal("0.01"))
            expected.append((line, resource_id, "arithmetic_error", Decimal("0.01")))
        elif kind == "duplicate":
            first = bill(resource_id, pool, "VM", 1, days, vm, allowed)
            again = bill(resource_id, pool, "VM", 1, days, vm, allowed)
            expected += [
                (first, resource_id, "ok", Decimal(0)),
                (again, resource_id, "duplicate_line", allowed),
            ]
        elif kind == "quantity":
            amount = prorated(2, vm, days, month.days)
            line = bill(resource_id, pool, "VM", 2, days, vm, amount)
            expected.append((line, resource_id, "quantity_mismatch", amount - allowed))
        elif kind == "vcpu":
            assert vcpu is not None
            amount = prorated(2 * vcpu, cpu, days, month.days)
            line = bill(resource_id, pool, "CPU", 2 * vcpu, days, cpu, amount)
            excess = amount - prorated(vcpu, cpu, days, month.days)
            expected.append((line, resource_id, "quantity_mismatch", excess))
        else:  # a resource the inventory lacks, billed instead of this one
            unbilled.append((resource_id, len(served)))
            ghost = f"GHOST-{index}"
            line = bill(ghost, pool, "VM", 1, month.days, vm, prorated(1, vm, 1, 1))
            expected.append((line, ghost, "not_in_inventory", prorated(1, vm, 1, 1)))
    uses = rng.randint(1, 3)
    line = bill("", "一云", "DRILL", uses, None, drill, fen(uses * Fraction(drill)))
    expected.append((line, None, "ok", Decimal(0)))
    for name, rows in (
        ("catalogue.csv", catalogue),
        ("resources.csv", resources),
        ("statement.csv", statement),
    ):
        (tmp_path / name).write_text("\n".join(rows) + "\n", encoding="utf-8")
    return period, expected, unbilled


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_generated_month_is_classified_exactly_to_the_fen(
    engine: Engine, contract: Contract, tmp_path: Path, seed: int
) -> None:
    period, lines, unbilled = generated(seed, contract, tmp_path)
    now = datetime(2024, 12, 1, tzinfo=UTC)
    for importer, name in (
        (import_catalogue, "catalogue.csv"),
        (import_resources, "resources.csv"),
        (import_statement, "statement.csv"),
    ):
        report = importer(engine, tmp_path / name, contract, source="甲运营", now=now)
        assert report.exit_code == 0, report.problems
    document = billing_json(
        billing_check(engine, contract, parse_period(period, contract.zone), now)
    )
    found = [
        (row["line"], row["resource_id"], row["code"], Decimal(row["disputed"]))
        for row in document["lines"]
    ]
    assert found == sorted(lines)
    assert Decimal(document["disputed_total"]) == sum(disputed for *_, disputed in lines)
    assert 0 <= Decimal(document["disputed_total"]) <= Decimal(document["billed_total"])
    assert [
        (row["resource_id"], row["in_service_days"]) for row in document["unbilled_inventory"]
    ] == sorted(unbilled)

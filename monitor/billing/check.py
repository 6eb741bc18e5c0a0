"""Classifying an operator's statement lines (结算清单) and the amount each puts in dispute.

A line's allowed amount is what the inventory, the catalogue and the arithmetic allow: the
quantity the inventory supports × the catalogue's price in force × the days the resource was in
service ÷ the days of the month, rounded half-up to the fen (a `use` item: quantity × price).
Its disputed amount is what it bills beyond that, never less than zero.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from monitor.domain.billing import CatalogueItem, Measure, StatementLine
from monitor.domain.resources import Resource
from monitor.measures.idle import IdleFinding
from monitor.measures.service_life import first_service_day, last_service_day

FEN = Decimal("0.01")
ZERO = Decimal(0)
NONE_IN_FORCE = "none in force"  # the catalogue price's evidence when no price is in force


class Code(StrEnum):
    """A line's class; the values are part of the JSON interface. Listed by precedence: a line
    with several is shown under the first."""

    DUPLICATE_LINE = "duplicate_line"
    NOT_IN_INVENTORY = "not_in_inventory"
    OUTSIDE_SERVICE_LIFE = "outside_service_life"
    QUANTITY_MISMATCH = "quantity_mismatch"
    PRICE_MISMATCH = "price_mismatch"
    ARITHMETIC_ERROR = "arithmetic_error"
    IDLE_BILLED = "idle_billed"  # a finding: billed while found idle past the grace period
    OK = "ok"
    UNBILLED_INVENTORY = "unbilled_inventory"  # shown, not disputed

    @property
    def zh(self) -> str:
        return _ZH[self]

    @property
    def en(self) -> str:
        return _EN[self]

    def label(self, lang: str) -> str:
        """The class's name for people in `lang` ("zh" or "en")."""
        return _ZH[self] if lang == "zh" else _EN[self]


_ZH = {
    Code.DUPLICATE_LINE: "重复计费",
    Code.NOT_IN_INVENTORY: "资源不在台账",
    Code.OUTSIDE_SERVICE_LIFE: "超出服务期计费",
    Code.QUANTITY_MISMATCH: "数量不符",
    Code.PRICE_MISMATCH: "单价不符",
    Code.ARITHMETIC_ERROR: "金额计算错误",
    Code.IDLE_BILLED: "闲置仍计费",
    Code.OK: "无异议",
    Code.UNBILLED_INVENTORY: "在用未计费",
}
_EN = {
    Code.DUPLICATE_LINE: "duplicate line",
    Code.NOT_IN_INVENTORY: "not in the inventory",
    Code.OUTSIDE_SERVICE_LIFE: "billed outside its service life",
    Code.QUANTITY_MISMATCH: "quantity differs",
    Code.PRICE_MISMATCH: "price differs",
    Code.ARITHMETIC_ERROR: "amount miscalculated",
    Code.IDLE_BILLED: "billed while idle",
    Code.OK: "no dispute",
    Code.UNBILLED_INVENTORY: "in service, not billed",
}
_RANK = {code: rank for rank, code in enumerate(Code)}
_FINDINGS = frozenset({Code.IDLE_BILLED, Code.OK})  # shown without a dispute


def to_fen(value: Decimal) -> Decimal:
    """Rounded half-up to the fen, as the statements' amounts are."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def prorated(quantity: Decimal, price: Decimal, share: tuple[Decimal, int]) -> Decimal:
    """quantity × price × share (a numerator and a denominator: billed days ÷ the month's
    days), half-up to the fen. Worked in whole numbers because a Decimal 1 ÷ 30 is already
    rounded: 151.35 × (1 ÷ 30) would come out just below 5.045 and round to 5.04."""
    parts = (quantity.as_integer_ratio(), price.as_integer_ratio(), share[0].as_integer_ratio())
    numerator, denominator = 100, share[1]
    for top, bottom in parts:
        numerator, denominator = numerator * top, denominator * bottom
    fen, rest = divmod(abs(numerator), denominator)
    if 2 * rest >= denominator:
        fen += 1
    return Decimal(-fen if numerator < 0 else fen).scaleb(-2)


@dataclass(frozen=True, slots=True)
class LineVerdict:
    """One statement line, its classes (the first is its code), the evidence and the dispute."""

    line: StatementLine
    codes: tuple[Code, ...]
    allowed: Decimal  # what the inventory, the catalogue and the arithmetic allow, to the fen
    disputed: Decimal
    evidence: dict[str, str]

    @property
    def code(self) -> Code:
        return self.codes[0]


@dataclass(frozen=True, slots=True)
class Total:
    lines: int = 0
    billed: Decimal = ZERO
    disputed: Decimal = ZERO

    @classmethod
    def of(cls, verdicts: Sequence[LineVerdict]) -> Total:
        return cls(
            len(verdicts),
            sum((v.line.amount for v in verdicts), ZERO),
            sum((v.disputed for v in verdicts), ZERO),
        )


@dataclass(frozen=True, slots=True)
class BillingCheck:
    period: str
    verdicts: list[LineVerdict]
    unbilled: list[tuple[Resource, int]]  # in service on some days of the month, never billed
    by_pool: dict[str, Total] = field(default_factory=dict)
    by_operator: dict[str, Total] = field(default_factory=dict)
    by_user_unit: dict[str, Total] = field(default_factory=dict)
    by_item: dict[str, Total] = field(default_factory=dict)

    @property
    def billed_total(self) -> Decimal:
        return sum((v.line.amount for v in self.verdicts), ZERO)

    @property
    def disputed_total(self) -> Decimal:
        return sum((v.disputed for v in self.verdicts), ZERO)

    def count(self, code: Code) -> int:
        return self.counts()[code]

    def counts(self) -> dict[Code, int]:
        """The lines of each class (by their first code) and the unbilled resources, every
        class listed, in one pass over the lines."""
        found = Counter(v.codes[0] for v in self.verdicts)
        counts = {code: found[code] for code in Code}
        counts[Code.UNBILLED_INVENTORY] = len(self.unbilled)
        return counts


@dataclass(frozen=True, slots=True)
class _Month:
    first: date
    days: int
    zone: ZoneInfo
    # Service days by resource: a resource is on a line for each item it is billed for.
    served: dict[str, tuple[int, date | None]] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, period: str, zone: ZoneInfo) -> _Month:
        year, month = (int(part) for part in period.split("-"))
        return cls(date(year, month, 1), calendar.monthrange(year, month)[1], zone)

    def days_in_service(self, resource: Resource) -> tuple[int, date | None]:
        """The month's local days on which the resource was in service at some moment
        (in_service_from ≤ t < reclaimed_at), and the first of them."""
        first, last = 0, self.days - 1
        first_day = first_service_day(resource, self.zone)
        if first_day is not None:
            first = max(first, (first_day - self.first).days)
        last_day = last_service_day(resource, self.zone)
        if last_day is not None:
            last = min(last, (last_day - self.first).days)
        count = max(0, last - first + 1)
        return count, (self.first + timedelta(days=first) if count else None)


def check_statement(
    period: str,
    zone: ZoneInfo,
    lines: Sequence[StatementLine],
    resources: Iterable[Resource],
    catalogue: Sequence[CatalogueItem],
    *,
    idle: Mapping[str, IdleFinding] | None = None,
    specs: Mapping[str, Mapping[str, Decimal]] | None = None,
    measured: Mapping[str, Mapping[str, Decimal]] | None = None,
) -> BillingCheck:
    """Classify every line of `period`'s statement. `idle` holds the idle rule's violations by
    resource (idle past the grace period), `specs` the inventory's vcpu / memory_gb /
    storage_gb per resource where it records them, `measured` the same as the month's
    capacity metrics peaked, where a capacity metric is collected."""
    month = _Month.of(period, zone)
    inventory = {r.resource_id: r for r in resources}
    prices: dict[str, list[CatalogueItem]] = {}
    for item in catalogue:
        prices.setdefault(item.item_code, []).append(item)
    seen: dict[tuple[object, ...], int] = {}
    verdicts = []
    for line in lines:
        verdict = _verdict(
            line, month, inventory, prices, seen, idle or {}, specs or {}, measured or {}
        )
        verdicts.append(verdict)
    billed = {line.resource_id for line in lines if line.resource_id}
    classes = {inventory[r].resource_class for r in billed if r in inventory}
    unbilled = []
    for resource in inventory.values():
        if resource.resource_id in billed or resource.resource_class not in classes:
            continue
        days, _ = month.days_in_service(resource)
        if days:
            unbilled.append((resource, days))
    return summed(period, verdicts, unbilled)


def summed(
    period: str, verdicts: list[LineVerdict], unbilled: list[tuple[Resource, int]]
) -> BillingCheck:
    """The check of these verdicts with their totals per pool, operator, user unit and item."""
    return BillingCheck(
        period,
        verdicts,
        unbilled,
        _totals(verdicts, lambda v: v.line.pool),
        _totals(verdicts, lambda v: v.line.operator),
        _totals(verdicts, lambda v: v.line.user_unit),
        _totals(verdicts, lambda v: v.line.item_code),
    )


def within_pools(check: BillingCheck, pools: Collection[str] | None) -> BillingCheck:
    """The lines billed for `pools` and their unbilled inventory, totalled again: an
    operator's own share of the check, each line judged as in the whole one (pools None:
    the whole check)."""
    if pools is None:
        return check
    verdicts = [v for v in check.verdicts if v.line.pool in pools]
    unbilled = [(r, days) for r, days in check.unbilled if r.pool in pools]
    return summed(check.period, verdicts, unbilled)


def _totals(
    verdicts: Sequence[LineVerdict], key: Callable[[LineVerdict], str | None]
) -> dict[str, Total]:
    groups: dict[str, list[LineVerdict]] = {}
    for verdict in verdicts:
        groups.setdefault(key(verdict) or "—", []).append(verdict)
    return {name: Total.of(group) for name, group in sorted(groups.items())}


def _verdict(
    line: StatementLine,
    month: _Month,
    inventory: Mapping[str, Resource],
    prices: Mapping[str, list[CatalogueItem]],
    seen: dict[tuple[object, ...], int],
    idle: Mapping[str, IdleFinding],
    specs: Mapping[str, Mapping[str, Decimal]],
    measured: Mapping[str, Mapping[str, Decimal]],
) -> LineVerdict:
    codes: list[Code] = []
    evidence: dict[str, str] = {}
    resource = inventory.get(line.resource_id) if line.resource_id else None
    # The line's own time: its days of the month, its months, or the whole month.
    time_share: tuple[Decimal, int]
    if line.billed_days is not None:
        time_share = (line.billed_days, month.days)
        billed_days = line.billed_days
    else:
        months = line.billed_months if line.billed_months is not None else Decimal(1)
        time_share = (months, 1)
        billed_days = months * month.days
    first_day = month.first
    if resource is not None:
        served = month.served.get(resource.resource_id)
        if served is None:
            served = month.served[resource.resource_id] = month.days_in_service(resource)
        in_service, first_in_service = served
        first_day = first_in_service or first_day
        evidence["in_service_days"] = str(in_service)
    item = price_in_force(prices.get(line.item_code, []), line, first_day)
    use = item is not None and item.measure == Measure.USE.value
    if use:
        time_share = (Decimal(1), 1)
    allowed_share = time_share
    if resource is not None:
        # A use is not prorated: it is outside the service life only in a month the resource
        # was in service on no day. Months billed ahead (a quarter on one statement) reach
        # past what this month's inventory can show; only a line within the month is held
        # against its service days.
        ahead = line.billed_days is None and billed_days > month.days
        if use and in_service == 0:
            codes.append(Code.OUTSIDE_SERVICE_LIFE)
            allowed_share = (ZERO, 1)
        elif not use and billed_days > in_service and not ahead:
            codes.append(Code.OUTSIDE_SERVICE_LIFE)
            allowed_share = (Decimal(in_service), month.days)
            evidence["billed_days"] = _plain(billed_days)
        if Code.OUTSIDE_SERVICE_LIFE in codes:
            if resource.in_service_from is not None:
                evidence["in_service_from"] = _when(resource.in_service_from, month.zone)
            if resource.reclaimed_at is not None:
                evidence["reclaimed_at"] = _when(resource.reclaimed_at, month.zone)
    allowed_quantity = line.quantity
    if line.resource_id and resource is None:
        codes.insert(0, Code.NOT_IN_INVENTORY)
        allowed_quantity = ZERO
    for name, expected_quantity in (
        ("inventory_quantity", _expected_quantity(item, line, resource, specs)),
        ("measured_quantity", _expected_quantity(item, line, resource, measured, counted=False)),
    ):
        if expected_quantity is not None and line.quantity != expected_quantity:
            codes.append(Code.QUANTITY_MISMATCH)
            evidence[name] = _plain(expected_quantity)
            allowed_quantity = min(allowed_quantity, expected_quantity)
    if item is None:
        codes.append(Code.PRICE_MISMATCH)
        evidence["catalogue_price"] = NONE_IN_FORCE
        price = ZERO
    else:
        price = item.unit_price
        evidence["catalogue_price"] = _plain(price)
        if line.unit_price != price:
            codes.append(Code.PRICE_MISMATCH)
    expected_amount = prorated(line.quantity, line.unit_price, time_share)
    if expected_amount != line.amount:
        codes.append(Code.ARITHMETIC_ERROR)
        evidence["expected_amount"] = str(expected_amount)
    key = _duplicate_key(line)
    if key in seen:
        codes.insert(0, Code.DUPLICATE_LINE)
        evidence["duplicate_of_line"] = str(seen[key])
        allowed_quantity = ZERO
    else:
        seen[key] = line.line
    finding = idle.get(line.resource_id) if line.resource_id else None
    if finding is not None:
        codes.append(Code.IDLE_BILLED)
        evidence["idle_since"] = _when(finding.detected_at, month.zone)
        evidence["reclaim_deadline"] = _when(finding.deadline, month.zone)
    allowed = prorated(allowed_quantity, price, allowed_share)
    disputed = max(ZERO, line.amount - allowed) if _disputes(codes) else ZERO
    ordered = tuple(sorted(set(codes), key=_RANK.__getitem__)) or (Code.OK,)
    return LineVerdict(line, ordered, allowed, disputed, evidence)


def _disputes(codes: Sequence[Code]) -> bool:
    return not _FINDINGS.issuperset(codes)


def _expected_quantity(
    item: CatalogueItem | None,
    line: StatementLine,
    resource: Resource | None,
    specs: Mapping[str, Mapping[str, Decimal]],
    counted: bool = True,
) -> Decimal | None:
    """What `specs` says the line's quantity is, where it says anything: one of a counted
    item per resource (`counted`: the inventory's rule), else the resource's vCPU / GB."""
    if item is None or resource is None:
        return None
    if item.measure == Measure.COUNT.value:
        return Decimal(1) if counted else None
    return specs.get(resource.resource_id, {}).get(item.measure)


def price_in_force(
    items: Sequence[CatalogueItem], line: StatementLine, day: date
) -> CatalogueItem | None:
    """The catalogue's price on `day` (the line's first billable day) for the line's pool and
    operator: one of its own pool and operator before one of the pool, of the operator, of all."""
    best: tuple[int, CatalogueItem] | None = None
    for item in items:
        if not item.in_force(day):
            continue
        if item.pool not in ("", line.pool) or item.operator not in ("", line.operator):
            continue
        rank = 2 * bool(item.pool) + bool(item.operator)
        if best is None or rank > best[0]:
            best = (rank, item)
    return None if best is None else best[1]


def _duplicate_key(line: StatementLine) -> tuple[object, ...]:
    """A resource is billed once per item and month whoever bills it; a line without a
    resource is a duplicate when it repeats another line of its statement in everything."""
    if line.resource_id:
        return ("resource", line.resource_id, line.item_code)
    return (
        "line", line.source, line.user_unit, line.system, line.item_code, line.quantity,
        line.billed_days, line.billed_months, line.unit_price, line.amount,
    )  # fmt: skip


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _when(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")

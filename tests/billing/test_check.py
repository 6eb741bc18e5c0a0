"""The billing check's classes, each by hand from the rules: amount = quantity × unit price ×
billed days ÷ days in the month (a `use` item: quantity × price), half-up to the fen; the
disputed amount is what a line bills beyond what the inventory and the catalogue allow."""

from __future__ import annotations

import calendar
import math
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.billing.check import Code, check_statement, to_fen
from monitor.domain.billing import CatalogueItem, StatementLine
from monitor.domain.resources import Resource
from monitor.measures.idle import IdleFinding

ZONE = ZoneInfo("Asia/Shanghai")
D = Decimal


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


def vm(resource_id: str, since: str = "2023-01-01 00:00", until: str | None = None) -> Resource:
    return Resource(
        resource_id,
        "vm",
        "一云",
        "市教育局",
        "学籍系统",
        None,
        local(since),
        local(until) if until else None,
    )


def price(code: str, unit_price: str, measure: str = "count", **scope: object) -> CatalogueItem:
    return CatalogueItem(
        code,
        str(scope.get("pool", "")),
        str(scope.get("operator", "")),
        scope.get("valid_from", date(2024, 1, 1)),  # type: ignore[arg-type]
        scope.get("valid_until"),  # type: ignore[arg-type]
        code,
        "台·月",
        D(unit_price),
        measure,
    )


CATALOGUE = [
    price("VM", "420", valid_until=date(2024, 7, 1)),
    price("VM", "399.50", valid_from=date(2024, 7, 1)),
    price("VM", "410", pool="二云"),
    price("CPU", "35.10", "vcpu"),
    price("DRILL", "5000", "use"),
]


def line(
    number: int,
    resource_id: str | None,
    amount: str,
    *,
    item: str = "VM",
    quantity: str = "1",
    days: str | None = "31",
    months: str | None = None,
    unit_price: str = "420",
    pool: str = "一云",
    unit: str = "市教育局",
) -> StatementLine:
    return StatementLine(
        "甲运营", "2024-03", number, pool, "甲运营", unit, "学籍系统", resource_id, item,
        D(quantity), D(days) if days else None, D(months) if months else None, D(unit_price),
        D(amount),
    )  # fmt: skip


def check(lines: list[StatementLine], resources: list[Resource], **options: object):  # type: ignore[no-untyped-def]
    return check_statement("2024-03", ZONE, lines, resources, CATALOGUE, **options)  # type: ignore[arg-type]


def test_a_line_the_inventory_and_catalogue_allow_is_ok() -> None:
    result = check([line(2, "VM-1", "420.00")], [vm("VM-1")])
    (verdict,) = result.verdicts
    assert (verdict.code, verdict.allowed, verdict.disputed) == (Code.OK, D("420.00"), 0)


def test_days_billed_before_in_service_from_are_disputed_as_their_share() -> None:
    # In service from 11 March 14:00: 11 March counts (in service at some moment), 21 days.
    result = check([line(2, "VM-1", "420.00")], [vm("VM-1", since="2024-03-11 14:00")])
    (verdict,) = result.verdicts
    assert verdict.code is Code.OUTSIDE_SERVICE_LIFE
    assert verdict.allowed == D("284.52")  # 420 × 21 ÷ 31 = 284.516…
    assert verdict.disputed == D("135.48")
    assert verdict.evidence["in_service_days"] == "21"


def test_days_billed_from_reclaimed_at_on_are_disputed() -> None:
    # Reclaimed at 21 March 00:00: the last day in service is 20 March.
    resources = [vm("VM-1", until="2024-03-21 00:00"), vm("VM-2", until="2024-03-21 00:01")]
    result = check([line(2, "VM-1", "420.00"), line(3, "VM-2", "420.00")], resources)
    first, second = result.verdicts
    assert (first.allowed, first.disputed) == (D("270.97"), D("149.03"))  # 20 days
    assert (second.allowed, second.disputed) == (D("284.52"), D("135.48"))  # 21 days


def test_a_half_fen_of_a_prorated_amount_rounds_up_in_a_month_of_30_days() -> None:
    # April: 151.35 × 1 ÷ 30 = 5.045 exactly, half-up 5.05; 151.35 − 5.05 = 146.30.
    april = [price("VM", "151.35")]
    resource = vm("VM-1", since="2024-04-30 10:00")

    def april_line(days: str, amount: str) -> StatementLine:
        return StatementLine(
            "s", "2024-04", 2, "一云", None, None, None, "VM-1", "VM", D(1), D(days), None,
            D("151.35"), D(amount),
        )  # fmt: skip

    (exact,) = check_statement(
        "2024-04", ZONE, [april_line("1", "5.05")], [resource], april
    ).verdicts
    assert (exact.code, exact.allowed, exact.disputed) == (Code.OK, D("5.05"), 0)
    (whole,) = check_statement(
        "2024-04", ZONE, [april_line("30", "151.35")], [resource], april
    ).verdicts
    assert (whole.code, whole.allowed, whole.disputed) == (
        Code.OUTSIDE_SERVICE_LIFE,
        D("5.05"),
        D("146.30"),
    )


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["2023-02", "2024-02", "2024-04", "2024-03"]),
    st.integers(min_value=1, max_value=27),  # the last day in service, before the month's end
    st.integers(min_value=1, max_value=10**8),  # the unit price in millionths of a yuan
    st.integers(min_value=1, max_value=64),  # the quantity
    st.booleans(),  # the price made so that the days in service come to an exact half fen
)
def test_every_prorated_amount_is_the_exact_product_rounded_half_up(
    period: str, last_day: int, millionths: int, quantity: int, tie: bool
) -> None:
    days = calendar.monthrange(*map(int, period.split("-")))[1]
    # quantity × price × last_day ÷ days = an odd number of half fen, where 6 decimals allow.
    step = quantity * last_day // math.gcd(quantity * last_day, 5000 * days)
    if tie and step % 2:
        millionths = step * (2 * (millionths % 1000) + 1) * 5000 * days // (quantity * last_day)

    def exact(billed: int) -> Decimal:
        fen = Fraction(quantity * millionths * billed, days * 10**4)
        return Decimal(math.floor(fen + Fraction(1, 2))) / 100

    unit_price = D(millionths).scaleb(-6)
    # Billed by vCPU, with no spec recorded: any quantity is the inventory's.
    month_of = [price("VM", str(unit_price), "vcpu", valid_from=date(2023, 1, 1))]
    until = date.fromisoformat(f"{period}-01") + timedelta(days=last_day)
    resources = [vm(name, until=f"{until} 00:00") for name in ("VM-1", "VM-2")]

    def billed(number: int, days_billed: int) -> StatementLine:
        return StatementLine(
            "s", period, number, "一云", None, None, None, f"VM-{number}", "VM", D(quantity),
            D(days_billed), None, unit_price, exact(days_billed),
        )  # fmt: skip

    lines = [billed(1, last_day), billed(2, days)]
    within, whole = check_statement(period, ZONE, lines, resources, month_of).verdicts
    assert (within.code, within.allowed) == (Code.OK, exact(last_day))
    assert whole.allowed == exact(last_day)
    assert whole.disputed == exact(days) - exact(last_day)


def test_a_price_other_than_the_catalogues_in_force_is_disputed() -> None:
    result = check([line(2, "VM-1", "450.00", unit_price="450")], [vm("VM-1")])
    (verdict,) = result.verdicts
    assert (verdict.code, verdict.disputed) == (Code.PRICE_MISMATCH, D("30.00"))
    assert verdict.evidence["catalogue_price"] == "420"


def test_a_pools_own_price_comes_before_the_general_one() -> None:
    ok = line(2, "VM-1", "410.00", unit_price="410", pool="二云")
    result = check([ok], [vm("VM-1")])
    assert result.verdicts[0].code is Code.OK


def test_the_price_in_force_is_the_one_of_the_months_first_billable_day() -> None:
    july = StatementLine(
        "s", "2024-07", 2, "一云", None, None, None, "VM-1", "VM", D(1), D(31), None,
        D("399.50"), D("399.50"),
    )  # fmt: skip
    result = check_statement("2024-07", ZONE, [july], [vm("VM-1")], CATALOGUE)
    assert result.verdicts[0].code is Code.OK


def test_a_wrong_product_is_an_arithmetic_error_disputed_only_above_what_is_allowed() -> None:
    over, under = line(2, "VM-1", "4200.00"), line(3, "VM-2", "402.00")
    result = check([over, under], [vm("VM-1"), vm("VM-2")])
    assert [(v.code, v.disputed) for v in result.verdicts] == [
        (Code.ARITHMETIC_ERROR, D("3780.00")),
        (Code.ARITHMETIC_ERROR, D(0)),
    ]
    assert result.verdicts[0].evidence["expected_amount"] == "420.00"


def test_more_than_one_of_a_counted_item_per_resource_is_a_quantity_mismatch() -> None:
    result = check([line(2, "VM-1", "840.00", quantity="2")], [vm("VM-1")])
    (verdict,) = result.verdicts
    assert (verdict.code, verdict.allowed, verdict.disputed) == (
        Code.QUANTITY_MISMATCH,
        D("420.00"),
        D("420.00"),
    )


def test_vcpus_are_checked_against_the_inventorys_spec_where_it_records_one() -> None:
    billed = line(2, "VM-1", "280.80", item="CPU", quantity="8", unit_price="35.10")
    unknown = check([billed], [vm("VM-1")])
    known = check([billed], [vm("VM-1")], specs={"VM-1": {"vcpu": D(4)}})
    assert unknown.verdicts[0].code is Code.OK
    assert (known.verdicts[0].code, known.verdicts[0].disputed) == (
        Code.QUANTITY_MISMATCH,
        D("140.40"),
    )


def test_a_resource_billed_twice_for_an_item_is_a_duplicate_the_second_time() -> None:
    result = check([line(2, "VM-1", "420.00"), line(3, "VM-1", "420.00")], [vm("VM-1")])
    assert [(v.code, v.disputed) for v in result.verdicts] == [
        (Code.OK, D(0)),
        (Code.DUPLICATE_LINE, D("420.00")),
    ]
    assert result.verdicts[1].evidence["duplicate_of_line"] == "2"


def test_a_resource_the_inventory_lacks_is_disputed_whole() -> None:
    result = check([line(2, "VM-404", "420.00")], [vm("VM-1")])
    assert (result.verdicts[0].code, result.verdicts[0].disputed) == (
        Code.NOT_IN_INVENTORY,
        D("420.00"),
    )


def test_a_use_item_is_quantity_times_price_and_needs_no_resource() -> None:
    drill = line(2, None, "10000.00", item="DRILL", quantity="2", days=None, unit_price="5000")
    assert check([drill], []).verdicts[0].code is Code.OK


def test_a_use_is_outside_the_service_life_only_in_a_month_the_resource_served_no_day() -> None:
    drill = line(2, "VM-1", "5000.00", item="DRILL", days=None, unit_price="5000")
    (within,) = check([drill], [vm("VM-1", since="2024-03-11 00:00")]).verdicts
    assert (within.code, within.disputed) == (Code.OK, 0)
    (after,) = check([drill], [vm("VM-1", until="2024-02-11 00:00")]).verdicts
    assert (after.code, after.allowed, after.disputed) == (
        Code.OUTSIDE_SERVICE_LIFE,
        D("0.00"),
        D("5000.00"),
    )
    assert after.evidence["reclaimed_at"] == "2024-02-11 00:00"


def test_billed_months_multiply_the_monthly_price() -> None:
    quarter = line(2, "VM-1", "1260.00", days=None, months="3")
    assert check([quarter], [vm("VM-1")]).verdicts[0].code is Code.OK


def test_idle_billed_is_a_finding_not_a_dispute() -> None:
    finding = IdleFinding(
        "VM-1", "host", local("2024-02-01 00:00"), local("2024-03-02 00:00"), {}, None, "violation"
    )
    result = check([line(2, "VM-1", "420.00")], [vm("VM-1")], idle={"VM-1": finding})
    (verdict,) = result.verdicts
    assert (verdict.code, verdict.disputed) == (Code.IDLE_BILLED, D(0))
    assert verdict.evidence["reclaim_deadline"] == "2024-03-02 00:00"


def test_several_classes_are_kept_and_the_dispute_is_what_all_of_them_allow() -> None:
    # 450 instead of 420, and 21 days in service: 420 × 21 ÷ 31 allowed.
    result = check([line(2, "VM-1", "450.00", unit_price="450")], [vm("VM-1", "2024-03-11 00:00")])
    (verdict,) = result.verdicts
    assert verdict.codes == (Code.OUTSIDE_SERVICE_LIFE, Code.PRICE_MISMATCH)
    assert verdict.disputed == D("165.48")


def test_inventory_in_service_and_not_billed_is_shown_not_disputed() -> None:
    resources = [
        vm("VM-1"),
        vm("VM-2", since="2024-03-30 09:00"),
        vm("VM-OLD", until="2024-03-01 00:00"),
        Resource("PDU-1", "power", "一云"),
    ]
    result = check([line(2, "VM-1", "420.00")], resources)
    assert [(r.resource_id, days) for r, days in result.unbilled] == [("VM-2", 2)]
    assert result.count(Code.UNBILLED_INVENTORY) == 1
    assert result.disputed_total == 0


def test_totals_per_unit_and_item_and_the_disputed_total() -> None:
    lines = [
        line(2, "VM-1", "420.00"),
        line(3, "VM-404", "420.00", unit="市卫健委"),
        line(4, None, "5000.00", item="DRILL", days=None, unit_price="5000", unit="市卫健委"),
    ]
    result = check(lines, [vm("VM-1")])
    assert (result.billed_total, result.disputed_total) == (D("5840.00"), D("420.00"))
    unit = result.by_user_unit["市卫健委"]
    assert (unit.lines, unit.billed, unit.disputed) == (2, D("5420.00"), D("420.00"))
    assert result.by_item["VM"].disputed == D("420.00")
    assert result.by_pool["一云"].lines == 3


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=31),  # in service from this day (0: before March)
            st.integers(min_value=1, max_value=32),  # reclaimed on this day (32: not reclaimed)
            st.one_of(st.none(), st.integers(min_value=1, max_value=16)),  # vCPU数 (None: blank)
            st.sampled_from(["none", "quantity", "fen", "days", "vcpu"]),  # the error planted
        ),
        min_size=1,
        max_size=12,
    )
)
def test_a_statement_made_from_the_inventory_is_ok_and_disputes_never_exceed_billing(
    plan: list[tuple[int, int, int | None, str]],
) -> None:
    resources, lines, planted = [], [], []
    specs: dict[str, dict[str, Decimal]] = {}
    for index, (start, reclaim, vcpu, error) in enumerate(plan):
        first = max(start, 1)
        if reclaim <= first:
            continue
        since = local("2023-12-01 00:00") if start == 0 else local(f"2024-03-{start:02d} 00:00")
        until = None if reclaim == 32 else local(f"2024-03-{reclaim:02d} 00:00")
        resource_id = f"VM-{index}"
        resources.append(vm(resource_id, since.isoformat()[:16], until and until.isoformat()[:16]))
        days = reclaim - first
        vm_error = "none" if error == "vcpu" else error
        amount = to_fen(D(420) * days / 31)
        quantity, billed_days = ("2", days) if vm_error == "quantity" else ("1", days)
        if vm_error == "days":
            billed_days += 1
            amount = to_fen(D(420) * billed_days / 31)
        if vm_error == "quantity":
            amount *= 2
        if vm_error == "fen":
            amount += D("0.01")
        lines.append(
            line(2 * index + 2, resource_id, str(amount), quantity=quantity, days=str(billed_days))
        )
        planted.append(vm_error)
        # Its vCPUs, billed as the inventory records them or twice that; a blank spec is not
        # judged, whatever is billed.
        if vcpu is not None:
            specs[resource_id] = {"vcpu": D(vcpu)}
        cpus = (vcpu or 4) * (2 if error == "vcpu" else 1)
        cpu_amount = to_fen(D("35.10") * cpus * days / 31)
        lines.append(
            line(2 * index + 3, resource_id, str(cpu_amount), item="CPU", quantity=str(cpus),
                 days=str(days), unit_price="35.10")
        )  # fmt: skip
        excess = cpu_amount - to_fen(D("35.10") * (vcpu or 0) * days / 31)
        planted.append(f"vcpu {excess}" if error == "vcpu" and vcpu is not None else "none")
    result = check(lines, resources, specs=specs)
    assert 0 <= result.disputed_total <= result.billed_total
    for verdict, error in zip(result.verdicts, planted, strict=True):
        assert (verdict.code is Code.OK) == (error == "none"), (verdict, error)
        assert (verdict.disputed > 0) == (error != "none")
        if error.startswith("vcpu"):
            assert verdict.code is Code.QUANTITY_MISMATCH
            assert verdict.disputed == D(error.split()[1])

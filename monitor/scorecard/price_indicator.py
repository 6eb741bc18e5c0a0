"""云服务单价下降率: the band of the weighted unit-price decline, and its evidence in Chinese
and English: every item with both years' prices and its weight, the items priced in one year
only, or why there is no evidence (0 points)."""

from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction

from monitor.billing.price_decline import ItemPrices, OneYearItem, PriceDecline
from monitor.contract.delivery import UnitPriceRule
from monitor.domain.periods import Period
from monitor.domain.scores import IndicatorScore

NO_EVIDENCE_ZH = "无证据"
NO_EVIDENCE_EN = "no evidence"


def decimal(value: Fraction, places: str, rounding: str = ROUND_HALF_UP) -> Decimal:
    """An exact fraction as a Decimal of the given places (e.g. "0.01")."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(places), rounding=rounding)


def year_earlier(period: Period) -> str:
    """The label of the same period a year earlier: 2022 → 2021, 2022-03 → 2021-03."""
    year, _, month = period.label.partition("-")
    return f"{int(year) - 1:04d}" + (f"-{month}" if month else "")


def unit_price(
    decline: PriceDecline, rule: UnitPriceRule, period: Period, has_catalogue: bool
) -> IndicatorScore:
    """The points of the band the decline reaches; no evidence: 0 points, said so."""
    chosen = PriceDecline(
        tuple(pool for pool in decline.pools if rule.pool is None or pool.pool == rule.pool)
    )
    now, before = period.label, year_earlier(period)
    percent = chosen.percent
    zh: list[str] = []
    en: list[str] = []
    for pool in chosen.pools:
        for item in pool.items:
            zh.append(_item_zh(item, now, before))
            en.append(_item_en(item, now, before))
        for left_out in pool.one_year_only:
            zh.append(_one_year_zh(left_out, now, before))
            en.append(_one_year_en(left_out, now, before))
    details: dict[str, object] = {
        "pools": {
            pool.pool or "—": {
                "lines": pool.lines,
                "decline_percent": _percent_text(PriceDecline((pool,)).percent),
                "items": [_item_details(item) for item in pool.items],
                "priced_one_year_only": [item.item_code for item in pool.one_year_only],
            }
            for pool in chosen.pools
        },
    }
    if percent is None:
        reason_zh, reason_en = _no_evidence(chosen, rule, has_catalogue)
        zh.insert(0, f"{NO_EVIDENCE_ZH}：{reason_zh}")
        en.insert(0, f"{NO_EVIDENCE_EN}: {reason_en}")
        details.update(no_data=True, reason=reason_zh)
    return IndicatorScore(
        "unit_price",
        rule.name_zh,
        0.0 if percent is None else rule.points_for(percent),
        rule.max_points,
        _rule_zh(rule),
        None if percent is None else float(decimal(percent, "0.01", ROUND_FLOOR)),
        tuple(zh),
        details,
        name_en=rule.name_en,
        rule_en=_rule_en(rule),
        evidence_en=tuple(en),
    )


def _no_evidence(chosen: PriceDecline, rule: UnitPriceRule, has_catalogue: bool) -> tuple[str, str]:
    where_zh = f"资源池 {rule.pool}" if rule.pool else "各资源池"
    where_en = f"pool {rule.pool}" if rule.pool else "any pool"
    if not has_catalogue:
        return (
            "没有服务目录（slamon import catalogue）",
            "no service catalogue (slamon import catalogue)",
        )
    if not any(pool.lines for pool in chosen.pools):
        return (
            f"本期{where_zh}没有结算清单（slamon import statement）",
            f"no statement lines for {where_en} this period (slamon import statement)",
        )
    return (
        "本期计费项没有两年都有的目录价格",
        "no item billed this period has a catalogue price in both years",
    )


def _percent_text(percent: Fraction | None) -> str | None:
    return None if percent is None else str(decimal(percent, "0.0001", ROUND_FLOOR))


def _mean(spend: Fraction, item: ItemPrices) -> Decimal:
    return decimal(spend / item.weight, "0.01") if item.weight else Decimal("0.00")


def _weight_text(item: ItemPrices) -> str:
    return format(decimal(item.weight, "0.01").normalize(), "f")


def _item_details(item: ItemPrices) -> dict[str, object]:
    return {
        "item_code": item.item_code,
        "name": item.name,
        "unit": item.unit,
        "weight": _weight_text(item),
        "price_before": str(_mean(item.spend_before, item)),
        "price_now": str(_mean(item.spend_now, item)),
    }


def _item_zh(item: ItemPrices, now: str, before: str) -> str:
    pool = f"{item.pool} " if item.pool else ""
    return (
        f"{pool}{item.item_code} {item.name}：{before} 单价 {_mean(item.spend_before, item)} 元，"
        f"{now} 单价 {_mean(item.spend_now, item)} 元/{item.unit}，"
        f"权重 {_weight_text(item)} {item.unit}"
    )


def _item_en(item: ItemPrices, now: str, before: str) -> str:
    pool = f"{item.pool} " if item.pool else ""
    return (
        f"{pool}{item.item_code} {item.name}: {before} unit price {_mean(item.spend_before, item)}"
        f" yuan, {now} unit price {_mean(item.spend_now, item)} yuan per {item.unit}, "
        f"weight {_weight_text(item)} {item.unit}"
    )


def _one_year_zh(item: OneYearItem, now: str, before: str) -> str:
    pool = f"{item.pool} " if item.pool else ""
    if item.priced_now or item.priced_before:
        year = now if item.priced_now else before
        return f"{pool}{item.item_code}：仅 {year} 有目录价格，未计入"
    return f"{pool}{item.item_code}：两年都没有目录价格，未计入"


def _one_year_en(item: OneYearItem, now: str, before: str) -> str:
    pool = f"{item.pool} " if item.pool else ""
    if item.priced_now or item.priced_before:
        year = now if item.priced_now else before
        return f"{pool}{item.item_code}: catalogue price in {year} only, left out"
    return f"{pool}{item.item_code}: no catalogue price in either year, left out"


def _edge(band_min: Decimal, inclusive: bool) -> str:
    return f"{'≥' if inclusive else '>'}{format(band_min.normalize(), 'f')}%"


def _bands(rule: UnitPriceRule) -> list[tuple[str, float]]:
    return [(_edge(band.min, band.inclusive), band.points) for band in rule.ordered_bands()]


def _rule_zh(rule: UnitPriceRule) -> str:
    scope = f"资源池 {rule.pool}" if rule.pool else "各资源池"
    bands = "；".join(f"{edge}得{points:g}分" for edge, points in _bands(rule))
    return f"{scope}计费项目录单价较上年同期按计费数量加权下降{bands}；其余或无证据0分"


def _rule_en(rule: UnitPriceRule) -> str:
    scope = f"pool {rule.pool}" if rule.pool else "every pool"
    bands = "; ".join(f"{edge}: {points:g} points" for edge, points in _bands(rule))
    return (
        f"Catalogue unit prices of the items billed in {scope}, weighted by the billed "
        f"quantities, against the same month a year earlier: decline {bands}; otherwise or "
        "without evidence 0 points"
    )

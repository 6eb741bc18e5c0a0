"""/metrics' billing figures: the latest month's statement as the billing check judges it,
in 元 by pool and by pool and class — never by resource or line.

The check reads every line, the inventory and the catalogue (seconds at 100,000 lines), longer
than a scrape may take: the figures are worked out again only when a statement line, a
catalogue price or an inventory row was written or removed since, or a newer quarter hour of a
capacity metric was collected (monitor.storage.billing `billing_stamp`). The idle rule is left
out: idle_billed disputes nothing.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Engine

from monitor.billing.check import BillingCheck
from monitor.contract.model import Contract
from monitor.runs.billing import disputes_check
from monitor.storage.billing import billing_stamp


@dataclass(frozen=True, slots=True)
class BillingFigures:
    period: str  # YYYY-MM: the latest month a stored statement bills
    billed: tuple[tuple[str, Decimal], ...]  # pool, billed
    disputed: tuple[tuple[str, Decimal], ...]  # pool, disputed
    disputed_by_code: tuple[tuple[str, str, Decimal], ...]  # pool, code, disputed (> 0 only)


def billing_figures(check: BillingCheck) -> BillingFigures:
    """The check's totals by pool, and its disputes by pool and each line's class."""
    by_code: dict[tuple[str, str], Decimal] = {}
    for verdict in check.verdicts:
        if verdict.disputed:
            key = (verdict.line.pool or "", verdict.codes[0].value)
            by_code[key] = by_code.get(key, Decimal(0)) + verdict.disputed
    pools = [("" if pool == "—" else pool, total) for pool, total in check.by_pool.items()]
    return BillingFigures(
        check.period,
        tuple((pool, total.billed) for pool, total in pools),
        tuple((pool, total.disputed) for pool, total in pools),
        tuple((pool, code, amount) for (pool, code), amount in sorted(by_code.items())),
    )


class LatestBillingFigures:
    """The figures of the latest month, kept until the stored rows behind them change."""

    def __init__(self, engine: Engine, contract: Contract) -> None:
        self.engine = engine
        self.contract = contract
        self._kept: tuple[tuple[object, ...], BillingFigures] | None = None
        self._working = threading.Lock()  # one check at a time; others wait for its figures

    def latest(self) -> BillingFigures | None:
        with self._working:
            stamp = billing_stamp(self.engine)
            if stamp is None:
                return None
            if self._kept is None or self._kept[0] != stamp:
                month = str(stamp[0])
                check = disputes_check(self.engine, self.contract, month)
                self._kept = (stamp, billing_figures(check))
            return self._kept[1]

"""计费核对 for a viewer: the month's billing check, an operator's cut to its own pools'
statement lines (each judged as in the whole check) before anything is totalled."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from monitor.billing.check import BillingCheck, within_pools
from monitor.contract.model import Contract
from monitor.domain.periods import Period
from monitor.domain.viewer import Viewer
from monitor.runs.billing import billing_check
from monitor.views.scores import scorecard_pools


def billing_for(
    engine: Engine, contract: Contract, viewer: Viewer, period: Period, at: datetime
) -> BillingCheck | None:
    """The check of a month's statement as the viewer may see it; None for a year (a
    statement is one month's)."""
    if len(period.label) != 7:
        return None
    # The pools an operator's scorecard covers are the pools whose statements it sees.
    return within_pools(billing_check(engine, contract, period, at), scorecard_pools(viewer))

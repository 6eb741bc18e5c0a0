"""Every computed scorecard indicator: id → the function that scores it.

An indicator's id is also the name of its section under the contract's `scoring` (its name,
full marks and formula). Every section of `Scoring` has defaults, so every registered
indicator is scored. Adding one: a function in monitor.scorecard.indicators, a line in
INDICATORS, its section in the contract (CONTRIBUTING.md, "A new scorecard indicator").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from monitor.contract.model import Contract
from monitor.domain.scores import IndicatorScore
from monitor.scorecard import indicators, obligation_indicator
from monitor.scorecard.indicators import NoData
from monitor.scorecard.inputs import IndicatorInputs

IndicatorFunction = Callable[[IndicatorInputs], IndicatorScore | NoData]

# In the order of the contract's scoring sections: the scorecard lists the indicators of one
# table section in this order.
INDICATORS: dict[str, IndicatorFunction] = {
    "fault_response_timeliness": indicators.fault_response_timeliness,
    "resource_availability": indicators.resource_availability,
    "normal_operation": indicators.normal_operation,
    "backup_service": indicators.backup_service,
    "first_pool_utilisation": indicators.first_pool_utilisation,
    "cloud_usage": indicators.cloud_usage,
    "idle_reclaim": indicators.idle_reclaim,
    "satisfaction": indicators.satisfaction,
    "sla_assessment": indicators.sla_assessment,
    "obligations": obligation_indicator.obligations,
    "unit_price": indicators.unit_price,
    "delivered_quantities": indicators.delivered_quantities,
    "service_days": indicators.service_days,
}


@runtime_checkable
class IndicatorSection(Protocol):
    """What every indicator's contract section says besides its formula."""

    @property
    def name_zh(self) -> str: ...

    @property
    def max_points(self) -> float: ...


def contract_section(contract: Contract, indicator_id: str) -> IndicatorSection | None:
    """The contract's `scoring` section named like the indicator; None: the contract has none."""
    section = getattr(contract.scoring, indicator_id, None)
    return section if isinstance(section, IndicatorSection) else None


def enabled_indicators(contract: Contract) -> list[str]:
    """The registered indicators the contract has a section for, in the registry's order."""
    return [key for key in INDICATORS if contract_section(contract, key) is not None]


def expected_indicators(contract: Contract) -> dict[str, tuple[str, float]]:
    """Every indicator the contract scores: id → (name, max points), for lines without data."""
    expected: dict[str, tuple[str, float]] = {}
    for key in INDICATORS:
        section = contract_section(contract, key)
        if section is not None:
            expected[key] = (section.name_zh, float(section.max_points))
    return expected


def english_name(contract: Contract, indicator_id: str) -> str:
    """The indicator's English name from its contract section; "" when it has none."""
    return str(getattr(contract_section(contract, indicator_id), "name_en", ""))


def score_indicators(inputs: IndicatorInputs) -> dict[str, IndicatorScore | NoData]:
    """Every indicator the contract enables, scored from the shared inputs, in order."""
    outcomes: dict[str, IndicatorScore | NoData] = {}
    for key in enabled_indicators(inputs.contract):
        outcome = INDICATORS[key](inputs)
        if isinstance(outcome, IndicatorScore) and outcome.id != key:
            # The table files a score under its own id: a mismatch would list the indicator
            # twice, once scored and once without data.
            raise ValueError(f"indicator '{key}' returned a score with id '{outcome.id}'")
        outcomes[key] = outcome
    return outcomes

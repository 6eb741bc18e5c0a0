"""Closed tickets keep their verdicts: each is judged by the contract version that judged it
until a rejudging (`slamon rejudge`) says otherwise.

Changing a contract file changes its version (its text's hash). Open tickets follow the
version in force; a closed ticket whose stored results name an earlier version is pinned to
it, read back from the versions kept with the results.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from pathlib import Path

from sqlalchemy import Engine

from monitor.contract.contract_set import ContractSet, JudgingContract, judging_from_text
from monitor.contract.model import ContractError
from monitor.storage.results import (
    JudgedBy,
    closed_tickets_judged_otherwise,
    contract_version_texts,
)

log = logging.getLogger(__name__)


def with_stored_pins(
    engine: Engine, contracts: ContractSet, ticket_pks: Collection[int] | None = None
) -> ContractSet:
    """`contracts` with every closed ticket (of `ticket_pks`, or all) pinned to the earlier
    version that judged it; `contracts` as given when its pins are decided already."""
    if contracts.pins is not None:
        return contracts
    versions = {j.ref.version for j in contracts}
    judged = closed_tickets_judged_otherwise(engine, versions, ticket_pks)
    if not judged:
        return contracts.pinned({}, {})
    kept = kept_versions(engine, {row.version for row in judged})
    pins = {(row.source, row.ticket_id): row.version for row in judged if row.version in kept}
    return contracts.pinned(pins, kept)


def kept_versions(engine: Engine, versions: set[str]) -> dict[str, JudgingContract]:
    """The kept versions that can still be read: one this slamon cannot read any more (its
    keys changed) is logged, and its tickets are judged by the contracts in force."""
    with engine.connect() as connection:
        texts = contract_version_texts(connection, versions)
    kept: dict[str, JudgingContract] = {}
    for version, text in texts.items():
        try:
            kept[version] = judging_from_text(text.content, Path(text.path))
        except ContractError as problem:
            log.warning(
                "合同版本 %s（%s）无法读取，其已关闭工单按现行合同评估: %s",
                version[:12],
                text.name,
                problem,
            )
    return kept


def unpinned_from(contracts: ContractSet, judged: list[JudgedBy]) -> ContractSet:
    """`contracts` without the pins of these tickets (they are rejudged)."""
    chosen = {(row.source, row.ticket_id) for row in judged}
    pins = {key: v for key, v in (contracts.pins or {}).items() if key not in chosen}
    return contracts.pinned(pins, contracts.kept)

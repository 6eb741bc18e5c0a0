"""How commands name contracts: which one judged a result, what each covers, and the tickets
none covers (one warning on stderr, so JSON on stdout stays clean)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import click

from monitor.contract.contract_set import ContractSet, JudgingContract
from monitor.domain.tickets import ContractRef, TargetResult, Ticket

# How many uncovered tickets the warning names before it only counts.
_NAMED = 20


def ref_json(ref: ContractRef | None) -> dict[str, str] | None:
    return None if ref is None else {"name": ref.name, "version": ref.version}


def contract_json(judging: JudgingContract) -> dict[str, object]:
    contract = judging.contract
    return {
        "name": contract.name,
        "version": judging.ref.version,
        "file": str(judging.path),
        "scope": {"pools": contract.scope.pools, "operators": contract.scope.operators},
        "valid_from": contract.valid_from.isoformat() if contract.valid_from else None,
        "valid_until": contract.valid_until.isoformat() if contract.valid_until else None,
    }


def contracts_lines(contracts: ContractSet, results: Iterable[TargetResult]) -> list[str]:
    """One line per contract: what it covers, when, and how many results it judged."""
    judged = Counter(result.contract.version for result in results if result.contract)
    return [
        f"合同 {judging.contract.name}（版本 {judging.ref.short_version}；"
        f"{judging.scope.describe_zh()}；{judging.describe_validity_zh()}）："
        f"考核结果 {judged[judging.ref.version]} 条"
        for judging in contracts
    ]


def uncovered_warning(uncovered: Sequence[Ticket]) -> str | None:
    """The warning naming the tickets no contract covers; None when every ticket has one."""
    if not uncovered:
        return None
    named = "、".join(
        f"{ticket.ticket_id}（{ticket.pool or '未填资源池'}/{ticket.operator or '未填运维方'}）"
        for ticket in uncovered[:_NAMED]
    )
    more = f" 等（另有 {len(uncovered) - _NAMED} 张）" if len(uncovered) > _NAMED else ""
    return (
        f"警告：{len(uncovered)} 张工单没有适用的合同（资源池、运维方或报告时间不在任何合同的"
        f"范围内），未评估：{named}{more}。"
        f"Warning: {len(uncovered)} ticket(s) are covered by no contract and got no verdict."
    )


def warn_uncovered(uncovered: Sequence[Ticket]) -> None:
    warning = uncovered_warning(uncovered)
    if warning is not None:
        click.echo(warning, err=True)

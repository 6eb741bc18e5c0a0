"""How commands name contracts: which one judged a result, what each covers, and the tickets
none covers (one warning on stderr, so JSON on stdout stays clean)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from monitor.cli.language import WARNING_LEAD, echo, say
from monitor.contract.contract_set import ContractSet, JudgingContract
from monitor.domain.message import Message
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
    """One line per contract: what it covers, when, and how many results it judged (the
    scope and validity worded in Chinese only: English mode names the contract file)."""
    judged = Counter(result.contract.version for result in results if result.contract)
    return [
        say(
            f"合同 {judging.contract.name}（版本 {judging.ref.short_version}；"
            f"{judging.scope.describe_zh()}；{judging.describe_validity_zh()}）："
            f"考核结果 {judged[judging.ref.version]} 条",
            f"contract {judging.path.name} (version {judging.ref.short_version}): "
            f"{judged[judging.ref.version]} results",
        )
        for judging in contracts
    ]


def uncovered_warning(uncovered: Sequence[Ticket]) -> Message | None:
    """The warning naming the tickets no contract covers; None when every ticket has one."""
    if not uncovered:
        return None
    shown = uncovered[:_NAMED]
    named_zh = "、".join(
        f"{ticket.ticket_id}（{ticket.pool or '未填资源池'}/{ticket.operator or '未填运维方'}）"
        for ticket in shown
    )
    named_en = ", ".join(
        f"{ticket.ticket_id} ({ticket.pool or 'no pool'}/{ticket.operator or 'no operator'})"
        for ticket in shown
    )
    hidden = len(uncovered) - len(shown)
    return Message(
        f"{len(uncovered)} 张工单没有适用的合同（资源池、运维方或报告时间不在任何合同的"
        f"范围内），未评估：{named_zh}" + (f" 等（另有 {hidden} 张）" if hidden else "") + "。",
        f"{len(uncovered)} ticket(s) are covered by no contract (pool, operator or report time "
        f"outside every contract's scope) and got no verdict: {named_en}"
        + (f" and {hidden} more" if hidden else "")
        + ".",
    )


def warn_uncovered(uncovered: Sequence[Ticket]) -> None:
    warning = uncovered_warning(uncovered)
    if warning is not None:
        echo(WARNING_LEAD + warning, err=True)

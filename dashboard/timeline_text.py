"""The words for a ticket's own history on its timeline: status flips, pauses with their
reasons, severity changes, reopens and the source's status updates, in the session's language."""

from __future__ import annotations

from dashboard.fmt import vocabulary
from dashboard.i18n import language, status_label
from monitor.contract.clocks import PAUSE_REASONS
from monitor.contract.model import Contract
from monitor.views.incident import TimelineEntry


def pause_reason(reason: str) -> str:
    if language() == "zh":
        return PAUSE_REASONS.get(reason, reason)
    return reason.replace("_", " ")


def history_text(entry: TimelineEntry, contract: Contract) -> str:
    """What one history entry says: the target and its statuses, the reason, the new
    severity, the source's status."""
    if entry.kind == "status":
        before, _, after = entry.detail.partition(" → ")
        moved = f"{status_label(before) if before != '—' else '—'} → {status_label(after)}"
        return f"{_target(contract, entry.what)}：{moved}"
    if entry.kind in ("pause", "resume"):
        return pause_reason(entry.what)
    if entry.kind == "severity":
        return vocabulary(contract.severities, entry.what)  # type: ignore[arg-type]
    if entry.kind == "source_status":
        held = f"（{pause_reason(entry.detail)}）" if entry.detail else ""
        return f"{entry.what}{held}"
    return "—"


def _target(contract: Contract, target_id: str) -> str:
    try:
        target = contract.target(target_id)
    except KeyError:  # since removed from the contract: its id is all there is
        return target_id
    return target.name_zh if language() == "zh" else target.name_en

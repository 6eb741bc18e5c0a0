"""The words for a ticket's own history on its timeline: status flips, pauses with their
reasons, severity changes, reopens and the source's status updates, in the session's language."""

from __future__ import annotations

from dashboard.fmt import target_name, vocabulary
from dashboard.i18n import language, status_label, t
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
        return t("detail.of", what=target_name(contract, entry.what), detail=moved)
    if entry.kind in ("pause", "resume"):
        return pause_reason(entry.what)
    if entry.kind == "severity":
        return vocabulary(contract.severities, entry.what)  # type: ignore[arg-type]
    if entry.kind == "source_status":
        if not entry.detail:
            return entry.what
        return t("detail.held", status=entry.what, reason=pause_reason(entry.detail))
    return "—"

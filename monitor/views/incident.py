"""Incident detail: the ticket, every event on one timeline, each target's clock against its
deadline with the contract's wording, and the evidence behind each verdict."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from monitor import clock
from monitor.contract.contract_set import judging_from_text
from monitor.contract.model import Contract, ContractError, Target
from monitor.domain.tickets import EVENT_FIELDS
from monitor.domain.viewer import Viewer
from monitor.storage.access import ticket_scope
from monitor.storage.as_of import overdue_as_of, status_as_of
from monitor.storage.results import ContractText, contract_version_texts
from monitor.storage.tables import ResultChangeRow, TargetResultRow, TicketRow
from monitor.storage.waiver_requests import WaiverRequest, requests_of
from monitor.storage.waivers import Waiver, waivers_of

TICKET = TicketRow.__table__  # type: ignore[attr-defined]
RESULT = TargetResultRow.__table__  # type: ignore[attr-defined]
CHANGE = ResultChangeRow.__table__  # type: ignore[attr-defined]

EVENT_LABELS = {
    "reported_at": ("报障时间", "reported"),
    "responded_at": ("响应时间", "responded"),
    "arrived_at": ("到场时间", "on site"),
    "user_notified_at": ("反馈用户时间", "user notified"),
    "restored_at": ("恢复时间", "restored"),
    "confirmed_at": ("用户确认时间", "user confirmed"),
    "report_submitted_at": ("报告提交时间", "report submitted"),
    "closed_at": ("关闭时间", "closed"),
    "regulator_reported_at": ("监管报告时间", "reported to the regulator"),
}


def event_label(name: str, lang: str = "zh") -> str:
    zh, en = EVENT_LABELS.get(name, (name, name))
    return zh if lang == "zh" else en


@dataclass(frozen=True, slots=True)
class TargetClock:
    """One target on this ticket: its verdict as of the request, the rule, and the events it
    rests on."""

    target_id: str
    name_zh: str
    name_en: str
    rule_zh: str
    status: str
    start_event: str
    stop_event: str
    start: datetime | None
    deadline: datetime | None
    stop: datetime | None
    overdue_seconds: int | None
    at_risk_from: datetime | None
    first_violation_at: datetime | None
    waiver: Waiver | None  # the waiver in force, if any
    # The contract that judged it, e.g. "二云运营服务合同"; None: unrecorded.
    judged_by: str | None = None
    # Its waiver requests and appeals, oldest first: pending ones and the rulings made.
    requests: tuple[WaiverRequest, ...] = ()
    # The judging contract's version, shortened as people quote it (2114c690e385).
    judged_version: str | None = None


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    # event | status | waiver | revoke | request | appeal, or a decision: approved | rejected
    # (a waiver request), overturned | upheld (an appeal)
    kind: str
    what: str  # the event field, "target_id: from → to", or the waiver's or request's target
    detail: str = ""
    by: str | None = None


@dataclass(frozen=True, slots=True)
class IncidentDetail:
    pk: int
    fields: dict[str, Any]
    events: list[tuple[str, datetime]]  # recorded events in time order
    clocks: list[TargetClock]
    timeline: list[TimelineEntry]
    waivers: list[Waiver]
    requests: list[WaiverRequest] = field(default_factory=list)


def rule_text(target: Target, contract: Contract) -> str:
    """The contract's own wording, or one built from the target's events and limit."""
    if target.rule_zh:
        return target.rule_zh
    kind = contract.kinds[target.kind].name_zh
    return (
        f"{kind}：自{event_label(target.start)}起{target.limit.describe_zh()}内完成"
        f"{event_label(target.stop).removesuffix('时间')}"
    )


def find_ticket(
    engine: Engine, viewer: Viewer, ticket_id: str, source: str | None = None
) -> int | None:
    """The database key of a ticket the viewer may see, by its ticket id (exact) and, when
    given, its source (two sources may use the same id)."""
    query = select(TICKET.c.id).where(TICKET.c.ticket_id == ticket_id.strip(), ticket_scope(viewer))
    if source:
        query = query.where(TICKET.c.source == source.strip())
    query = query.order_by(TICKET.c.id).limit(1)
    with engine.connect() as connection:
        found: int | None = connection.execute(query).scalar_one_or_none()
    return found


def incident_detail(
    engine: Engine,
    viewer: Viewer,
    contract: Contract,
    ticket_pk: int,
    now: datetime | None = None,
) -> IncidentDetail | None:
    """Everything about one ticket, its clocks as of `now` (None: the clock's now); None when
    it does not exist or is outside the viewer's scope."""
    now = now or clock.now()
    stored = [c for c in RESULT.c if c.name not in ("status", "overdue_seconds")]
    as_of = (status_as_of(now).label("status"), overdue_as_of(now).label("overdue_seconds"))
    with engine.connect() as connection:
        row = connection.execute(
            select(TICKET).where(TICKET.c.id == ticket_pk, ticket_scope(viewer))
        ).one_or_none()
        if row is None:
            return None
        results = connection.execute(
            select(*stored, *as_of)
            .where(RESULT.c.ticket_pk == ticket_pk)
            .order_by(RESULT.c.target_id)
        ).all()
        changes = connection.execute(
            select(CHANGE).where(CHANGE.c.ticket_pk == ticket_pk).order_by(CHANGE.c.id)
        ).all()
    fields = row._asdict()
    events = sorted(
        ((name, fields[name]) for name in EVENT_FIELDS if fields.get(name) is not None),
        key=lambda pair: pair[1],
    )
    waivers = waivers_of(engine, [ticket_pk])
    active = {w.target_id: w for w in waivers if w.active}
    requests = requests_of(engine, viewer, [ticket_pk])
    versions = {r.contract_version for r in results if r.contract_version is not None}
    with engine.connect() as connection:
        texts = contract_version_texts(connection, versions)
    clocks = [
        _clock(
            result, _judging(texts.get(result.contract_version), contract), texts, active, requests
        )
        for result in results
    ]
    timeline = _timeline(events, changes, waivers, requests)
    return IncidentDetail(ticket_pk, fields, events, clocks, timeline, waivers, requests)


def _judging(text: ContractText | None, deployment: Contract) -> Contract:
    """The contract version that judged a result (its own limits and wording), read back from
    its kept text; the deployment's when none is recorded or it no longer reads."""
    if text is None:
        return deployment
    try:
        return _contract_of_text(text.content, text.path)
    except ContractError:
        return deployment


@lru_cache(maxsize=64)
def _contract_of_text(content: str, path: str) -> Contract:
    return judging_from_text(content, Path(path)).contract


def _clock(
    result: Any,
    contract: Contract,
    texts: dict[str, ContractText],
    active: dict[str, Waiver],
    requests: list[WaiverRequest],
) -> TargetClock:
    waiver = active.get(result.target_id)
    text = texts.get(result.contract_version)
    judged_by = None if text is None else text.name
    judged_version = None if text is None else text.version[:12]
    try:
        target = contract.target(result.target_id)
        names = (target.name_zh, target.name_en, rule_text(target, contract))
        events = (target.start, target.stop)
    except KeyError:  # a target since removed from the contract: show what was stored
        names = (result.target_id, result.target_id, "")
        events = ("", "")
    return TargetClock(
        result.target_id,
        *names,
        result.status,
        *events,
        result.start,
        result.deadline,
        result.stop,
        result.overdue_seconds,
        result.at_risk_from,
        result.first_violation_at,
        waiver,
        judged_by,
        tuple(r for r in requests if r.target_id == result.target_id),
        judged_version,
    )


def _timeline(
    events: list[tuple[str, datetime]],
    changes: Sequence[Any],
    waivers: list[Waiver],
    requests: list[WaiverRequest],
) -> list[TimelineEntry]:
    entries = [TimelineEntry(at, "event", name) for name, at in events]
    entries += [
        TimelineEntry(
            c.changed_at, "status", c.target_id, f"{c.from_status or '—'} → {c.to_status}"
        )
        for c in changes
    ]
    entries += _request_entries(requests)
    decided = {r.waiver_id for r in requests}
    for waiver in waivers:
        if waiver.id not in decided:  # a decision's waiver is that decision's entry
            entries.append(
                TimelineEntry(
                    waiver.waived_at, "waiver", waiver.target_id, waiver.reason, waiver.waived_by
                )
            )
        if waiver.revoked_at is not None:
            entries.append(
                TimelineEntry(
                    waiver.revoked_at,
                    "revoke",
                    waiver.target_id,
                    waiver.revoke_reason or "",
                    waiver.revoked_by,
                )
            )
    order = {"event": 0, "status": 1, "request": 2, "appeal": 2, "revoke": 4}
    return sorted(entries, key=lambda e: (e.at, order.get(e.kind, 3)))


def _request_entries(requests: list[WaiverRequest]) -> list[TimelineEntry]:
    """Each request or appeal when it was made, and its decision when it was taken."""
    entries = []
    for r in requests:
        asked = f"{r.reason}（{r.evidence_ref}）" if r.evidence_ref else r.reason
        kind = "appeal" if r.kind == "appeal" else "request"
        entries.append(TimelineEntry(r.requested_at, kind, r.target_id, asked, r.requested_by))
        if r.decided_at is not None:
            comment = r.decision_comment or ""
            entries.append(TimelineEntry(r.decided_at, r.state, r.target_id, comment, r.decided_by))
    return entries

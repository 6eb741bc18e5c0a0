"""The bodies the HTTP API takes and returns, as pydantic models: the OpenAPI spec's schemas."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, WithJsonSchema

from monitor.domain.tickets import Status

# PostgreSQL cannot hold a NUL in text: a value with one is refused with 422, not a 500.
NO_NUL = r"^[^\x00]*$"
# An id has no control character (C0, DEL, C1, U+2028/2029) at all: it would split across
# lines in the alerts, e-mail headers and logs that name it (monitor.domain.text.CONTROL).
NO_CONTROL = r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029]*$"

# Times are already ISO 8601 text in the contract's zone (monitor.api.timefmt): the model keeps
# them as they are, so the JSON stays that text, and only the schema says they are date-times.
LocalTime = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]


class ErrorDetail(BaseModel):
    """A refusal with a reason (401, 413)."""

    detail: str = Field(description="原因 why the request was refused")


class TicketBatch(BaseModel):
    """Tickets keyed by field names or the import file's headers (English or 中文)."""

    source: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        pattern=NO_CONTROL,
        description="来源 the tickets' source; default: the token's (the only one it writes)",
    )
    tickets: list[Any] = Field(
        description="objects such as {ticket_id, kind, severity, reported_at, arrived_at …}; "
        "times without an offset are in the contract's zone",
    )


class Rejected(BaseModel):
    """One item of a batch that was not stored, and why."""

    index: int = Field(description="1-based position in `tickets`")
    ticket_id: str | None = Field(description="工单编号 the item's ticket id, if it has one")
    column: str | None = Field(description="出错字段 the field at fault, if one is")
    reason: str = Field(description="原因 what is wrong with the item")
    reason_zh: str | None = Field(
        default=None, description="原因（中文） the reason in Chinese, when it is worded apart"
    )


class BatchOutcome(BaseModel):
    """What POST /api/v1/tickets did with a batch."""

    received: int = Field(description="收到 items in the batch")
    inserted: int = Field(description="新增 tickets stored for the first time")
    updated: int = Field(description="更新 stored tickets that changed")
    unchanged: int = Field(description="未变 stored tickets the batch left as they were")
    rejected: list[Rejected] = Field(description="拒收 items not stored, with reasons")
    evaluated: bool = Field(
        description="the stored tickets were evaluated and timers re-planned before the answer "
        "(wait=evaluated)"
    )
    evaluation: Literal["done", "queued", "failed"] = Field(
        description="评估 done: evaluated before the answer; queued: under way after it "
        "(wait=stored, the default); failed: the evaluation failed, the next timer or whole "
        "evaluation catches up"
    )


class TicketItem(BaseModel):
    """A stored ticket; times are ISO 8601 in the contract's zone, null: not recorded."""

    ticket_id: str = Field(description="工单编号 ticket id")
    kind: str = Field(description="类型 ticket kind")
    reported_at: LocalTime = Field(description="报障时间 reported")
    severity: str | None = Field(description="故障等级 severity")
    source: str = Field(description="来源 where the ticket came from")
    pool: str | None = Field(description="资源池 resource pool")
    operator: str | None = Field(description="运营单位 operator")
    user_unit: str | None = Field(description="使用单位 user unit")
    system: str | None = Field(description="业务系统 business system")
    title: str | None = Field(description="标题 title")
    responded_at: LocalTime | None = Field(description="响应时间 responded")
    arrived_at: LocalTime | None = Field(description="到场时间 arrived on site")
    user_notified_at: LocalTime | None = Field(description="反馈用户时间 user notified")
    restored_at: LocalTime | None = Field(description="恢复时间 service restored")
    confirmed_at: LocalTime | None = Field(description="用户确认时间 user confirmed")
    report_submitted_at: LocalTime | None = Field(description="报告提交时间 report submitted")
    closed_at: LocalTime | None = Field(description="关闭时间 closed")
    restore_size_gb: float | None = Field(description="恢复数据量（GB） data restored, GB")
    regulator_reported_at: LocalTime | None = Field(description="监管报告时间 regulator told")


class TicketPage(BaseModel):
    """One page of GET /api/v1/tickets."""

    items: list[TicketItem]
    next_after: int | None = Field(description="pass as `after` for the next page; null: last")


class ViolationItem(BaseModel):
    """One target's result on one ticket; times are ISO 8601 in the contract's zone."""

    id: int = Field(description="the result's id; pages are keyed by it")
    source: str = Field(description="来源 the ticket's source")
    ticket_id: str = Field(description="工单编号 ticket id")
    pool: str | None = Field(description="资源池 resource pool")
    operator: str | None = Field(description="运营单位 operator")
    kind: str = Field(description="类型 ticket kind")
    severity: str | None = Field(description="故障等级 severity")
    target_id: str = Field(description="考核指标 the contract's target, e.g. major.arrival")
    status: Status = Field(description="状态 the target's verdict")
    start: LocalTime | None = Field(description="起算时间 the clock started; null: not yet")
    deadline: LocalTime | None = Field(description="时限 when the target is due")
    stop: LocalTime | None = Field(description="止算时间 the clock stopped; null: still running")
    overdue_seconds: int | None = Field(description="超时秒数 seconds past the deadline")
    status_since: LocalTime = Field(description="the status has held since")
    status_zh: str = Field(description="状态（中文） the status in Chinese, e.g. 超时违约")


class ViolationPage(BaseModel):
    """One page of GET /api/v1/violations."""

    items: list[ViolationItem]
    next_after: int | None = Field(description="pass as `after` for the next page; null: last")


class Health(BaseModel):
    """The process answers."""

    status: Literal["ok"]


class ReadinessChecks(BaseModel):
    """What readiness depends on."""

    database: str = Field(description="数据库 `ok`, or the error reaching it")
    scheduler: Literal["running", "stopped"] = Field(description="调度器 the timer scheduler")
    caught_up: bool = Field(description="the start-up evaluation has run")
    evaluation: str = Field(
        description="全量评估 `ok`, or how many whole evaluations failed in a row and why"
    )
    storage: str = Field(description="存储空间 `ok`, or that the database's disk is full")


class CollectorHealth(BaseModel):
    """One collector's recent runs; a failing one is a data gap, not unreadiness."""

    name: str = Field(description="采集器 collector name")
    interval_seconds: float = Field(description="seconds between runs")
    last_success: LocalTime | None = Field(description="最近成功 the last good run; null: none")
    consecutive_failures: int = Field(description="连续失败次数 failures since the last success")
    last_error: str | None = Field(description="最近错误 the last run's error, if it failed")


class Readiness(BaseModel):
    """GET /readyz: whether the service is ready, and the checks behind it."""

    status: Literal["ready", "not ready"]
    checks: ReadinessChecks
    next_timer: LocalTime | None = Field(description="下次定时 when the scheduler wakes next")
    collectors: list[CollectorHealth]

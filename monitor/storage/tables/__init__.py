"""The database tables, one module per group; importing the package registers them all on
SQLModel.metadata. Schema changes go through Alembic (monitor/storage/migrations)."""

from __future__ import annotations

from monitor.storage.tables.billing import CatalogueItemRow, StatementLineRow
from monitor.storage.tables.dashboard import (
    AuditLogRow,
    DashboardUserRow,
    WaiverRequestRow,
    WaiverRow,
)
from monitor.storage.tables.metrics import (
    CollectorRunRow,
    CollectorStateRow,
    MetricDailyRollupRow,
    MetricRollupRow,
    OutageRow,
    ResourceRow,
    UsageFigureRow,
)
from monitor.storage.tables.obligations import ObligationEvidenceRow, ObligationPeriodRow
from monitor.storage.tables.records import InspectionRow, SurveyReplyRow
from monitor.storage.tables.results import (
    ContractVersionRow,
    EvaluationRunRow,
    RejudgeRow,
    ResultChangeRow,
    SupersededResultRow,
    TargetResultRow,
)
from monitor.storage.tables.roster import DutyShiftRow
from monitor.storage.tables.service import AlertDeliveryRow, AlertRow, ApiTokenRow
from monitor.storage.tables.tickets import (
    ImportRunRow,
    RejectedRow,
    TicketEventRow,
    TicketHistoryRow,
    TicketRow,
)

__all__ = [
    "AlertDeliveryRow",
    "AlertRow",
    "ApiTokenRow",
    "AuditLogRow",
    "CatalogueItemRow",
    "CollectorRunRow",
    "CollectorStateRow",
    "ContractVersionRow",
    "DashboardUserRow",
    "DutyShiftRow",
    "EvaluationRunRow",
    "ImportRunRow",
    "InspectionRow",
    "MetricDailyRollupRow",
    "MetricRollupRow",
    "ObligationEvidenceRow",
    "ObligationPeriodRow",
    "OutageRow",
    "RejectedRow",
    "RejudgeRow",
    "ResourceRow",
    "ResultChangeRow",
    "StatementLineRow",
    "SupersededResultRow",
    "SurveyReplyRow",
    "TargetResultRow",
    "TicketEventRow",
    "TicketHistoryRow",
    "TicketRow",
    "UsageFigureRow",
    "WaiverRequestRow",
    "WaiverRow",
]

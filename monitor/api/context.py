"""What the API's handlers work with, hung on the app's state by monitor.service.app."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from sqlalchemy import Engine

from monitor.contract.model import Contract
from monitor.settings import ServiceSettings
from monitor.storage.batch_writes import BatchWrite, StoredBatch
from monitor.storage.ingest import ParsedBatch
from monitor.storage.shared_transactions import SharedTransactions

# The file import's validation, injected (monitor/ does not import collectors/).
RecordParser = Callable[[Sequence[Any], Contract, str], ParsedBatch]


@dataclass
class ApiContext:
    engine: Engine
    contract: Contract
    settings: ServiceSettings
    parse_records: RecordParser
    after_ingest: Callable[[Sequence[int]], Any]  # evaluate and re-plan the stored tickets
    queue_ingest: Callable[[Sequence[int]], None]  # the same, begun now, not waited for
    readiness: Callable[[], tuple[bool, dict[str, Any]]]
    # API batches stored together (one lock, one commit, one write of all)
    batch_writes: SharedTransactions[BatchWrite, StoredBatch]


async def api_context(request: Request) -> ApiContext:
    # async: FastAPI runs a plain function dependency on its thread pool, a hand-off to a
    # thread and back on every request, for an attribute read.
    context: ApiContext = request.app.state.slamon
    return context

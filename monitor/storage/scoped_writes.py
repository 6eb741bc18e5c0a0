"""What a token may write of a parsed API batch: tickets of its own source, in its pools before
and after the write. Any other item is rejected with its reason, like a bad item, and the rest
are stored."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from monitor.storage.ingest import ItemProblem, ParsedBatch
from monitor.storage.ticket_keys import tickets_by_key
from monitor.storage.tokens import Token

_POOL_COLUMN = "pool (资源池)"
_CHUNK = 1000  # ids per lookup, well under SQLite's and PostgreSQL's bound-parameter limits


@dataclass(frozen=True, slots=True)
class _Refusal:
    column: str
    reason: str


def keep_within_scope(
    connection: Connection, batch: ParsedBatch, items: Sequence[Any], source: str, token: Token
) -> ParsedBatch:
    """`batch` with the rows `token` may not write moved to its problems and rejected rows.

    The stored tickets are read (and on PostgreSQL locked until the batch is stored) in the
    storing transaction, so a pool checked here is the pool the write changes.
    """
    stored = _stored_pools(connection, source, [row["ticket_id"] for row, _ in batch.rows])
    kept = ParsedBatch(problems=list(batch.problems), rejected=list(batch.rejected))
    for (row, carried), line in zip(batch.rows, batch.lines, strict=True):
        ticket_id = row["ticket_id"]
        refusal = _refusal(token, source, ticket_id in stored, stored.get(ticket_id), row, carried)
        if refusal is None:
            kept.rows.append((row, carried))
            kept.lines.append(line)
            stored[ticket_id] = row["pool"] if "pool" in carried else stored.get(ticket_id)
            continue
        kept.problems.append(ItemProblem(line, ticket_id, refusal.column, refusal.reason))
        kept.rejected.append(
            {
                "line": line,
                "ticket_id": ticket_id[:200],
                "column_name": refusal.column,
                "reason": refusal.reason,
                "raw": json.dumps(items[line - 1], ensure_ascii=False, default=str),
            }
        )
    kept.problems.sort(key=lambda problem: problem.index)
    kept.rejected.sort(key=lambda rejected: int(rejected["line"]))
    return kept


def _refusal(
    token: Token,
    source: str,
    exists: bool,
    stored_pool: str | None,
    row: dict[str, Any],
    carried: tuple[str, ...],
) -> _Refusal | None:
    if source != token.source:
        whose = "已有工单属于" if exists else "工单将属于"
        return _Refusal(
            "source (来源)",
            f"{whose}来源 '{source}'，此令牌只能写入来源 '{token.source}' "
            f"(the ticket {'belongs' if exists else 'would belong'} to source '{source}'; "
            f"this token writes only source '{token.source}')",
        )
    mine = _pools_text(token)
    if exists and not token.holds_pool(stored_pool):
        return _Refusal(
            _POOL_COLUMN,
            f"已有工单在资源池 '{stored_pool or ''}'，不在此令牌的资源池（{mine}）内，"
            "不能修改或移出 "
            f"(the stored ticket is in pool '{stored_pool or ''}', outside this token's pools "
            f"{mine}; it cannot be changed or moved from there)",
        )
    pool = row["pool"] if "pool" in carried else stored_pool
    if token.holds_pool(pool):
        return None
    if pool is None:
        return _Refusal(
            _POOL_COLUMN,
            f"工单须属于此令牌的资源池（{mine}）之一 "
            f"(the ticket needs one of this token's pools: {mine})",
        )
    return _Refusal(
        _POOL_COLUMN,
        f"资源池 '{pool}' 不在此令牌的资源池（{mine}）内，不能移入 "
        f"(pool '{pool}' is outside this token's pools {mine}; a ticket cannot be moved there)",
    )


def _pools_text(token: Token) -> str:
    return "、".join(token.pools or ())


def _stored_pools(connection: Connection, source: str, ticket_ids: list[str]) -> dict[str, Any]:
    """The stored pool of each of `source`'s tickets among `ticket_ids`, locked for the write."""
    found: dict[str, Any] = {}
    unique = sorted(set(ticket_ids))
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start : start + _CHUNK]
        # Locked in key order, as the upsert writes them; FOR NO KEY UPDATE, as the upsert's
        # own lock (it changes no key): an evaluation storing these tickets' results holds
        # KEY SHARE on them, which this must not wait for, or the two would deadlock over
        # tickets each holds.
        found.update(tickets_by_key(connection, ["ticket_id", "pool"], source, chunk, locked=True))
    return found

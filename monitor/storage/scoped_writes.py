"""What a token may write of a parsed API batch: tickets of its own source, in its pools before
and after the write. Any other item is rejected with its reason, like a bad item, and the rest
are stored."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
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
    pools: dict[str, Any], batch: ParsedBatch, items: Sequence[Any], source: str, token: Token
) -> ParsedBatch:
    """`batch` with the rows `token` may not write moved to its problems and rejected rows.

    `pools` holds the pool of each of `source`'s tickets the batch names that is stored or
    kept by a batch before it in the same transaction (read, and on PostgreSQL locked, by
    stored_tickets in the storing transaction, so a pool checked here is the pool the write
    changes); the rows kept here are entered in it for the batches after.
    """
    kept = ParsedBatch(problems=list(batch.problems), rejected=list(batch.rejected))
    for (row, carried), line in zip(batch.rows, batch.lines, strict=True):
        ticket_id = row["ticket_id"]
        refusal = _refusal(token, source, ticket_id in pools, pools.get(ticket_id), row, carried)
        if refusal is None:
            kept.rows.append((row, carried))
            kept.lines.append(line)
            pools[ticket_id] = row["pool"] if "pool" in carried else pools.get(ticket_id)
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


@dataclass(frozen=True, slots=True)
class StoredTicket:
    id: int
    pool: Any


def stored_tickets(
    connection: Connection, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], StoredTicket]:
    """The id and pool of each stored ticket among the (source, ticket id) keys, locked for
    the write."""
    by_source: dict[str, set[str]] = {}
    for source, ticket_id in keys:
        by_source.setdefault(source, set()).add(ticket_id)
    found: dict[tuple[str, str], StoredTicket] = {}
    for source in sorted(by_source):
        unique = sorted(by_source[source])
        for start in range(0, len(unique), _CHUNK):
            chunk = unique[start : start + _CHUNK]
            # Locked in key order, as the upsert writes them; FOR NO KEY UPDATE, as the
            # upsert's own lock (it changes no key): an evaluation storing these tickets'
            # results holds KEY SHARE on them, which this must not wait for, or the two would
            # deadlock over tickets each holds.
            rows = tickets_by_key(
                connection, ["id", "ticket_id", "pool"], source, chunk, locked=True
            )
            found.update(
                ((source, ticket_id), StoredTicket(id_, pool)) for id_, ticket_id, pool in rows
            )
    return found

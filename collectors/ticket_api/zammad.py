"""Zammad REST: /api/v1/tickets/search by updated_at, page numbers, expanded names."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from collectors.ticket_api.base import SourceError, TicketApiCollector


class ZammadCollector(TicketApiCollector):
    id_field = "id"
    updated_field = "updated_at"

    def request(self, cursor: datetime, offset: int) -> tuple[str, dict[str, str]]:
        size = self.source.page_size
        return "/api/v1/tickets/search", {
            "query": f"updated_at:>={self.cursor_text(cursor)}",
            "sort_by": "updated_at",
            "order_by": "asc",
            "expand": "true",
            "per_page": str(size),
            "page": str(offset // size + 1),  # the walk only offsets by whole pages
        }

    def records(self, body: Any) -> list[dict[str, Any]]:
        if not isinstance(body, list):
            raise SourceError("Zammad answer is not a list of tickets", permanent=True)
        return body

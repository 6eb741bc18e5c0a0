"""A paged JSON endpoint described in the collectors file (`endpoint:`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from collectors.ticket_api.base import SourceError, TicketApiCollector, dig


class GenericCollector(TicketApiCollector):
    @property
    def id_field(self) -> str:  # type: ignore[override]
        return self.source.endpoint.id_field

    @property
    def updated_field(self) -> str:  # type: ignore[override]
        return self.source.endpoint.updated_field

    def cursor_text(self, cursor: datetime) -> str:
        return cursor.astimezone(UTC).strftime(self.source.endpoint.since_format)

    def request(self, cursor: datetime, offset: int) -> tuple[str, dict[str, str]]:
        endpoint = self.source.endpoint
        return "", {
            **endpoint.extra_params,
            endpoint.since_param: self.cursor_text(cursor),
            endpoint.offset_param: str(offset),
            endpoint.limit_param: str(self.source.page_size),
        }

    def records(self, body: Any) -> list[dict[str, Any]]:
        items = dig(body, self.source.endpoint.items)
        if not isinstance(items, list):
            raise SourceError(f"no record list at '{self.source.endpoint.items}'", permanent=True)
        return items

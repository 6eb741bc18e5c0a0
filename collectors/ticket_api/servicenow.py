"""ServiceNow Table API: /api/now/table/{table}, by sys_updated_on, display values."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from collectors.ticket_api.base import SourceError, TicketApiCollector


class ServiceNowCollector(TicketApiCollector):
    id_field = "sys_id"
    updated_field = "sys_updated_on"

    def cursor_text(self, cursor: datetime) -> str:
        # Display values are in the API user's zone; the profile says which one that is.
        return cursor.astimezone(self.profile.zone).strftime("%Y-%m-%d %H:%M:%S")

    def request(self, cursor: datetime, offset: int) -> tuple[str, dict[str, str]]:
        day, _, moment = self.cursor_text(cursor).partition(" ")
        query = (
            f"sys_updated_on>=javascript:gs.dateGenerate('{day}','{moment}')"
            "^ORDERBYsys_updated_on^ORDERBYsys_id"
        )
        return f"/api/now/table/{self.source.table}", {
            "sysparm_query": query,
            "sysparm_display_value": "true",
            "sysparm_exclude_reference_link": "true",
            "sysparm_limit": str(self.source.page_size),
            "sysparm_offset": str(offset),
        }

    def records(self, body: Any) -> list[dict[str, Any]]:
        result = body.get("result") if isinstance(body, dict) else None
        if not isinstance(result, list):
            raise SourceError("ServiceNow answer has no result list", permanent=True)
        return result

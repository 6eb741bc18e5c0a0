"""Jira Service Management REST: /rest/api/2/search with JQL `updated >=`, minute precision."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from collectors.ticket_api.base import SourceError, TicketApiCollector

_FIELDS = (
    "summary,issuetype,status,priority,created,updated,resolutiondate,assignee,"
    "statuscategorychangedate"
)


class JiraCollector(TicketApiCollector):
    id_field = "key"
    updated_field = "fields.updated"

    def cursor_text(self, cursor: datetime) -> str:
        # JQL compares in minutes, in the API user's zone: the walk overlaps and dedupes.
        return cursor.astimezone(self.profile.zone).strftime("%Y/%m/%d %H:%M")

    def request(self, cursor: datetime, offset: int) -> tuple[str, dict[str, str]]:
        jql = f'({self.source.jql}) AND updated >= "{self.cursor_text(cursor)}" '
        return "/rest/api/2/search", {
            "jql": jql + "ORDER BY updated ASC, key ASC",
            "startAt": str(offset),
            "maxResults": str(self.source.page_size),
            "fields": _FIELDS,
        }

    def records(self, body: Any) -> list[dict[str, Any]]:
        issues = body.get("issues") if isinstance(body, dict) else None
        if not isinstance(issues, list):
            raise SourceError("Jira answer has no issues list", permanent=True)
        return issues

"""The dashboard link in an alert: SLAMON_DASHBOARD_URL plus the ticket's key."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode


def dashboard_link(facts: dict[str, Any], base_url: str | None) -> str | None:
    if not base_url:
        return None
    query = urlencode({"source": facts["source"], "ticket": facts["ticket_id"]})
    return f"{base_url.rstrip('/')}/?{query}"

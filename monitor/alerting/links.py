"""The dashboard link in an alert: SLAMON_DASHBOARD_URL's ticket detail page for the ticket,
its 履约事项 page for an obligation period."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode


def dashboard_link(facts: dict[str, Any], base_url: str | None) -> str | None:
    """`…/incident?ticket=ID&source=S`: the detail page, through the sign-in when needed."""
    if not base_url:
        return None
    if "obligation_id" in facts:
        return f"{base_url.rstrip('/')}/obligations"
    query = urlencode({"ticket": facts["ticket_id"], "source": facts["source"]})
    return f"{base_url.rstrip('/')}/incident?{query}"

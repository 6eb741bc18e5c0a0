"""Incremental ticket collectors for service desk APIs, registered here by type.

Adding one: a module with a TicketApiCollector subclass that says how to ask for a page
(`request`) and where the records are (`records`), a mapping profile for its fields in
config/mappings/, and a line in TICKET_COLLECTORS.
"""

from __future__ import annotations

from collectors.ticket_api.base import SyncResult, TicketApiCollector
from collectors.ticket_api.generic import GenericCollector
from collectors.ticket_api.jira import JiraCollector
from collectors.ticket_api.servicenow import ServiceNowCollector
from collectors.ticket_api.zammad import ZammadCollector

TICKET_COLLECTORS: dict[str, type[TicketApiCollector]] = {
    "servicenow": ServiceNowCollector,
    "jira": JiraCollector,
    "zammad": ZammadCollector,
    "generic": GenericCollector,
}

__all__ = ["TICKET_COLLECTORS", "SyncResult", "TicketApiCollector"]

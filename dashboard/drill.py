"""Drill-down: a ticket id in any table is a link to its detail page, and a row clicked in a
table opens that ticket on the detail page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

DETAIL_PAGE = "screens/incident.py"
# What a link cell shows: the ticket id out of its address (…incident?ticket=ID&source=S).
_SHOWN = r"ticket=([^&]*)"


def ticket_link(ticket_id: str, source: str) -> str:
    """The detail page's address for one ticket, relative to the page it is shown on, as the
    alert links are: the sign-in keeps it, so it lands on that ticket in a new tab too."""
    return "incident?" + urlencode({"ticket": ticket_id, "source": source})


def ticket_column(label: str) -> ColumnConfig:
    """A column of ticket links that reads as the ticket ids."""
    return st.column_config.LinkColumn(label, display_text=_SHOWN)


def open_clicked(event: Any, tickets: Sequence[tuple[str, str]]) -> None:
    """Open the detail of the row clicked in a table drawn with on_select="rerun" and
    selection_mode="single-row"; `tickets` holds each row's (ticket id, source)."""
    rows = event.selection.rows if event is not None else []
    if not rows or rows[0] >= len(tickets):
        return
    ticket_id, source = tickets[rows[0]]
    # The link decides the ticket shown, not one opened or typed earlier on that page.
    st.session_state.pop("ticket_pk", None)
    st.session_state.pop("detail_ticket_id", None)
    st.switch_page(DETAIL_PAGE, query_params={"ticket": ticket_id, "source": source})

"""The one error boundary of every page: a reader sees a short apology with a reference id,
the log holds the traceback under that id."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from streamlit.errors import FragmentHandledException

from dashboard.i18n import t

LOG = logging.getLogger("slamon.dashboard")


def _log_to_stderr() -> None:
    """Streamlit configures only its own logger: with no handler anywhere, the record would
    reach stderr without its time (Python's last-resort handler)."""
    if not LOG.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        LOG.addHandler(handler)


@contextmanager
def error_boundary() -> Iterator[None]:
    """Run a page (or, as a decorator, a fragment); an exception becomes a friendly error and
    a logged traceback. Streamlit's own st.stop / st.rerun / st.switch_page are BaseExceptions
    and pass through untouched, as does a fragment's error Streamlit has already shown."""
    try:
        yield
    except FragmentHandledException:
        raise
    except Exception:
        reference = uuid.uuid4().hex[:8]
        _log_to_stderr()
        LOG.exception("dashboard error, reference %s", reference)
        st.error(t("error.unexpected", reference=reference))

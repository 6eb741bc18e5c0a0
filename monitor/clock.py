"""The one place that reads the wall clock.

Rules take the evaluation time as an argument; a run reads the clock once, here, and passes
the instant down, so that every decision in one run agrees on what "now" is.
"""

from datetime import UTC, datetime


def now() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return datetime.now(UTC)

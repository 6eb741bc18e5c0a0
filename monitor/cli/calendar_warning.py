"""The warning `slamon evaluate` and `slamon score` print when results need a year the
working-day calendar does not know: once, on stderr, so JSON on stdout stays clean."""

from __future__ import annotations

from collections.abc import Iterable

from monitor.cli.context import Runtime
from monitor.cli.language import WARNING_LEAD, echo
from monitor.domain.tickets import TargetResult
from monitor.rules.calendar_gaps import calendar_warning, years_needed


def warn_unknown_calendar(results: Iterable[TargetResult], runtime: Runtime) -> None:
    """The one warning on stderr when results are calendar_unknown; nothing otherwise."""
    warning = calendar_warning(years_needed(results, runtime.calendar, runtime.contract.zone))
    if warning is not None:
        echo(WARNING_LEAD + warning, err=True)

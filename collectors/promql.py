"""PromQL text slamon writes: whether a query is a plain series selector, and that selector
narrowed to a set of label values."""

from __future__ import annotations

import re
from collections.abc import Sequence

_SELECTOR = re.compile(r"^\s*([A-Za-z_:][A-Za-z0-9_:]*)?\s*(\{[^{}]*\})?\s*$")


def is_selector(query: str) -> bool:
    return bool(query.strip()) and _SELECTOR.match(query) is not None


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def narrowed(selector: str, label: str, values: Sequence[str]) -> str:
    """The selector's series whose `label` is one of `values` (an empty list: unset label)."""
    found = _SELECTOR.match(selector)
    if found is None or not selector.strip():
        raise ValueError(f"not a plain series selector: {selector!r}")
    name, braces = found.group(1) or "", found.group(2) or "{}"
    # One regular expression of escaped literals: both stores turn it into a set lookup.
    matcher = (
        f"{label}=~{_quoted('|'.join(re.escape(v) for v in values))}" if values else f'{label}=""'
    )
    inner = braces[1:-1].strip().rstrip(",").strip()
    return f"{name}{{{inner + ',' if inner else ''}{matcher}}}"

"""Pages of a long list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
MAX_PAGE_SIZE = 200


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    rows: list[T]
    total: int
    page: int  # 1-based
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def bounded(page: int, page_size: int) -> tuple[int, int]:
    """(limit, offset) for a 1-based page; sizes are clamped to 1..MAX_PAGE_SIZE."""
    size = min(max(1, page_size), MAX_PAGE_SIZE)
    return size, (max(1, page) - 1) * size

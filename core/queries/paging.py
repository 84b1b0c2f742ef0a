"""One page of a list: the rows, how many there are in all, and where this page sits.

Every staff list (the hub's queues and search, undelivered messages, webhook deliveries, the money
log, the mailbox) is read a page at a time through ``page_of``, so each shows the same counts and
the same page links. The caller's query must have a total order (ending on a unique column), or
rows could move between pages from one request to the next.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")
PER_PAGE = 50
LAST_PAGE = 100_000  # far past any shop's history, and an offset every database takes


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: Sequence[T]
    total: int  # rows in the whole list, not just this page
    number: int  # 1-based, within 1..pages
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """The position of this page's first row in the whole list (0 when the list is empty)."""
        return (self.number - 1) * self.per_page + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    def around(self, width: int = 2) -> list[int]:
        """The page numbers to link to: the first, the last, and ``width`` either side of this one."""
        near = range(max(1, self.number - width), min(self.pages, self.number + width) + 1)
        return sorted({1, self.pages, *near})


def wanted_page(raw: object) -> int:
    """A page number from a query string: anything that is not a whole number >= 1 is the first page."""
    text = str(raw or "").strip()[:12]
    # ASCII digits only: str.isdigit also passes "²" and other digits int() refuses.
    if not text or not text.isascii() or not text.isdigit():
        return 1
    return min(max(int(text), 1), LAST_PAGE)


def count(session: Session, query: Select[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0)


def page_of(
    session: Session,
    query: Select[Any],
    number: int,
    row: Callable[[Any], T],
    *,
    per_page: int = PER_PAGE,
    total: int | None = None,
) -> Page[T]:
    """Page ``number`` of ``query`` (past the end: the last page), each result made into ``row``.
    ``total`` may be given when the caller has counted the list another way."""
    found = count(session, query) if total is None else total
    last = max(1, -(-found // per_page))
    number = min(max(1, number), last)
    results = session.execute(query.limit(per_page).offset((number - 1) * per_page))
    return Page([row(result) for result in results], found, number, per_page)

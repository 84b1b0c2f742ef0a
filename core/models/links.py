"""Which collection of which parent holds a new row: read from the mappers, never restated."""

from __future__ import annotations

from functools import cache

from sqlalchemy.orm import RelationshipDirection

from core.db import Base

Link = tuple[str, type, str]  # (the row's foreign key attribute, the parent model, the parent's collection)


@cache
def parents(model: type) -> tuple[Link, ...]:
    """The one-to-many collections a row of ``model`` belongs to (``Order.lines`` for an ``OrderLine``)."""
    found = []
    for mapper in Base.registry.mappers:
        for relation in mapper.relationships:
            one_to_many = relation.uselist and relation.direction is RelationshipDirection.ONETOMANY
            if one_to_many and relation.mapper.class_ is model:
                ((_, foreign_key),) = relation.local_remote_pairs
                found.append((foreign_key.key, mapper.class_, relation.key))
    return tuple(found)

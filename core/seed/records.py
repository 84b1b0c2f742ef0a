"""In-memory rows shaped like the models, for the seed's unit: the domain rules run on them unchanged.

A record class is made from each model's mapping (its column attributes, its collections, and
its own properties such as ``Payment.refundable_minor``), so nothing here restates a model.
Plain slots classes cost a tenth of an ORM object, which matters at millions of rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, make_dataclass
from datetime import datetime
from operator import attrgetter
from types import FunctionType
from typing import Any

from sqlalchemy import inspect

import core.models  # noqa: F401  (registers every table)
from core.db import Base, UTCDateTime


def _default(column: Any) -> Any:
    default = column.default
    return default.arg if default is not None and default.is_scalar else None


def _record_class(model: type) -> type:
    mapper = inspect(model)
    columns = list(model.__table__.columns)  # type: ignore[attr-defined]
    fields: list[tuple[str, Any, Any]] = [(c.key, Any, field(default=_default(c))) for c in columns]
    fields += [(r.key, list, field(default_factory=list)) for r in mapper.relationships if r.uselist]
    made = make_dataclass(f"{model.__name__}Record", fields, slots=True, eq=False)
    made.model = model  # type: ignore[attr-defined]
    for name, value in vars(model).items():
        if isinstance(value, property) or (isinstance(value, FunctionType) and not name.startswith("_")):
            setattr(made, name, value)  # the model's own derived values, e.g. OrderLine.paid_unit_minor
    return made


@dataclass(frozen=True)
class Shape:
    """One table as the seed writes it: columns in table order, and where its times are."""

    table: str
    columns: tuple[str, ...]
    times: tuple[int, ...]  # positions of UTCDateTime columns
    record: type
    values: Callable[[Any], tuple[Any, ...]]

    def row(self, record: Any, text: Callable[[datetime], str]) -> tuple[Any, ...]:
        """The record as a row tuple, times in the backend's stored text."""
        values = self.values(record)
        if not self.times:
            return values
        found = list(values)
        for index in self.times:
            if found[index] is not None:
                found[index] = text(found[index])
        return tuple(found)


def _shape(model: type) -> Shape:
    table = model.__table__  # type: ignore[attr-defined]
    columns = tuple(str(column.key) for column in table.columns)
    times = tuple(i for i, column in enumerate(table.columns) if isinstance(column.type, UTCDateTime))
    return Shape(str(table.name), columns, times, _record_class(model), attrgetter(*columns))


SHAPES: dict[type, Shape] = {mapper.class_: _shape(mapper.class_) for mapper in Base.registry.mappers}
BY_TABLE: dict[str, Shape] = {shape.table: shape for shape in SHAPES.values()}
# Parents before children, as foreign keys require on PostgreSQL.
TABLE_ORDER: tuple[str, ...] = tuple(str(table.name) for table in Base.metadata.sorted_tables)

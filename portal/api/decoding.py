"""Request bodies decoded straight into typed records (msgspec), for the schemas it can express.

A 1000-event batch is parsed and checked by msgspec's C decoder several times faster than by
parsing it into dicts and walking the schema, and it comes out as records ready to read. The
record types are built from the same JSON Schemas (``portal.api.schemas``), for the subset that
msgspec expresses one to one: strings with lengths, a pattern or an enum, nullable or not;
date-times; closed objects of those; arrays of such objects with item counts. A date-time is
read as text and replaced by its parsed value (``validity.parse_time``, the schema's own rule).

``decode`` answers None for any body it does not accept and for schemas outside the subset;
the caller then validates the usual way, which explains what is wrong.
``tests/unit/staff/test_validation.py`` checks that it never accepts what the schema refuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from portal.api.schemas import SCHEMAS
from portal.api.validity import is_closed_object, parse_time, resolve, text_field


class _Unsupported(Exception):
    """The schema uses something this subset does not express exactly."""


@dataclass(frozen=True, slots=True)
class _Shape:
    """A record type and what msgspec leaves to us: its date-time fields (read as text) and
    its fields holding lists of records."""

    type: Any
    times: tuple[str, ...]
    lists: tuple[tuple[str, _Shape], ...]


def _string(schema: dict[str, Any]) -> Any:
    """The msgspec type of a (nullable) string field."""
    nullable = text_field(schema)
    if nullable is None:
        raise _Unsupported
    if "enum" in schema:
        if set(schema) & {"minLength", "maxLength", "pattern", "format"}:
            raise _Unsupported
        base: Any = Literal[tuple(a for a in schema["enum"] if isinstance(a, str))]  # type: ignore[valid-type]
    else:
        limits = {"min_length": schema.get("minLength"), "max_length": schema.get("maxLength")}
        limits["pattern"] = schema.get("pattern")
        meta = {name: value for name, value in limits.items() if value is not None}
        base = Annotated[str, Meta(**meta)] if meta else str
    return base | None if nullable else base


def _list_of(schema: dict[str, Any], name: str) -> tuple[Any, _Shape]:
    if set(schema) - {"type", "items", "minItems", "maxItems", "description"} or schema.get("type") != "array":
        raise _Unsupported
    items = schema["items"]
    inner = _record(resolve(items), items["$ref"].rsplit("/", 1)[-1] if "$ref" in items else name)
    meta = Meta(min_length=schema.get("minItems", 0), max_length=schema.get("maxItems"))
    return Annotated[list[inner.type], meta], inner  # type: ignore[name-defined]


def _record(schema: dict[str, Any], name: str) -> _Shape:
    """The record type of a closed object whose fields are strings or lists of records."""
    if not is_closed_object(schema):
        raise _Unsupported
    fields: list[tuple[Any, ...]] = []
    times, lists = [], []
    for field, sub in schema["properties"].items():
        sub = resolve(sub)
        if sub.get("type") == "array":
            kind, inner = _list_of(sub, f"{name}_{field}")
            lists.append((field, inner))
        else:
            kind = _string(sub)
            if sub.get("format") == "date-time":
                times.append(field)
        fields.append((field, kind) if field in schema["required"] else (field, kind, None))
    record = msgspec.defstruct(name, fields, kw_only=True, forbid_unknown_fields=True)
    return _Shape(record, tuple(times), tuple(lists))


@cache
def _decoder(name: str) -> tuple[msgspec.json.Decoder[Any], _Shape] | None:
    try:
        shape = _record(SCHEMAS[name], name)
    except _Unsupported:
        return None
    return msgspec.json.Decoder(shape.type), shape


def _read_times(record: Any, shape: _Shape) -> bool:
    """Replace each date-time text by its value; False if one is not an RFC 3339 date-time."""
    for field in shape.times:
        text = getattr(record, field)
        if text is not None:
            moment = parse_time(text)
            if moment is None:
                return False
            setattr(record, field, moment)
    for field, inner in shape.lists:
        for item in getattr(record, field):
            if not _read_times(item, inner):
                return False
    return True


def decode(raw: bytes, name: str) -> Any | None:
    """The JSON body ``raw`` as a record of schema ``name``, or None if it is not a valid one
    (or the schema is outside the subset)."""
    found = _decoder(name)
    if found is None:
        return None
    decoder, shape = found
    try:
        record = decoder.decode(raw)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    return record if _read_times(record, shape) else None


def convert(document: Any, name: str) -> Any | None:
    """``decode`` for a document already parsed (and found valid by ``validation.problems``)."""
    found = _decoder(name)
    if found is None:
        return None
    try:
        record = msgspec.convert(document, found[1].type)
    except msgspec.ValidationError:
        return None
    return record if _read_times(record, found[1]) else None

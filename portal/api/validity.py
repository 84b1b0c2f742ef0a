"""A yes/no form of ``portal.api.validation`` for the same schemas and keywords.

Answering "is it valid?" costs a fraction of collecting every problem with its field path,
and almost every request is valid; ``validation.problems`` asks this first and only
collects messages when the answer is no. ``tests/unit/staff/test_validation.py`` checks
that both forms agree on generated and mutated documents.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from portal.api.schemas import SCHEMAS

Valid = Callable[[Any], bool]
_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
    "null": (type(None),),
}
_compiled: dict[int, Valid] = {}


def parse_time(value: str) -> datetime | None:
    """An RFC 3339 date-time (a date, a time and an offset or Z, all required), or None."""
    if len(value) < 20 or value[10] not in "Tt ":
        return None
    try:  # fromisoformat knows "Z" but not "z"
        moment = datetime.fromisoformat(value if "z" not in value else value.replace("z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def is_datetime(value: str) -> bool:
    return parse_time(value) is not None


def type_test(schema: dict[str, Any]) -> Valid | None:
    """Whether a value has one of the schema's JSON types (``None`` when it names none)."""
    if "type" not in schema:
        return None
    names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    accepted = tuple(t for n in names for t in _PYTHON_TYPES[n])
    refuse_bool = "boolean" not in names  # bool is an int subclass, but never a JSON number
    return lambda value: isinstance(value, accepted) and not (refuse_bool and value.__class__ is bool)


def _string(schema: dict[str, Any]) -> Valid | None:
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    pattern = re.compile(schema["pattern"]).search if "pattern" in schema else None
    is_time = schema.get("format") == "date-time"
    if not low and high is None and pattern is None and not is_time:
        return None

    def valid(value: Any) -> bool:
        if not isinstance(value, str):
            return True
        if len(value) < low or (high is not None and len(value) > high):
            return False
        return (pattern is None or pattern(value) is not None) and (not is_time or is_datetime(value))

    return valid


def _number(schema: dict[str, Any]) -> Valid | None:
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is None and high is None:
        return None

    def valid(value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return True
        return (low is None or value >= low) and (high is None or value <= high)

    return valid


def _enum(schema: dict[str, Any]) -> Valid | None:
    if "enum" not in schema:
        return None
    allowed = schema["enum"]
    return lambda value: any(value == a and type(value) is type(a) for a in allowed)


def _object(schema: dict[str, Any]) -> Valid | None:
    if "properties" not in schema and "required" not in schema:
        return None
    properties = {name: compile_validity(sub) for name, sub in schema.get("properties", {}).items()}
    required, closed = schema.get("required", []), schema.get("additionalProperties") is False
    only_objects = schema.get("type") == "object"  # then this check is the type check too

    def valid(value: Any) -> bool:
        if not isinstance(value, dict):
            return not only_objects
        for name in required:
            if name not in value:
                return False
        for name, item in value.items():
            check = properties.get(name)
            if check is None:
                if closed:
                    return False
            elif not check(item):
                return False
        return True

    return valid


def _array(schema: dict[str, Any]) -> Valid | None:
    if "items" not in schema and "minItems" not in schema and "maxItems" not in schema:
        return None
    item = compile_validity(schema["items"]) if "items" in schema else None
    low, high = schema.get("minItems", 0), schema.get("maxItems")

    def valid(value: Any) -> bool:
        if not isinstance(value, list):
            return True
        if len(value) < low or (high is not None and len(value) > high):
            return False
        return item is None or all(map(item, value))

    return valid


def _one_of(schema: dict[str, Any]) -> Valid | None:
    if "oneOf" not in schema:
        return None
    options = [compile_validity(option) for option in schema["oneOf"]]
    # Like the collecting validator, the first option that fits is enough.
    return lambda value: any(option(value) for option in options)


def _all(checks: list[Valid]) -> Valid:
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda value: first(value) and second(value)
    return lambda value: all(check(value) for check in checks)


_TEXT_KEYWORDS = {"type", "minLength", "maxLength", "pattern", "format", "enum", "description"}


TextSpec = tuple[bool, int, int, frozenset[str] | None, Callable[[str], Any] | None, bool]


def text_field(schema: dict[str, Any]) -> bool | None:
    """Whether a (nullable) string field, described with string keywords only, allows null;
    ``None`` if the schema is not such a field. The fast validator and the typed decoder
    (``decoding``) take the same fields."""
    names = schema.get("type")
    names = names if isinstance(names, list) else [names]
    if not set(schema) <= _TEXT_KEYWORDS or not set(names) <= {"string", "null"} or "string" not in names:
        return None
    allowed = schema.get("enum")
    return "null" in names and (allowed is None or None in allowed)


def is_closed_object(schema: dict[str, Any]) -> bool:
    """An object schema with properties, required fields and no others, and nothing more."""
    if set(schema) != {"type", "properties", "required", "additionalProperties"}:
        return False
    return schema["type"] == "object" and schema["additionalProperties"] is False


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema a ``$ref`` names (no schema refers to itself), or ``schema`` itself."""
    return SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]] if "$ref" in schema else schema


def _text_spec(schema: dict[str, Any]) -> TextSpec | None:
    """(null allowed, min length, max length, allowed texts, pattern, is a time) of a (nullable)
    string field, the commonest leaf; ``None`` for any other schema."""
    null_ok = text_field(schema)
    if null_ok is None:
        return None
    allowed = schema.get("enum")
    texts = None if allowed is None else frozenset(a for a in allowed if isinstance(a, str))
    pattern = re.compile(schema["pattern"]).search if "pattern" in schema else None
    low, high = schema.get("minLength", 0), schema.get("maxLength", 1 << 62)
    return null_ok, low, high, texts, pattern, schema.get("format") == "date-time"


def _is_text(spec: TextSpec, value: Any) -> bool:
    null_ok, low, high, texts, pattern, is_time = spec
    if value is None:
        return null_ok
    if value.__class__ is not str or not low <= len(value) <= high or (texts is not None and value not in texts):
        return False
    return (pattern is None or pattern(value) is not None) and (not is_time or is_datetime(value))


def _text_leaf(schema: dict[str, Any]) -> Valid | None:
    """One check for a string field: a batch has thousands."""
    spec = _text_spec(schema)
    return None if spec is None else partial(_is_text, spec)


def _text_record(schema: dict[str, Any]) -> Valid | None:
    """A closed object of text fields only (a tracking event: a batch has a thousand), checked
    in one loop over its fields instead of through the general object, type and leaf layers."""
    if not is_closed_object(schema):
        return None
    specs = {name: _text_spec(resolve(sub)) for name, sub in schema["properties"].items()}
    if None in specs.values():
        return None
    required = frozenset(schema["required"])
    return partial(_is_text_record, required, specs)


def _is_text_record(required: frozenset[str], specs: dict[str, TextSpec], value: Any) -> bool:
    if value.__class__ is not dict or not required <= value.keys():
        return False
    for name, item in value.items():
        spec = specs.get(name)
        if spec is None or not _is_text(spec, item):
            return False
    return True


def compile_validity(schema: dict[str, Any]) -> Valid:
    """A function answering whether a value satisfies ``schema``."""
    if "$ref" in schema:
        return compile_validity(resolve(schema))
    key = id(schema)
    if key not in _compiled and (leaf := _text_leaf(schema) or _text_record(schema)) is not None:
        _compiled[key] = leaf
    if key not in _compiled:
        typed = schema.get("type") == "object" and "properties" in schema  # _object checks the type
        parts = [None if typed else type_test(schema), _string(schema), _number(schema), _enum(schema)]
        parts += [_object(schema), _array(schema), _one_of(schema)]
        checks = [part for part in parts if part is not None]
        _compiled[key] = _all(checks) if checks else (lambda value: True)
    return _compiled[key]


def is_valid(value: Any, schema: dict[str, Any]) -> bool:
    return compile_validity(schema)(value)

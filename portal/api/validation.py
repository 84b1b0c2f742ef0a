"""A small JSON Schema validator for the keywords the API's schemas use.

It collects every problem, keyed by field path (``lines[0].sku``), so a client gets one
message per field. Schemas are compiled into closures once, and a field's path is only
spelled out when it has a problem (paths travel as linked ``(parent, name)`` pairs), which
keeps validating a 1000-event batch cheap.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from portal.api.schemas import SCHEMAS
from portal.api.validity import is_datetime as _is_datetime
from portal.api.validity import is_valid, resolve, type_test

Path = tuple[Any, str | int] | None  # (parent path, property name or item index); None is the body
Check = Callable[[Any, Path, dict[str, str]], None]
_compiled: dict[int, Check] = {}


def spell(path: Path) -> str:
    """``(((None, "lines"), 0), "sku")`` -> ``lines[0].sku``; the body itself is ``body``."""
    parts: list[str] = []
    while path is not None:
        path, name = path
        parts.append(f"[{name}]" if isinstance(name, int) else (f".{name}" if path is not None else name))
    return "".join(reversed(parts)) or "body"


def _type_test(schema: dict[str, Any]) -> tuple[Callable[[Any], bool], str] | None:
    test = type_test(schema)
    if test is None:
        return None
    names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    return test, f"Must be {' or '.join(names)}."


def _string_checks(schema: dict[str, Any]) -> list[Check]:
    low, high = schema.get("minLength"), schema.get("maxLength")
    pattern = re.compile(schema["pattern"]) if "pattern" in schema else None
    is_time = schema.get("format") == "date-time"
    if low is None and high is None and pattern is None and not is_time:
        return []

    def check(value: Any, path: Path, errors: dict[str, str]) -> None:
        if not isinstance(value, str):
            return
        if low is not None and len(value) < low:
            errors[spell(path)] = "Must not be empty." if low == 1 else f"Must have at least {low} characters."
        elif high is not None and len(value) > high:
            errors[spell(path)] = f"Must have at most {high} characters."
        elif pattern is not None and not pattern.search(value):
            errors[spell(path)] = f"Does not match the expected format {pattern.pattern}."
        elif is_time and not _is_datetime(value):
            errors[spell(path)] = "Must be an ISO 8601 date-time with a time zone, e.g. 2025-01-31T14:00:00Z."

    return [check]


def _number_checks(schema: dict[str, Any]) -> list[Check]:
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is None and high is None:
        return []

    def check(value: Any, path: Path, errors: dict[str, str]) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return
        if low is not None and value < low:
            errors[spell(path)] = f"Must be at least {low}."
        elif high is not None and value > high:
            errors[spell(path)] = f"Must be at most {high}."

    return [check]


def _enum_check(schema: dict[str, Any]) -> list[Check]:
    if "enum" not in schema:
        return []
    allowed = schema["enum"]
    listed = ", ".join(str(a) for a in allowed if a is not None)

    def check(value: Any, path: Path, errors: dict[str, str]) -> None:
        if not any(value == a and type(value) is type(a) for a in allowed):
            errors[spell(path)] = f"Must be one of: {listed}."

    return [check]


def _object_checks(schema: dict[str, Any]) -> list[Check]:
    if "properties" not in schema and "required" not in schema:
        return []
    properties = {name: compile_schema(sub) for name, sub in schema.get("properties", {}).items()}
    required = schema.get("required", [])
    closed = schema.get("additionalProperties") is False

    def check(value: Any, path: Path, errors: dict[str, str]) -> None:
        if not isinstance(value, dict):
            return
        for name in required:
            if name not in value:
                errors[spell((path, name))] = "This field is required."
        for name, item in value.items():
            sub = properties.get(name)
            if sub is not None:
                sub(item, (path, name), errors)
            elif closed:
                errors[spell((path, str(name)))] = "Unknown field."

    return [check]


def _array_checks(schema: dict[str, Any]) -> list[Check]:
    if "items" not in schema and "minItems" not in schema and "maxItems" not in schema:
        return []
    item = compile_schema(schema["items"]) if "items" in schema else None
    low, high = schema.get("minItems"), schema.get("maxItems")

    def check(value: Any, path: Path, errors: dict[str, str]) -> None:
        if not isinstance(value, list):
            return
        if low is not None and len(value) < low:
            errors[spell(path)] = f"Needs at least {low} item{'s' if low != 1 else ''}."
        elif high is not None and len(value) > high:
            errors[spell(path)] = f"Takes at most {high} items."
        elif item is not None:
            for index, element in enumerate(value):
                item(element, (path, index), errors)

    return [check]


def _one_of(schema: dict[str, Any]) -> list[Check]:
    if "oneOf" not in schema:
        return []
    options = [(option.get("type") == "null", compile_schema(option)) for option in schema["oneOf"]]

    def check(value: Any, path: Path, errors: dict[str, str]) -> None:
        attempts = []
        for is_null, option in options:
            found: dict[str, str] = {}
            option(value, path, found)
            if not found:
                return
            if not is_null:  # "must be null" would not help someone who sent an object
                attempts.append(found)
        errors.update(min(attempts, key=len) if attempts else {spell(path): "Must be null."})

    return [check]


def _combine(type_test: tuple[Callable[[Any], bool], str] | None, rest: list[Check]) -> Check:
    if type_test is None and len(rest) == 1:
        return rest[0]
    test, message = type_test or (lambda value: True, "")

    def check(value: Any, path: Path, errors: dict[str, str]) -> None:
        if not test(value):
            errors[spell(path)] = message
            return
        for part in rest:
            part(value, path, errors)

    return check


def compile_schema(schema: dict[str, Any]) -> Check:
    """A function that adds the problems of a value to ``errors``."""
    if "$ref" in schema:
        return compile_schema(resolve(schema))
    key = id(schema)
    if key not in _compiled:
        rest = [*_string_checks(schema), *_number_checks(schema), *_enum_check(schema)]
        rest += [*_object_checks(schema), *_array_checks(schema), *_one_of(schema)]
        _compiled[key] = _combine(_type_test(schema), rest)
    return _compiled[key]


def problems(value: Any, schema_name: str) -> dict[str, str]:
    """Every problem of ``value`` against the named schema; empty means valid."""
    if is_valid(value, SCHEMAS[schema_name]):  # the common case, answered without collecting
        return {}
    errors: dict[str, str] = {}
    compile_schema(SCHEMAS[schema_name])(value, None, errors)
    return errors


def parameter_problems(value: Any, name: str, schema: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    compile_schema(schema)(value, (None, name), errors)
    return errors

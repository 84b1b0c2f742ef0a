"""A small JSON Schema validator for the keywords the API's schemas use.

It collects every problem, keyed by field path (``lines[0].sku``), so a client gets one
message per field. Schemas are compiled into closures once, which keeps validating a
1000-event batch cheap.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from portal.api.schemas import SCHEMAS

Check = Callable[[Any, str, dict[str, str]], None]
_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
}
_compiled: dict[int, Check] = {}


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _is_datetime(value: str) -> bool:
    """RFC 3339 date-time: a date, a time and an offset (or Z) are all required."""
    if len(value) < 20 or value[10] not in "Tt ":
        return False
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return False
    return moment.tzinfo is not None


def _type_check(schema: dict[str, Any]) -> Check | None:
    wanted = schema.get("type")
    if wanted is None:
        return None
    names = wanted if isinstance(wanted, list) else [wanted]
    tests = [_TYPES[n] for n in names]
    label = " or ".join(n.replace("null", "null") for n in names)

    def check(value: Any, path: str, errors: dict[str, str]) -> None:
        if not any(test(value) for test in tests):
            errors[path or "body"] = f"Must be {label}."

    return check


def _string_checks(schema: dict[str, Any]) -> list[Check]:
    checks: list[Check] = []
    low, high = schema.get("minLength"), schema.get("maxLength")
    pattern = re.compile(schema["pattern"]) if "pattern" in schema else None
    is_time = schema.get("format") == "date-time"

    def check(value: Any, path: str, errors: dict[str, str]) -> None:
        if not isinstance(value, str):
            return
        if low is not None and len(value) < low:
            errors[path] = "Must not be empty." if low == 1 else f"Must have at least {low} characters."
        elif high is not None and len(value) > high:
            errors[path] = f"Must have at most {high} characters."
        elif pattern is not None and not pattern.search(value):
            errors[path] = f"Does not match the expected format {pattern.pattern}."
        elif is_time and not _is_datetime(value):
            errors[path] = "Must be an ISO 8601 date-time with a time zone, e.g. 2025-01-31T14:00:00Z."

    if low is not None or high is not None or pattern is not None or is_time:
        checks.append(check)
    return checks


def _number_checks(schema: dict[str, Any]) -> list[Check]:
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is None and high is None:
        return []

    def check(value: Any, path: str, errors: dict[str, str]) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return
        if low is not None and value < low:
            errors[path] = f"Must be at least {low}."
        elif high is not None and value > high:
            errors[path] = f"Must be at most {high}."

    return [check]


def _enum_check(schema: dict[str, Any]) -> list[Check]:
    if "enum" not in schema:
        return []
    allowed = schema["enum"]
    listed = ", ".join(str(a) for a in allowed if a is not None)

    def check(value: Any, path: str, errors: dict[str, str]) -> None:
        if not any(value == a and type(value) is type(a) for a in allowed):
            errors[path] = f"Must be one of: {listed}."

    return [check]


def _object_checks(schema: dict[str, Any]) -> list[Check]:
    if "properties" not in schema and "required" not in schema:
        return []
    properties = {name: compile_schema(sub) for name, sub in schema.get("properties", {}).items()}
    required = schema.get("required", [])
    closed = schema.get("additionalProperties") is False

    def check(value: Any, path: str, errors: dict[str, str]) -> None:
        if not isinstance(value, dict):
            return
        for name in required:
            if name not in value:
                errors[_join(path, name)] = "This field is required."
        for name, item in value.items():
            sub = properties.get(name)
            if sub is not None:
                sub(item, _join(path, name), errors)
            elif closed:
                errors[_join(path, str(name))] = "Unknown field."

    return [check]


def _array_checks(schema: dict[str, Any]) -> list[Check]:
    if "items" not in schema and "minItems" not in schema and "maxItems" not in schema:
        return []
    item = compile_schema(schema["items"]) if "items" in schema else None
    low, high = schema.get("minItems"), schema.get("maxItems")

    def check(value: Any, path: str, errors: dict[str, str]) -> None:
        if not isinstance(value, list):
            return
        if low is not None and len(value) < low:
            errors[path] = f"Needs at least {low} item{'s' if low != 1 else ''}."
            return
        if high is not None and len(value) > high:
            errors[path] = f"Takes at most {high} items."
            return
        if item is not None:
            for index, element in enumerate(value):
                item(element, f"{path}[{index}]", errors)

    return [check]


def _one_of(schema: dict[str, Any]) -> list[Check]:
    if "oneOf" not in schema:
        return []
    options = [(option.get("type") == "null", compile_schema(option)) for option in schema["oneOf"]]

    def check(value: Any, path: str, errors: dict[str, str]) -> None:
        attempts = []
        for is_null, option in options:
            found: dict[str, str] = {}
            option(value, path, found)
            if not found:
                return
            if not is_null:  # "must be null" would not help someone who sent an object
                attempts.append(found)
        errors.update(min(attempts, key=len) if attempts else {path: "Must be null."})

    return [check]


def compile_schema(schema: dict[str, Any]) -> Check:
    """A function that adds the problems of a value to ``errors``."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return lambda value, path, errors: compile_schema(SCHEMAS[name])(value, path, errors)
    key = id(schema)
    if key in _compiled:
        return _compiled[key]
    type_check = _type_check(schema)
    rest = [*_string_checks(schema), *_number_checks(schema), *_enum_check(schema)]
    rest += [*_object_checks(schema), *_array_checks(schema), *_one_of(schema)]

    def check(value: Any, path: str, errors: dict[str, str]) -> None:
        before = len(errors)
        if type_check is not None:
            type_check(value, path, errors)
            if len(errors) > before:
                return
        for part in rest:
            part(value, path, errors)

    _compiled[key] = check
    return check


def problems(value: Any, schema_name: str) -> dict[str, str]:
    """Every problem of ``value`` against the named schema; empty means valid."""
    errors: dict[str, str] = {}
    compile_schema(SCHEMAS[schema_name])(value, "", errors)
    return errors


def parameter_problems(value: Any, name: str, schema: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    compile_schema(schema)(value, name, errors)
    return errors

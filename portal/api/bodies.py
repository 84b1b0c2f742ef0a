"""Request bodies and parameters read into the types of ``portal.api.schemas``.

msgspec decodes a body straight into its Struct, checking every limit on the way, or refuses
it at the first problem. A refused body is then explained: ``problems`` walks the document
along the same types and reports every field that msgspec refuses, one message per field path
(``lines[0].sku``), so a client fixes a whole order, or every bad event of a batch, in one go.
Which values are valid is msgspec's answer alone; this module only finds and words them.
"""

from __future__ import annotations

import json
import re
from functools import cache
from types import UnionType
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

import msgspec
from flask import Response, request
from msgspec import UnsetType
from msgspec.inspect import Metadata, StrType, type_info
from msgspec.inspect import UnionType as UnionInfo

from core import characters
from portal.api.schemas import LINE, LINES, NO_FINAL_NEWLINE
from web.errors import problem

T = TypeVar("T")
TIME_MESSAGE = "Must be an ISO 8601 date-time with a time zone, e.g. 2025-01-31T14:00:00Z."
_TYPE_NAMES = {"int": "integer", "str": "string", "bool": "boolean", "datetime": "string", "float": "number"}


@cache
def _decoder(kind: type[T]) -> msgspec.json.Decoder[T]:
    return msgspec.json.Decoder(kind)


def read(kind: type[T]) -> tuple[T | None, Response | None]:
    """The JSON body as a ``kind``, or the problem response to send instead."""
    if not request.is_json:
        return None, problem(415, "Unsupported media type", "Send the body as application/json.")
    raw = request.get_data(cache=True).removeprefix(b"\xef\xbb\xbf")  # RFC 8259: a parser may ignore a BOM
    try:
        return _decoder(kind).decode(raw), None
    except (msgspec.DecodeError, UnicodeDecodeError):  # not UTF-8 is not JSON either (RFC 8259)
        pass  # not JSON, or refused at its first problem: parsed again below to tell which
    try:
        document = msgspec.json.decode(raw)
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):  # nested too deep: still the client's 4xx
        surrogates = unpaired_surrogates(raw)
        return None, invalid(surrogates) if surrogates else not_json()
    try:  # valid after all when a key is repeated and only an earlier value was refused: the last counts
        return msgspec.convert(document, kind), None
    except msgspec.ValidationError:
        return None, invalid(problems(document, kind))


def read_query(kind: type[T]) -> tuple[T | None, Response | None]:
    """The query string as a ``kind`` whose fields are all integers, or the 400 to send instead
    (the gate has already refused parameters the view does not take, and repeated ones)."""
    sent: dict[str, int] = {}
    for field in msgspec.structs.fields(kind):  # type: ignore[arg-type]
        name = field.encode_name
        if name in request.args:
            try:
                sent[name] = int(request.args[name])
            except ValueError:
                return None, problem(400, "Bad request", f"{name} must be an integer.", {name: "Must be an integer."})
    try:
        return msgspec.convert(sent, kind), None
    except msgspec.ValidationError:
        (name, message), *_ = problems(sent, kind).items()
        return None, problem(400, "Bad request", message, {name: message})


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def unpaired_surrogates(raw: bytes) -> dict[str, str]:
    """Where a body msgspec calls malformed holds a string with an unpaired surrogate
    (``"\\ud800"``), one message per field path; empty when that is not why. Python's reader
    takes such strings, so the fields are named, but the body stays refused as msgspec read it."""
    try:  # UTF-8 only, as msgspec reads it; NaN and Infinity are not JSON
        document = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        return {}
    return _refused_strings(document, "")


def _refused_strings(value: Any, path: str) -> dict[str, str]:
    if isinstance(value, str):
        bad = characters.refused(value, multiline=True)
        return {path or "body": f"Contains a character that is not allowed: {characters.describe(bad)}."} if bad else {}
    found: dict[str, str] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            where = _spell(path, characters.visible(key))
            found |= _refused_strings(key, where) | _refused_strings(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found |= _refused_strings(item, f"{path}[{index}]")
    return found


def not_json() -> Response:
    return problem(400, "Bad request", "The body is not valid JSON.")


def invalid(errors: dict[str, str]) -> Response:
    first, message = next(iter(errors.items()))
    return problem(422, "Validation failed", f"{first}: {message}", errors)


def conforms(value: Any, kind: Any) -> bool:
    try:
        msgspec.convert(value, kind)
    except msgspec.ValidationError:
        return False
    return True


def problems(document: Any, kind: Any) -> dict[str, str]:
    """One message per refused field of ``document`` as a ``kind``, keyed by its path; empty
    when msgspec accepts it."""
    errors: dict[str, str] = {}
    _collect(document, kind, "", errors)
    return errors


def _collect(value: Any, kind: Any, path: str, errors: dict[str, str]) -> None:
    """Adds a message for each refused part of ``value``; at least one if msgspec refuses it."""
    try:
        msgspec.convert(value, kind)
        return
    except msgspec.ValidationError as error:
        refused, where = error, _where(error)[1]
    found = len(errors)
    struct, item = _parts(kind, value)
    if struct is not None:
        _collect_fields(value, struct, path, errors)
    elif item is not None and where != "$":  # a list's own length or type is reported at the list
        for index, element in enumerate(value):
            _collect(element, item, f"{path}[{index}]", errors)
    if len(errors) == found:  # nothing refused below: this value itself is
        errors[_spell(path, where)] = phrase(refused, kind, value)


def _collect_fields(value: dict[str, Any], struct: type[msgspec.Struct], path: str, errors: dict[str, str]) -> None:
    fields = {field.encode_name: field for field in msgspec.structs.fields(struct)}
    for name, field in fields.items():
        if field.required and name not in value:
            errors[_spell(path, name)] = "This field is required."
    for name, item in value.items():
        field = fields.get(name)
        if field is None:
            errors[_spell(path, name)] = "Unknown field."
        else:
            _collect(item, field.type, _spell(path, name), errors)


TEXT_PATTERNS = {f" {pattern.removesuffix(NO_FINAL_NEWLINE)}" for pattern in (LINE, LINES)}
_MISMATCH = re.compile(r"Expected `([^`]+)`, got `[^`]+`")
_LIMITS = (
    (re.compile(r"Expected `(?:int|float)` >= (\S+)"), "Must be at least {0}."),
    (re.compile(r"Expected `(?:int|float)` <= (\S+)"), "Must be at most {0}."),
    (re.compile(r"Expected `str` of length >= (1)"), "Must not be empty."),
    (re.compile(r"Expected `str` of length >= (\d+)"), "Must have at least {0} characters."),
    (re.compile(r"Expected `str` of length <= (\d+)"), "Must have at most {0} characters."),
    (re.compile(r"Expected `array` of length >= (1)"), "Needs at least 1 item."),
    (re.compile(r"Expected `array` of length >= (\d+)"), "Needs at least {0} items."),
    (re.compile(r"Expected `array` of length <= (\d+)"), "Takes at most {0} items."),
)


def phrase(error: msgspec.ValidationError, kind: Any, value: Any = None) -> str:
    """msgspec's reason for refusing ``value`` as a ``kind``, in this API's words."""
    message = _where(error)[0]
    if isinstance(value, str) and _pattern_of(kind) in TEXT_PATTERNS:
        bad = characters.refused(value, multiline=True) or characters.refused(value)
        if bad is not None:  # free text refused for a character: say which (core.characters)
            return f"Contains a character that is not allowed: {characters.describe(bad)}."
    choices = _choices(kind)
    if choices and (message.startswith("Invalid enum value") or _MISMATCH.fullmatch(message)):
        return f"Must be one of: {', '.join(choices)}."
    if mismatch := _MISMATCH.fullmatch(message):
        return f"Must be {' or '.join(_TYPE_NAMES.get(name, name) for name in mismatch[1].split(' | '))}."
    if "datetime" in message:  # not RFC 3339, or no time zone
        return TIME_MESSAGE
    if message.startswith("Expected `str` matching regex"):
        return f"Does not match the expected format{_pattern_of(kind)}."
    for regex, text in _LIMITS:
        if limit := regex.fullmatch(message):
            return text.format(*limit.groups())
    return f"{message}."


def _pattern_of(kind: Any) -> str:
    """`` ^...$``, the pattern of ``kind`` as written (without the final-newline guard), or ``""``."""
    patterns = [info.pattern for info in _leaf_infos(kind) if isinstance(info, StrType) and info.pattern]
    return "".join(f" {pattern.removesuffix(NO_FINAL_NEWLINE)}" for pattern in patterns[:1])


def _choices(kind: Any) -> list[str]:
    """The values a ``Literal`` (or a nullable one) allows, in the order written."""
    literals = [_bare(member) for member in _members(kind) if get_origin(_bare(member)) is Literal]
    return [str(value) for literal in literals for value in get_args(literal)]


def _leaf_infos(kind: Any) -> list[Any]:
    """msgspec's descriptions of ``kind``, or of each member of a union, without descriptions."""
    info = type_info(kind)
    info = info.type if isinstance(info, Metadata) else info
    infos = info.types if isinstance(info, UnionInfo) else (info,)
    return [member.type if isinstance(member, Metadata) else member for member in infos]


def _parts(kind: Any, value: Any) -> tuple[type[msgspec.Struct] | None, Any]:
    """The Struct to walk field by field when ``value`` is an object of ``kind`` (or of its
    non-null member), else None; and the item type when ``value`` is a list, else None."""
    for member in _members(kind):
        base = _bare(member)
        if isinstance(value, dict) and isinstance(base, type) and issubclass(base, msgspec.Struct):
            return base, None
        if isinstance(value, list) and get_origin(base) is list:
            return None, get_args(base)[0]
    return None, None


def _bare(kind: Any) -> Any:
    """``X`` for ``Annotated[X, ...]``, else ``kind``."""
    return get_args(kind)[0] if hasattr(kind, "__metadata__") else kind


def _members(kind: Any) -> tuple[Any, ...]:
    """The members of a union (``X | None``), or ``kind`` itself."""
    if get_origin(kind) in (Union, UnionType):
        return tuple(m for m in get_args(kind) if m not in (type(None), UnsetType))
    return (kind,)


def _where(error: msgspec.ValidationError) -> tuple[str, str]:
    """msgspec's message and the path it names, relative to the converted value (``$.a[0]``)."""
    message, _, where = str(error).rpartition(" - at `")
    return (message, where.rstrip("`")) if message else (str(error), "$")


def _spell(path: str, name: str) -> str:
    """``lines[0]`` + ``sku`` (or msgspec's ``$.sku``) -> ``lines[0].sku``; the body is ``body``."""
    name = name.removeprefix("$").removeprefix(".")
    joined = f"{path}.{name}" if path and name and not name.startswith("[") else f"{path}{name}"
    return joined or "body"

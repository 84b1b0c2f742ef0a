"""Rules of the house, read from the source tree: one writer of event rows, one maker of facts,
one step that changes a status."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PRODUCT = ("core", "web", "portal", "notifications", "dashboard")
ROW_WRITER = ROOT / "core" / "events" / "rows.py"
FACT_MAKERS = {
    ROOT / "core" / "events" / name
    for name in ("orders.py", "shipments.py", "returns.py", "payments.py", "products.py", "shop.py")
}
LIFECYCLE = ROOT / "core" / "lifecycle.py"
AGGREGATES = {"Order", "Shipment", "Return", "Payment", "Refund"}
INSERT_EVENTS = re.compile(r"insert\s+into\s+events\b", re.IGNORECASE)
UPDATE_STATUS = re.compile(
    r"update\s+(orders|shipments|returns|payments|refunds)\s+set\s+[^;]*\bstatus\b", re.IGNORECASE
)


def _sources() -> Iterator[tuple[Path, ast.Module]]:
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path, ast.parse(path.read_text(), filename=str(path))


def _name(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"


def test_the_scan_reads_the_whole_product() -> None:
    paths = {path.relative_to(ROOT).as_posix() for path, _ in _sources()}
    for expected in ("core/events/rows.py", "core/seed/unit.py", "core/services/scan_batch.py", "web/app.py"):
        assert expected in paths


def test_event_rows_are_made_and_inserted_in_one_module() -> None:
    offenders = []
    for path, tree in _sources():
        if path == ROW_WRITER:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Event":
                offenders.append(f"{_where(path, node)} Event(...)")
            if (
                isinstance(node, ast.Call)
                and _name(node.func) == "insert"
                and any(_name(a) == "Event" for a in node.args)
            ):
                offenders.append(f"{_where(path, node)} insert(Event)")
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and INSERT_EVENTS.search(node.value):
                offenders.append(f"{_where(path, node)} INSERT INTO events")
    assert offenders == []


def test_facts_are_made_only_by_the_typed_constructors() -> None:
    """The payload keys of each event type are written in one place."""
    offenders = [
        _where(path, node)
        for path, tree in _sources()
        if path not in FACT_MAKERS
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _name(node.func) == "Fact"
    ]
    assert offenders == []


def _status_keyword(call: ast.Call) -> ast.keyword | None:
    return next((k for k in call.keywords if k.arg == "status"), None)


def _made_aggregate(call: ast.Call) -> bool:
    """``Order(...)``, or ``unit.create(Order, ...)``: a new aggregate row."""
    if _name(call.func) in AGGREGATES:
        return True
    return _name(call.func) in {"create", "create_all"} and bool(call.args) and _name(call.args[0]) in AGGREGATES


def _status_offences(path: Path, tree: ast.Module) -> Iterator[str]:
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AugAssign | ast.AnnAssign) else []  # fmt: skip
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr == "status":
                yield f"{_where(path, node)} assigns .status"
        if isinstance(node, ast.Call) and _made_aggregate(node):
            keyword = _status_keyword(node)
            if keyword is not None and not (
                isinstance(keyword.value, ast.Call) and _name(keyword.value.func) == "initial"
            ):
                yield f"{_where(path, node)} creates an aggregate in a status of its own choosing"
        if (
            isinstance(node, ast.Call)
            and _name(node.func) == "update"
            and any(_name(a) in AGGREGATES for a in node.args)
        ):
            yield f"{_where(path, node)} update() of an aggregate table"
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and UPDATE_STATUS.search(node.value):
            yield f"{_where(path, node)} raw UPDATE of a status"


def test_every_status_change_goes_through_lifecycle_record() -> None:
    """No status is assigned outside ``core/lifecycle.py``; a new aggregate starts in ``initial()``."""
    offenders = [o for path, tree in _sources() if path != LIFECYCLE for o in _status_offences(path, tree)]
    assert offenders == []


@pytest.mark.parametrize(
    ("source", "offence"),
    [
        ("order.status = 'shipped'", "assigns .status"),
        ("unit.create(Shipment, status='in_transit')", "status of its own choosing"),
        ("session.execute(update(Order).values(status='closed'))", "update() of an aggregate table"),
        ("sql = 'UPDATE returns SET status = ? WHERE id = ?'", "raw UPDATE of a status"),
    ],
)
def test_the_status_check_catches_each_way_round_it(source: str, offence: str) -> None:
    found = list(_status_offences(ROOT / "core" / "x.py", ast.parse(source)))
    assert len(found) == 1
    assert offence in found[0]


def test_the_row_check_catches_each_way_round_it() -> None:
    tree = ast.parse("Event(type='x')\nsession.execute(insert(Event))\nsql = 'insert  into events (type) values (?)'")
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and _name(n.func) in {"Event", "insert"}]
    texts = [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    assert len(calls) == 2
    assert any(INSERT_EVENTS.search(t.value) for t in texts)

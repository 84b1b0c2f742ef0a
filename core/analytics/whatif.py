"""Policy back-test: the period's returns and refunds again, as they would have gone under another policy.

Fixed scenarios (docs/kpis.md): a return window of 14, 30 or 45 days, each with no restocking fee and
with 10 %. Every return line asked for in the period is put to the policy's own window rule
(``core.policies.line_eligibility``, the rule the return form applies) at the moment it was asked: a
line the variant would have refused is not returned and not refunded, unless its reason is one a
manager may take back despite a closed window (``ReturnPolicy.override_reasons``: the shop's fault).
The refund of what is still accepted is the paid value less the variant's fee
(``ReturnPolicy.restocking_fee``), never more than was actually refunded for it: the log cannot say
whether the payment had more left to give back (a goodwill refund may have used it). So a wider
window refuses nothing that happened, and adds nothing: returns that were never asked cannot be
counted — the row is a lower bound.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from core.analytics.filters import Filters
from core.analytics.sql import Cursor, order_filter, priced_sql, run, scope_sql
from core.money import paid_unit_minor
from core.policies import ReturnPolicy, line_eligibility

WINDOWS = (14, 30, 45)
FEES_BPS = (0, 1000)
# Money figures only: the whole table is for managers (bundle.without_money leaves it out for staff).
MONEY_SERIES = frozenset({"returns.policy_whatif"})
WHATIF_SERIES: dict[str, str] = {
    "returns.policy_whatif": "Returns asked for in the period, as they went and as they would have gone with a return"
    " window of 14, 30 or 45 days and a restocking fee of 0 or 10 %: returns, units, refunded value and the"
    " revenue kept compared with what happened. Refused: lines asked after the window closed, unless their"
    " reason is the shop's fault (damaged, wrong item). A wider window can only be a lower bound.",
}

_LINES = """WITH {scope},
delivered AS (SELECT order_id, max(delivered_at) AS delivered FROM shipments_f WHERE kind = 'outbound' GROUP BY 1),
lines AS (SELECT r.id AS return_id, r.created_at AS asked_at, rl.reason, rl.quantity, rl.resolution,
                 l.qty_delivered, l.unit_price_minor, l.quantity AS sold, l.discount_minor, d.delivered
          FROM returns_f r JOIN return_lines_f rl ON rl.return_id = r.id JOIN lines_f l ON l.id = rl.order_line_id
          LEFT JOIN delivered d ON d.order_id = r.order_id
          WHERE r.status NOT IN ('rejected', 'cancelled') AND r.created_at >= $start AND r.created_at < $end
            AND {orders} AND {priced}),
refunded AS (SELECT return_id, sum(amount_minor) AS amount FROM refunds_f
             WHERE return_id IN (SELECT return_id FROM lines) GROUP BY 1)
SELECT l.*, coalesce(f.amount, 0) FROM lines l LEFT JOIN refunded f USING (return_id) ORDER BY 1"""


@dataclass(frozen=True)
class Line:
    return_id: int
    asked_at: datetime
    reason: str
    quantity: int
    refund: bool  # resolved (or to be resolved) as money back, not an exchange
    qty_delivered: int
    paid_unit: int
    delivered_at: datetime | None
    return_refunded: int  # what the whole return was actually refunded


def scenarios(base: ReturnPolicy) -> list[tuple[str, ReturnPolicy]]:
    """The variants, as policies: the shop's policy with another window and fee (policies as data)."""
    return [
        (f"{days} days, fee {fee / 100:g} %", replace(base, window_days=days, restocking_fee_bps=fee))
        for days in WINDOWS
        for fee in FEES_BPS
    ]


def accepted(line: Line, policy: ReturnPolicy) -> bool:
    """Whether the policy would have taken the line back when it was asked (its own window rule)."""
    verdict = line_eligibility(
        quantity_delivered=line.qty_delivered,
        quantity_returning=0,
        final_sale=False,  # the line was accepted once, so it was not final sale
        delivered_at=line.delivered_at,
        now=line.asked_at,
        policy=policy,
    )
    return verdict.code != "window_closed" or line.reason in policy.override_reasons


def _refund(lines: list[Line], kept: list[Line], policy: ReturnPolicy) -> int:
    """One return's refund under ``policy`` (``kept``: its lines the policy accepts): the accepted refund
    lines' value less its fee, capped at the share of what was really refunded that those lines stand for."""
    gross_all = sum(line.paid_unit * line.quantity for line in lines if line.refund)
    gross = sum(line.paid_unit * line.quantity for line in kept if line.refund)
    if not gross_all or not gross:
        return 0
    actual_share = lines[0].return_refunded * gross // gross_all
    return min(actual_share, gross - policy.restocking_fee(gross))


def outcome(returns: dict[int, list[Line]], policy: ReturnPolicy | None) -> dict[str, int]:
    """Returns, units and refunds of the period under ``policy`` (None: as they happened)."""
    counted, units, refunded = 0, 0, 0
    for lines in returns.values():
        kept = lines if policy is None else [line for line in lines if accepted(line, policy)]
        counted += bool(kept)
        units += sum(line.quantity for line in kept)
        refunded += lines[0].return_refunded if policy is None else _refund(lines, kept, policy)
    return {"returns": counted, "units": units, "refunded_minor": refunded}


def _lines(cur: Cursor, f: Filters) -> dict[int, list[Line]]:
    # Only orders in the reporting currency: the table is money, never summed across currencies.
    sql = _LINES.format(scope=scope_sql(f), orders=order_filter(f, "r.order_id"), priced=priced_sql("r.order_id"))
    rows = run(cur, sql, f)
    found: dict[int, list[Line]] = defaultdict(list)
    for rid, asked, reason, qty, resolution, delivered_qty, price, sold, discount, delivered, amount in rows:
        # The unit value a refund is figured on, by the refund's own rule (core.money), so a what-if refund
        # is the refund the shop would have made.
        paid = paid_unit_minor(price, sold, discount)
        line = Line(rid, asked, reason, qty, resolution == "refund", delivered_qty, paid, delivered, int(amount))
        found[rid].append(line)
    return found


def policy_whatif(cur: Cursor, f: Filters) -> list[dict[str, Any]]:
    """``returns.policy_whatif``: as it happened, then each scenario, with the revenue it would have kept."""
    returns = _lines(cur, f)
    actual = outcome(returns, None)
    rows = [{"scenario": "Actual", "window_days": f.return_window_days, "restocking_fee_bps": None} | actual]
    for name, policy in scenarios(ReturnPolicy(window_days=f.return_window_days)):
        figures = outcome(returns, policy)
        rows.append(
            {"scenario": name, "window_days": policy.window_days, "restocking_fee_bps": policy.restocking_fee_bps}
            | figures
        )
    return [row | {"revenue_kept_minor": actual["refunded_minor"] - row["refunded_minor"]} for row in rows]

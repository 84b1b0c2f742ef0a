"""an exchange's replacement item is an order line of its own

An exchange parcel used to list the line it replaced (the old size), with the new variant only in
``shipment_lines.variant_id``. Each exchange item now has its own order line, naming the line it
replaces (``replaces_line_id``); its parcel lists that line. Existing exchange parcels get their
lines here: the new variant's SKU, product name and title, the replaced unit's price, and shipped
and delivered quantities as the parcel's status says.

Revision ID: 0012_exchange_lines
Revises: 0014_order_locale
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_exchange_lines"
down_revision: str | Sequence[str] | None = "0014_order_locale"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NOT_SHIPPED = ("label_created", "cancelled")

LINES = sa.table(
    "order_lines", *(sa.column(name) for name in (
        "id", "order_id", "variant_id", "sku", "name", "variant_title", "unit_price_minor", "quantity",
        "discount_minor", "final_sale", "qty_shipped", "qty_delivered", "qty_returning", "qty_returned",
        "replaces_line_id",
    ))
)  # fmt: skip
PARCEL_LINES = sa.table("shipment_lines", sa.column("id"), sa.column("order_line_id"))


def _exchange_items(connection: sa.Connection) -> list[sa.Row]:
    return connection.execute(
        sa.text(
            "SELECT sl.id, sl.quantity, s.status, l.id AS line_id, l.order_id, l.unit_price_minor, l.quantity AS"
            " line_quantity, l.discount_minor, l.final_sale, v.id AS variant_id, v.sku, v.title, p.name"
            " FROM shipment_lines sl JOIN shipments s ON s.id = sl.shipment_id"
            " JOIN order_lines l ON l.id = sl.order_line_id JOIN variants v ON v.id = sl.variant_id"
            " JOIN products p ON p.id = v.product_id"
            " WHERE s.kind = 'exchange' AND l.replaces_line_id IS NULL ORDER BY sl.id"
        )
    ).all()


def _paid_unit(row: sa.Row) -> int:
    """What one replaced unit cost (``core.money.paid_unit_minor``: the line discount spread, rounded down)."""
    return (row.unit_price_minor * row.line_quantity - row.discount_minor) // row.line_quantity


def _line(row: sa.Row) -> dict[str, object]:
    shipped = row.status not in _NOT_SHIPPED
    return {
        "order_id": row.order_id, "variant_id": row.variant_id, "sku": row.sku, "name": row.name,
        "variant_title": row.title, "unit_price_minor": _paid_unit(row), "quantity": row.quantity,
        "discount_minor": 0, "final_sale": row.final_sale, "qty_shipped": row.quantity if shipped else 0,
        "qty_delivered": row.quantity if row.status == "delivered" else 0, "qty_returning": 0, "qty_returned": 0,
        "replaces_line_id": row.line_id,
    }  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("order_lines") as batch_op:
        batch_op.add_column(sa.Column("replaces_line_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite")))
        batch_op.create_foreign_key(
            op.f("fk_order_lines_replaces_line_id_order_lines"), "order_lines", ["replaces_line_id"], ["id"]
        )
    connection = op.get_bind()
    for row in _exchange_items(connection):
        made = connection.execute(sa.insert(LINES).values(**_line(row)).returning(LINES.c.id)).scalar_one()
        connection.execute(sa.update(PARCEL_LINES).where(PARCEL_LINES.c.id == row.id).values(order_line_id=made))


def downgrade() -> None:
    connection = op.get_bind()
    connection.execute(
        sa.text(
            "UPDATE shipment_lines SET order_line_id = (SELECT l.replaces_line_id FROM order_lines l"
            " WHERE l.id = shipment_lines.order_line_id)"
            " WHERE order_line_id IN (SELECT id FROM order_lines WHERE replaces_line_id IS NOT NULL)"
        )
    )
    connection.execute(sa.text("DELETE FROM order_lines WHERE replaces_line_id IS NOT NULL"))
    with op.batch_alter_table("order_lines") as batch_op:
        batch_op.drop_constraint(op.f("fk_order_lines_replaces_line_id_order_lines"), type_="foreignkey")
        batch_op.drop_column("replaces_line_id")

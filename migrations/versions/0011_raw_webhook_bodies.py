"""webhook bodies are the raw bytes, as signed

A body used to be stored as text decoded from the request, which lost whatever was not UTF-8
and could not hold a NUL on PostgreSQL at all (the delivery was then not stored). It is now a
binary column holding the bytes the signature was checked over. Existing text bodies become
their UTF-8 bytes, which are the bytes they were decoded from whenever that decoding lost nothing.

Revision ID: 0011_raw_webhook_bodies
Revises: 0009_rate_limits
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_raw_webhook_bodies"
down_revision: str | Sequence[str] | None = "0009_rate_limits"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # PostgreSQL converts each body to its UTF-8 bytes; SQLite copies the table, CASTing each body to a BLOB (the same).
    with op.batch_alter_table("webhook_deliveries") as batch_op:
        batch_op.alter_column(
            "body", type_=sa.LargeBinary(), existing_type=sa.Text(), existing_nullable=False,
            postgresql_using="convert_to(body, 'UTF8')",
        )  # fmt: skip


def _texts(connection: sa.Connection) -> list[dict[str, object]]:
    """Bodies as text for the older code: invalid UTF-8 replaced, NULs left out (text cannot hold them)."""
    table = sa.table("webhook_deliveries", sa.column("id"), sa.column("body", sa.LargeBinary))
    rows = connection.execute(sa.select(table.c.id, table.c.body)).all()
    return [{"row": ident, "text": bytes(body).decode("utf-8", "replace").replace("\x00", "")} for ident, body in rows]


def downgrade() -> None:
    connection = op.get_bind()
    texts = _texts(connection)
    with op.batch_alter_table("webhook_deliveries") as batch_op:
        batch_op.alter_column(
            "body", type_=sa.Text(), existing_type=sa.LargeBinary(), existing_nullable=False,
            postgresql_using="encode(body, 'escape')",
        )  # fmt: skip
    table = sa.table("webhook_deliveries", sa.column("id"), sa.column("body", sa.Text))
    if texts:
        statement = sa.update(table).where(table.c.id == sa.bindparam("row")).values(body=sa.bindparam("text"))
        connection.execute(statement, texts)

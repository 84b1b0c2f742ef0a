"""Small read queries over the store that are not KPIs: what the dashboard's filter lists offer."""

from __future__ import annotations

from core.analytics.sql import Cursor


def dimension_values(cur: Cursor) -> dict[str, list[str]]:
    """Channels, carriers and SKUs present in the data, for the filter drop-downs."""

    def column(sql: str) -> list[str]:
        return [row[0] for row in cur.execute(sql).fetchall() if row[0] is not None]

    return {
        "channel": column("SELECT DISTINCT channel FROM orders_f ORDER BY 1"),
        "carrier": column("SELECT DISTINCT carrier FROM shipments_f WHERE kind = 'outbound' ORDER BY 1"),
        "product": column("SELECT DISTINCT sku FROM lines_f ORDER BY 1"),
    }

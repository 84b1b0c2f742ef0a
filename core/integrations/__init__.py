"""Adapters from stores and carrier feeds to Shiplog's own commands and statuses.

Everything here is pure (no database, no Flask): signature checks, payload parsing and
the mapping tables. ``core.services.ingest`` stores deliveries and calls the services.
See docs/integrations.md for the tables in prose.
"""

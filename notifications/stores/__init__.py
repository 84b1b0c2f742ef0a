"""Calls to the stores a shop sells through: the adapters (one per platform) and their delivery from the outbox."""

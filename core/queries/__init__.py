"""Read-side queries for customer pages: Core selects of only the columns a page shows.

Services own every write; these functions only read, return plain frozen dataclasses,
and never hand out ORM objects, so a page can be rendered (and cached) without a session.
"""

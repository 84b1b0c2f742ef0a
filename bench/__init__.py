"""Performance scripts; each prints a table."""

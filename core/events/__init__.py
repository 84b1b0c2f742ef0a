"""The event log: the catalogue of event types, their typed constructors, and the one writer of rows."""

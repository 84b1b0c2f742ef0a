"""Use cases: the only code that writes orders, shipments, returns and events.

Each public function is one transaction: it validates, updates the projection and
appends events, or raises a ``DomainError`` and writes nothing.
"""

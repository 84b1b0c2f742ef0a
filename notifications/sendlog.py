"""The send log: each send is written down before it leaves, and its outcome before the lane sends again.

A send lane's bookkeeping between two sends is one transaction (``Lane.start``): the outcome of the
send just made (the outbox row, fenced by its claim, and its send-log row), then the send-log row of
the next one, written only while that outbox row is still leased to this attempt. So a crash leaves at
most one message per lane *in doubt*: started, with no outcome. Its next send is marked ``repeat``
(an email keeps its Message-ID, so the receiving side can fold the two copies).

An SMS's status callback names its outbox row and attempt, so Twilio's report on a send in doubt
settles it (``reports``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Boolean, Connection, String, bindparam, func, insert, select, update

from core.clock import utcnow
from core.db import Database, UTCDateTime
from core.models import OutboxMessage, SendLogEntry
from notifications import store

_NOW = bindparam("b_now", type_=UTCDateTime())
# The next send's row, taken from its outbox row only while that row is leased to the same attempt.
# (``b_*`` parameters name the send just made, as in ``store.RECORD``; ``n_*`` the next one.)
_START = (
    insert(SendLogEntry)
    .from_select(
        ["outbox_id", "attempt", "channel", "repeat", "started_at", "provider_message_id"],
        select(
            OutboxMessage.id,
            OutboxMessage.attempts,
            OutboxMessage.channel,
            bindparam("n_repeat", type_=Boolean()),
            _NOW,
            bindparam("n_message_id", type_=String()),
        ).where(
            OutboxMessage.id == bindparam("n_id"),
            OutboxMessage.status == "sending",
            OutboxMessage.attempts == bindparam("n_attempt"),
        ),
    )
    .returning(SendLogEntry.id)
)
# Not fenced: whoever holds the lease now, this send happened and this is what the provider said.
_FINISH = (
    update(SendLogEntry)
    .where(
        SendLogEntry.outbox_id == bindparam("b_id"),
        SendLogEntry.attempt == bindparam("b_attempt"),
        SendLogEntry.outcome.is_(None),
    )
    .values(
        outcome=bindparam("b_status"),
        provider_message_id=func.coalesce(bindparam("b_provider_id"), SendLogEntry.provider_message_id),
        finished_at=_NOW,
    )
)
# PostgreSQL: all three as one statement on an autocommit connection, so a send's bookkeeping is one
# round trip to the server instead of five (BEGIN, three statements, COMMIT).
_STEP = _START.add_cte(
    store.RECORD.returning(OutboxMessage.id).cte("recorded"), _FINISH.returning(SendLogEntry.id).cte("finished")
)
_IN_DOUBT = select(SendLogEntry.outbox_id).where(
    SendLogEntry.outbox_id.in_(bindparam("b_ids", expanding=True)), SendLogEntry.outcome.is_(None)
)


@dataclass(frozen=True)
class Start:
    """A send about to leave."""

    claim: store.Claim
    repeat: bool
    message_id: str | None  # an email's Message-ID; an SMS's SID is only known from the answer


class Lane:
    """One send lane's bookkeeping on a connection of its own: an outcome is held until the lane's next
    start (or its end), and both are written in one transaction."""

    def __init__(self, db: Database, connection: Connection) -> None:
        self.db, self.connection = db, connection
        self.one_statement = db.dialect == "postgresql"
        self.done: store.Outcome | None = None

    def start(self, send: Start) -> bool:
        """Record the last outcome and this send's start; False if the row is no longer this claim's."""
        return self._write(send)

    def finish(self, outcome: store.Outcome) -> None:
        self.done = outcome

    def flush(self) -> None:
        self._write(None)

    def _write(self, send: Start | None) -> bool:
        if self.done is None and send is None:
            return False
        parameters = _parameters(self.done, send)
        if self.one_statement:
            started = self.connection.execute(_STEP, parameters).first()
        else:
            with self.db.in_turn(self.connection) as connection:
                if self.done is not None:
                    connection.execute(store.RECORD, parameters)
                    connection.execute(_FINISH, parameters)
                started = connection.execute(_START, parameters).first() if send is not None else None
        self.done = None
        return started is not None


def _parameters(done: store.Outcome | None, send: Start | None) -> dict[str, Any]:
    """Both halves' parameters; a missing half gets NULL ids, which match no row."""
    now = utcnow()
    return store.parameters(done, now) | {
        "b_now": now,
        "n_id": send.claim.id if send else None,
        "n_attempt": send.claim.attempt if send else None,
        "n_repeat": send.repeat if send else False,
        "n_message_id": send.message_id if send else None,
    }


@contextmanager
def lane(db: Database) -> Iterator[Lane]:
    """A lane's bookkeeping; its last outcome is written at the end, also when the lane stops on an error."""
    with db.kept_connection(autocommit=db.dialect == "postgresql") as connection:
        book = Lane(db, connection)
        try:
            yield book
        finally:
            book.flush()


def in_doubt(db: Database, ids: Iterable[int]) -> set[int]:
    """The outbox rows among ``ids`` with a send that may have reached the provider unrecorded."""
    wanted = list(ids)
    if not wanted:
        return set()
    with db.read() as session:
        return set(session.connection().scalars(_IN_DOUBT, {"b_ids": wanted}))

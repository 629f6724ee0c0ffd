"""The store as a second process or an outage leaves it: a table held by another writer for a
moment, or a table the bot cannot write at all. On SQLite and PostgreSQL alike.

A decision committed before the ack waits for a held table and its 200 comes after; a listener
that acks first answers at once and commits later, so a test that reads the store the moment the
200 arrives (while the table is still held) tells the two apart without racing them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

from tests.harness import RunningBot

# Long enough that an answer sent before the commit arrives well inside it; short of Slack's
# three seconds for the ack, and of SQLite's busy timeout.
HOLD_SECONDS = 1.0


@contextmanager
def table_held(bot: RunningBot, table: str, seconds: float = HOLD_SECONDS) -> Iterator[None]:
    """Another transaction holds the write lock on ``table`` for ``seconds`` (reads go on), then
    rolls back; the block runs while it holds."""
    held, release = threading.Event(), threading.Event()
    failed: list[BaseException] = []

    def hold() -> None:
        try:
            with bot.services.engine.connect() as connection:
                if connection.dialect.name == "postgresql":
                    connection.execute(text(f'LOCK TABLE "{table}" IN EXCLUSIVE MODE'))
                else:
                    # Any write statement takes SQLite's one write lock, even one that changes
                    # no row; readers carry on (WAL). ``table`` is a test's constant.
                    no_change = f'UPDATE "{table}" SET id = id WHERE 1 = 0'  # noqa: S608
                    connection.execute(text(no_change))
                held.set()
                release.wait(seconds)
                connection.rollback()
        except BaseException as error:  # surfaced in the test's thread below
            failed.append(error)
            held.set()

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    assert held.wait(10), "the store did not give the lock"
    if failed:
        raise failed[0]
    try:
        yield
    finally:
        release.set()
        holder.join(10)


def table_gone(bot: RunningBot, table: str) -> None:
    """The bot can no longer use ``table`` (an outage, a broken migration): every write fails."""
    with bot.services.engine.begin() as connection:
        connection.execute(text(f'ALTER TABLE "{table}" RENAME TO "{table}_gone"'))

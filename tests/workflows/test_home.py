"""The App Home's lists on the real store: who sees which drafts, in what order, and the counts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event
from sqlalchemy.engine import Connection

from bot.services import Services
from bot.store.db import session_scope
from bot.store.models import Draft
from bot.workflows import drafts
from bot.workflows.home import HomeQueue, Page, drafts_by, home_queue, waiting_for
from tests.workflows.test_drafts import (
    AUTHOR,
    JONAS,
    LEGAL,
    NOW,
    POLICY,
    PRIYA,
    STRANGER,
    approve,
    create,
    post,
)


def queue_for(services: Services, user: str, **limits: int) -> HomeQueue:
    with session_scope(services.sessions) as session:
        return home_queue(session, user_id=user, policy=POLICY, **limits)


def ids(page: Page[Draft]) -> list[int | None]:
    return [d.id for d in page.rows]


def test_an_approver_sees_pending_drafts_oldest_first_and_not_their_own(services: Services) -> None:
    first = create(services, now=NOW)
    second = create(services, now=NOW + timedelta(minutes=5))
    own = create(services, post(author_id=JONAS), now=NOW + timedelta(minutes=1))
    queue = queue_for(services, JONAS)
    assert queue.can_approve
    assert ids(queue.to_approve) == [first, second]
    assert queue.to_approve.total == 2
    assert ids(queue.mine) == [own]


def test_a_draft_leaves_the_list_once_the_user_approved_it_even_while_still_pending(
    services: Services,
) -> None:
    risky = create(services, post("New pricing for the autumn range"))
    assert approve(services, risky, JONAS).to_state == drafts.DraftState.PENDING  # risk still owed
    assert ids(queue_for(services, JONAS).to_approve) == []
    assert ids(queue_for(services, PRIYA).to_approve) == [risky]
    # ...and it is still waiting for the risk approver.
    assert ids(queue_for(services, LEGAL).to_approve) == [risky]


def test_a_risk_approver_sees_only_risky_drafts(services: Services) -> None:
    create(services)
    risky = create(services, post("New pricing for the autumn range"))
    assert ids(queue_for(services, LEGAL).to_approve) == [risky]


def test_someone_who_may_not_approve_has_no_approval_list(services: Services) -> None:
    create(services)
    queue = queue_for(services, STRANGER)
    assert not queue.can_approve
    assert queue.to_approve == Page()


def test_my_drafts_are_newest_first_in_every_state(services: Services) -> None:
    older = create(services, now=NOW)
    newer = create(services, now=NOW + timedelta(minutes=1))
    approve(services, older, JONAS)
    queue = queue_for(services, AUTHOR)
    assert ids(queue.mine) == [newer, older]
    assert [d.state for d in queue.mine.rows] == ["pending", "approved"]
    assert ids(queue_for(services, STRANGER).mine) == []


def test_long_lists_are_cut_at_the_limit_and_the_rest_counted(services: Services) -> None:
    made = [create(services, now=NOW + timedelta(seconds=i)) for i in range(7)]
    with session_scope(services.sessions) as session:
        waiting = waiting_for(session, user_id=JONAS, policy=POLICY, limit=3)
        mine = drafts_by(session, author_id=AUTHOR, limit=4)
    assert (ids(waiting), waiting.total, waiting.more) == (made[:3], 7, 4)
    assert (ids(mine), mine.total, mine.more) == (made[::-1][:4], 7, 3)


def test_the_queue_costs_the_same_few_queries_however_many_drafts(services: Services) -> None:
    """Each list is one LIMITed SELECT and one COUNT, and the progress of the shown rows one more
    (and the running crisis, read once): not a query per draft."""
    for i in range(30):
        create(services, post("New pricing" if i % 2 else "Autumn"), now=NOW + timedelta(seconds=i))
    statements: list[str] = []

    def count(conn: Connection, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(services.engine, "before_cursor_execute", count)
    try:
        queue = queue_for(services, JONAS, approvals_limit=20)
    finally:
        event.remove(services.engine, "before_cursor_execute", count)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    # the running crisis, waiting + count, progress, mine + count
    assert len(selects) == 6
    assert len(queue.to_approve.rows) == 20
    assert queue.progress[queue.to_approve.rows[0].id].required == 1
    risky = next(d for d in queue.to_approve.rows if d.risky_topics)
    assert queue.progress[risky.id].risk_needed

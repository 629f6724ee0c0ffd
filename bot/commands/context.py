"""Access to the per-app services that ``create_app`` puts into every request's bolt context."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, TypeVar

from slack_bolt import BoltContext
from sqlmodel import Session

from bot.services import Services
from bot.store.db import session_scope

SERVICES_KEY = "socialops_services"


def services_of(context: BoltContext) -> Services:
    services = context.get(SERVICES_KEY)
    if not isinstance(services, Services):
        raise RuntimeError(
            "socialops services missing from the bolt context; build the app with create_app"
        )
    return services


Result = TypeVar("Result", covariant=True)


class Workflow(Protocol[Result]):
    """A workflow with its own arguments bound (``functools.partial(drafts.approve, ...)``: mypy
    checks those keywords and keeps the result type), waiting for a session and the time."""

    def __call__(self, *, session: Session, now: datetime) -> Result: ...


def run_workflow(services: Services, work: Workflow[Result]) -> Result:
    """One workflow call in its own session (committed when it returns), at the service clock's
    time."""
    with session_scope(services.sessions) as session:
        return work(session=session, now=services.clock())

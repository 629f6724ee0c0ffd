"""Access to the per-app services that ``create_app`` puts into every request's bolt context."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext

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


def run_workflow(services: Services, workflow: Callable[..., Any], **kwargs: Any) -> Any:
    """One workflow call in its own session (committed when it returns), at the service clock's
    time. Untyped on purpose: the workflows take different keywords; callers name the result."""
    with session_scope(services.sessions) as session:
        return workflow(session=session, now=services.clock(), **kwargs)

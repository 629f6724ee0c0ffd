"""Access to the per-app services that ``create_app`` puts into every request's bolt context."""

from __future__ import annotations

from slack_bolt import BoltContext

from bot.services import Services

SERVICES_KEY = "socialops_services"


def services_of(context: BoltContext) -> Services:
    services = context.get(SERVICES_KEY)
    if not isinstance(services, Services):
        raise RuntimeError(
            "socialops services missing from the bolt context; build the app with create_app"
        )
    return services

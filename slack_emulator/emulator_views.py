"""views.open, views.push, views.update and views.publish: modals and App Home views."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_emulator.emulator_args import MethodError, text_arg
from slack_emulator.emulator_state import Workspace
from slack_emulator.payloads import trigger_issued_at

# Slack takes a trigger id for 3 seconds after the click, once.
TRIGGER_LIFETIME = 3.0


def _view_argument(args: Mapping[str, Any]) -> dict[str, Any]:
    view = args.get("view")
    if not isinstance(view, dict):
        raise MethodError("invalid_arguments", "[ERROR] missing required field: view")
    return view


def _store_view(
    ws: Workspace, view: dict[str, Any], *, view_id: str | None = None, root_id: str | None = None
) -> dict[str, Any]:
    """The ``view`` object Slack answers with: the submitted fields plus ids, hash and state."""
    new_id = view_id or ws.new_id("V")
    stored: dict[str, Any] = {
        "id": new_id,
        "team_id": ws.team_id,
        "type": view.get("type"),
        "blocks": view.get("blocks", []),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "external_id": view.get("external_id", ""),
        "state": {"values": {}},
        "hash": ws.new_hash(),
        "clear_on_close": bool(view.get("clear_on_close", False)),
        "notify_on_close": bool(view.get("notify_on_close", False)),
        "root_view_id": root_id or new_id,
        "previous_view_id": None,
        "app_id": "A0SOCIAL",
        "app_installed_team_id": ws.team_id,
        "bot_id": ws.bot_id,
    }
    for name in ("title", "submit", "close"):
        stored[name] = view.get(name)
    ws.views[new_id] = stored
    return stored


def _check_external_id(ws: Workspace, view: Mapping[str, Any], own_id: str | None = None) -> None:
    external_id = view.get("external_id")
    if external_id and any(
        v["external_id"] == external_id and v["id"] != own_id for v in ws.views.values()
    ):
        raise MethodError("duplicate_external_id")


def _exchange_trigger(ws: Workspace, args: Mapping[str, Any]) -> None:
    """Take the call's trigger_id as Slack does: one it issued, under 3 s old, not used before.

    The trigger ids in ``slack_emulator.payloads`` carry the time of their click, so the
    emulator knows their age without having issued them itself. An interactivity_pointer
    (workflow steps) is not a trigger id and is not checked.
    """
    trigger_id = text_arg(args, "trigger_id")
    if not trigger_id:
        return
    issued_at = trigger_issued_at(trigger_id)
    if issued_at is None:
        raise MethodError("invalid_trigger_id")
    if ws.clock() - issued_at > TRIGGER_LIFETIME:
        raise MethodError("expired_trigger_id")
    if trigger_id in ws.exchanged_triggers:
        raise MethodError("exchanged_trigger_id")
    ws.exchanged_triggers.add(trigger_id)


def views_open(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """Open a modal with a fresh, unused trigger_id."""
    view = _view_argument(args)
    _check_external_id(ws, view)
    _exchange_trigger(ws, args)
    return {"ok": True, "view": _store_view(ws, view)}


def views_push(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """Push a modal onto the stack; the emulator keeps no stack, so each is its own root."""
    return views_open(ws, args)


def views_update(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """Replace a view found by view_id or external_id; a stale hash is a conflict."""
    view = _view_argument(args)
    view_id, external_id = text_arg(args, "view_id"), text_arg(args, "external_id")
    if not view_id and not external_id:
        raise MethodError("invalid_arguments", "[ERROR] view_id or external_id is required")
    current = ws.views.get(view_id) if view_id else None
    if current is None and external_id:
        current = next((v for v in ws.views.values() if v["external_id"] == external_id), None)
    if current is None:
        raise MethodError("not_found")
    if args.get("hash") and args["hash"] != current["hash"]:
        raise MethodError("hash_conflict")
    if "external_id" not in view:
        # An update that does not mention the external_id keeps the one the view has.
        view = {**view, "external_id": current["external_id"]}
    _check_external_id(ws, view, own_id=current["id"])
    updated = _store_view(ws, view, view_id=current["id"], root_id=current["root_view_id"])
    return {"ok": True, "view": updated}


def views_publish(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """Publish a user's App Home; it keeps one view id per user."""
    view = _view_argument(args)
    user_id = text_arg(args, "user_id")
    if user_id not in ws.users:
        raise MethodError("not_found")
    current_id = ws.home_views.get(user_id)
    if current_id and args.get("hash") and args["hash"] != ws.views[current_id]["hash"]:
        raise MethodError("hash_conflict")
    stored = _store_view(ws, view, view_id=current_id)
    ws.home_views[user_id] = stored["id"]
    return {"ok": True, "view": stored}

"""The words crisis mode is made of: kinds of crisis, roles, and the messages it owes."""

from __future__ import annotations

from enum import StrEnum


class CrisisKind(StrEnum):
    CRISIS = "crisis"
    DRILL = "drill"  # the same flow, marked DRILL: nothing paused, nothing counted


class Role(StrEnum):
    LEAD = "lead"
    LEGAL = "legal"
    PR = "pr"
    SUPPORT = "support"


class PostKind(StrEnum):
    BRIEFING = "briefing"  # the war room's first message, redrawn as roles and pauses change
    ANNOUNCE = "announce"  # "crisis mode is on" in the approvals channel
    UPDATE = "update"  # the periodic status in the war room
    END = "end"  # "crisis mode is over" in the approvals channel
    POSTMORTEM = "postmortem"  # the report in the war room at the end
    ALERT = "alert"  # a spike alert in the escalation channel


RUNNING = "running"  # ``Crisis.running_key`` while a crisis lasts
OPEN = "open"  # ``Spike.open_key`` while a spike lasts

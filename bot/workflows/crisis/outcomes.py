"""What a crisis command returns: the crisis it acted on, or why it was refused.

A refusal is not an exception: the audit entry that records a denial commits with the session,
and the listener words the code for the person (bot/blocks/crisis_answers.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.store.models import Crisis, Draft

# The reason given at the start and the summary given at the end: a sentence or two, not an essay
# (they are shown in every briefing, banner and report).
MAX_TEXT_CHARS = 500


class CrisisRefusal(StrEnum):
    NOT_ADMIN = "not_admin"  # start, drill, end: admins only
    NO_ADMINS = "no_admins"  # start, drill, end: SOCIALOPS_ADMINS is empty, so nobody may
    NOT_LEAD = "not_lead"  # roles and resume: admins or the crisis's lead
    NONE_RUNNING = "none_running"  # end, role: there is no crisis to act on
    EMPTY = "empty"  # no reason / summary given
    TOO_LONG = "too_long"  # reason / summary over MAX_TEXT_CHARS
    NOT_PAUSED = "not_paused"  # resume: the post is not paused (any more)
    NOT_FOUND = "not_found"  # resume: no such post, or no such crisis


@dataclass(frozen=True)
class StartOutcome:
    """``started`` False with a crisis: one was already running (a second start is idempotent)."""

    crisis: Crisis | None = None
    started: bool = False
    paused: tuple[int, ...] = ()  # the drafts this start paused
    stamped: int = 0  # drafts waiting for approval that now need the extra approval
    refused: CrisisRefusal | None = None


@dataclass(frozen=True)
class EndOutcome:
    crisis: Crisis | None = None
    still_paused: int = 0  # posts it paused that wait for a resume
    refused: CrisisRefusal | None = None


@dataclass(frozen=True)
class RoleOutcome:
    crisis: Crisis | None = None
    user_id: str = ""
    role: str = ""
    previous: str | None = None  # the role the person held before, if any
    refused: CrisisRefusal | None = None


@dataclass(frozen=True)
class ResumeOutcome:
    resumed: tuple[int, ...] = ()  # the drafts moved back to where they were
    crisis_ids: tuple[int, ...] = field(default=())  # the crises whose messages list them
    state: str | None = None  # resume one: the state of a draft that was not paused
    refused: CrisisRefusal | None = None


@dataclass(frozen=True)
class CrisisStatus:
    """``crisis`` is the running one (``running``) or, when none runs, the last one ended."""

    crisis: Crisis | None = None
    running: bool = False
    roles: tuple[tuple[str, str], ...] = ()  # (user id, role), leads first
    waiting: int = 0  # drafts it stamped still waiting for approval (only while it runs)
    paused: tuple[Draft, ...] = ()  # every post still paused, by any crisis

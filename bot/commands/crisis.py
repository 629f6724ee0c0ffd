"""`/social crisis start|drill|status|end|role|resume all`, and the Resume buttons the war room's
briefing and the end message carry.

Each decision (start, end, a role, a resume) is committed before the ack, like an approval:
Slack sends a command or a click once, so a 200 must mean it is stored. Who the admins are is
read from the group cache without waiting on Slack (``DECISION_MAX_AGE``). What the decision
owes (briefing, announcement, post-mortem, redraws) is in the store; ``deliver_soon`` starts on
it right after the ack, and the clock delivers whatever that does not.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from slack_bolt import App
from slack_sdk import WebClient

from bot.blocks.crisis_answers import (
    RESUME_ACTION,
    RESUME_ALL_ACTION,
    already_running_text,
    ended_text,
    refusal_text,
    resume_usage_text,
    resumed_text,
    role_text,
    role_usage_text,
    started_text,
    status_message,
    usage_text,
)
from bot.commands import kit
from bot.commands.kit import ButtonCall
from bot.commands.router import SubcommandCall, SubcommandRouter, split_subcommand
from bot.services import Services
from bot.slack.approvers import DECISION_MAX_AGE, expand
from bot.slack.crisis_delivery import deliver_soon
from bot.store.db import session_scope
from bot.workflows.crisis import lifecycle
from bot.workflows.crisis.kinds import CrisisKind, Role
from bot.workflows.crisis.outcomes import ResumeOutcome

# ``<@U123>`` or ``<@U123|maria>``: how Slack sends a mention typed in a slash command.
_MENTION = re.compile(r"^<@(?P<user>[UW][A-Z0-9]{2,30})(?:\|[^>]*)?>$")


def register(app: App, router: SubcommandRouter) -> None:
    router.add("crisis", crisis_command)
    kit.deciding_button(
        app, RESUME_ACTION, parse=kit.parse_id, decide=_decide_resume, after=_after_resume
    )
    kit.deciding_button(
        app, RESUME_ALL_ACTION, parse=kit.parse_id, decide=_decide_resume_all, after=_after_resume
    )


def crisis_command(call: SubcommandCall) -> None:
    """Crisis mode: start it or a drill, see its status, end it, give roles, resume paused posts.

    Usage: /social crisis start <reason> | drill <scenario> | status | end <summary> | role @user lead|legal|pr|support | resume all
    """
    verb, rest = split_subcommand(call.args)
    handler = _VERBS.get(verb)
    if handler is None:
        call.ack(response_type="ephemeral", text=usage_text(verb))
        return
    handler(call, rest)


def _admins(services: Services, client: WebClient) -> frozenset[str]:
    """SOCIALOPS_ADMINS as user ids; groups from the cache, so the decision does not wait."""
    return expand(
        services.settings.admins,
        client,
        services.groups,
        now=services.clock(),
        max_age=DECISION_MAX_AGE,
    )


def _answer(call: SubcommandCall, text: str, *, owed: bool) -> None:
    """The ephemeral answer (the ack: the decision is committed), then deliver what it owes."""
    call.ack(response_type="ephemeral", text=text)
    if owed:
        deliver_soon(call.services, call.client)


def _start(kind: CrisisKind) -> Callable[[SubcommandCall, str], None]:
    verb = "drill" if kind == CrisisKind.DRILL else "start"

    def start(call: SubcommandCall, reason: str) -> None:
        services = call.services
        admins = _admins(services, call.client)
        with session_scope(services.sessions) as session:
            outcome = lifecycle.start(
                session=session,
                actor_id=call.user_id,
                kind=kind,
                reason=reason,
                now=services.clock(),
                admins=admins,
                update_every=services.settings.crisis_update_every,
                approvals_channel=services.settings.approvals_channel,
            )
        if outcome.refused is not None:
            call.ack(
                response_type="ephemeral",
                text=refusal_text(outcome.refused, verb=verb, length=len(reason.strip())),
            )
            return
        assert outcome.crisis is not None
        if not outcome.started:
            call.ack(response_type="ephemeral", text=already_running_text(outcome.crisis))
            return
        _answer(call, started_text(outcome), owed=True)

    return start


def _end(call: SubcommandCall, summary: str) -> None:
    services = call.services
    admins = _admins(services, call.client)
    with session_scope(services.sessions) as session:
        outcome = lifecycle.end(
            session=session,
            actor_id=call.user_id,
            summary=summary,
            now=services.clock(),
            admins=admins,
        )
    if outcome.refused is not None:
        text = refusal_text(outcome.refused, verb="end", length=len(summary.strip()))
        call.ack(response_type="ephemeral", text=text)
        return
    _answer(call, ended_text(outcome), owed=True)


def _status(call: SubcommandCall, rest: str) -> None:
    with session_scope(call.services.sessions) as session:
        shown = lifecycle.status(session)
        answer = status_message(shown, now=call.services.clock())
    call.ack(**answer)


def _role(call: SubcommandCall, rest: str) -> None:
    words = rest.split()
    mention = _MENTION.match(words[0]) if len(words) == 2 else None
    role = words[1].lower() if len(words) == 2 else ""
    if mention is None or role not in {str(each) for each in Role}:
        call.ack(response_type="ephemeral", text=role_usage_text())
        return
    services = call.services
    admins = _admins(services, call.client)
    with session_scope(services.sessions) as session:
        outcome = lifecycle.assign_role(
            session=session,
            actor_id=call.user_id,
            user_id=mention.group("user"),
            role=Role(role),
            now=services.clock(),
            admins=admins,
        )
    if outcome.refused is not None:
        call.ack(response_type="ephemeral", text=refusal_text(outcome.refused, verb="role"))
        return
    _answer(call, role_text(outcome), owed=True)


def _resume_command(call: SubcommandCall, rest: str) -> None:
    if rest.strip().lower() != "all":
        call.ack(response_type="ephemeral", text=resume_usage_text())
        return
    services = call.services
    admins = _admins(services, call.client)
    with session_scope(services.sessions) as session:
        outcome = lifecycle.resume_all(
            session=session,
            actor_id=call.user_id,
            crisis_id=None,
            now=services.clock(),
            admins=admins,
        )
    if outcome.refused is not None:
        call.ack(response_type="ephemeral", text=refusal_text(outcome.refused, verb="resume_all"))
        return
    _answer(call, resumed_text(outcome), owed=bool(outcome.resumed))


_VERBS: dict[str, Callable[[SubcommandCall, str], None]] = {
    "start": _start(CrisisKind.CRISIS),
    "drill": _start(CrisisKind.DRILL),
    "end": _end,
    "status": _status,
    "role": _role,
    "resume": _resume_command,
}


# -- the Resume buttons --------------------------------------------------------------------------


def _decide_resume(call: ButtonCall[int]) -> ResumeOutcome:
    """Resume one post (the briefing's row button), committed before the ack."""
    services = call.services
    admins = _admins(services, call.client)
    with session_scope(services.sessions) as session:
        return lifecycle.resume(
            session=session,
            actor_id=call.user_id,
            draft_id=call.value,
            now=services.clock(),
            admins=admins,
        )


def _decide_resume_all(call: ButtonCall[int]) -> ResumeOutcome:
    """Resume every post the crisis paused (briefing and end message), committed before the ack."""
    services = call.services
    admins = _admins(services, call.client)
    with session_scope(services.sessions) as session:
        return lifecycle.resume_all(
            session=session,
            actor_id=call.user_id,
            crisis_id=call.value,
            now=services.clock(),
            admins=admins,
        )


def _after_resume(call: ButtonCall[int], outcome: ResumeOutcome) -> None:
    """Tell the clicker; the briefing and the end message are redrawn by the delivery."""
    if outcome.refused is not None:
        call.tell(refusal_text(outcome.refused, verb="resume", state=outcome.state))
        return
    call.tell(resumed_text(outcome))
    if outcome.resumed:
        deliver_soon(call.services, call.client)

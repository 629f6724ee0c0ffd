"""The war room's briefing, and the crisis's announcements in the approvals channel.

Each composer reads the crisis fresh (the clock calls it just before it posts or redraws), so a
role assigned or a post resumed shows at the next redraw. The holding statements are the team's
``crisis: true`` templates rendered in the template sandbox with a neutral context (no customer):
what the team may say, word for word, before anyone knows more.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from bot.blocks import crisis_briefing as blocks
from bot.knowledge.templates import TemplateFileError, render
from bot.services import Services
from bot.slack.crisis_message import CrisisMessage
from bot.store.models import Crisis, CrisisPost, CrisisRole, Draft
from bot.workflows.crisis.kinds import CrisisKind
from bot.workflows.drafts.states import DraftState
from bot.workflows.reply_templates import template_context


class CrisisGone(LookupError):
    """The post names a crisis that is not in the store."""


def compose_briefing(
    services: Services, session: Session, post: CrisisPost, now: datetime
) -> CrisisMessage:
    crisis = _crisis(session, post)
    briefing = blocks.Briefing(
        facts=crisis_facts(services, crisis),
        roles=[
            (role.user_id, role.role)
            for role in session.exec(
                select(CrisisRole)
                .where(CrisisRole.crisis_id == crisis.id)
                .order_by(col(CrisisRole.id))
            ).all()
        ],
        statements=holding_statements(services, session),
        paused=paused_posts(session, crisis),
        room_note=crisis.room_note,
    )
    text, drawn = blocks.build_briefing(briefing)
    return CrisisMessage(text, drawn)


def compose_announce(
    services: Services, session: Session, post: CrisisPost, now: datetime
) -> CrisisMessage:
    crisis = _crisis(session, post)
    text, drawn = blocks.build_announce(
        crisis_facts(services, crisis),
        war_room=crisis.war_room_channel,
        paused=len(paused_posts(session, crisis)),
    )
    return CrisisMessage(text, drawn)


def compose_end(
    services: Services, session: Session, post: CrisisPost, now: datetime
) -> CrisisMessage:
    crisis = _crisis(session, post)
    text, drawn = blocks.build_end(
        crisis_facts(services, crisis),
        war_room=crisis.war_room_channel,
        paused=len(paused_posts(session, crisis)),
    )
    return CrisisMessage(text, drawn)


def crisis_facts(services: Services, crisis: Crisis) -> blocks.CrisisFacts:
    assert crisis.id is not None
    settings = services.settings
    return blocks.CrisisFacts(
        id=crisis.id,
        drill=crisis.kind == CrisisKind.DRILL,
        reason=crisis.reason,
        started_by=crisis.started_by,
        started_at=crisis.started_at,
        crisis_approvers=tuple(settings.crisis_approvers),
        admins=tuple(settings.admins),
        ended_at=crisis.ended_at,
        ended_by=crisis.ended_by,
        summary=crisis.summary,
    )


def neutral_context(services: Services) -> dict[str, object]:
    """What a holding statement is rendered with when no customer is known yet."""
    return template_context(
        None, services.brand_voice, answer="", faq_id="", mood="neutral", team="support"
    )


def holding_statements(services: Services, session: Session) -> list[blocks.HoldingStatement]:
    """Every ``crisis: true`` template, rendered; one that fails shows its error instead."""
    context = neutral_context(services)
    statements = []
    for template in services.knowledge.get(session).templates:
        if not template.crisis:
            continue
        try:
            statements.append(blocks.HoldingStatement(template.id, render(template, context)))
        except TemplateFileError as error:
            statements.append(blocks.HoldingStatement(template.id, "", error=str(error)))
    return statements


def paused_posts(session: Session, crisis: Crisis) -> list[blocks.PausedPost]:
    """The posts this crisis paused that are still paused, oldest first."""
    drafts = session.exec(
        select(Draft)
        .where(Draft.paused_by == crisis.id, Draft.state == DraftState.PAUSED)
        .order_by(col(Draft.id))
    ).all()
    return [
        blocks.PausedPost(
            draft_id=draft.id or 0,
            text=draft.text,
            paused_from=draft.paused_from or "approved",
            scheduled_at=draft.scheduled_at,
        )
        for draft in drafts
    ]


def _crisis(session: Session, post: CrisisPost) -> Crisis:
    crisis = session.get(Crisis, post.crisis_id) if post.crisis_id is not None else None
    if crisis is None:
        raise CrisisGone(f"crisis post {post.id} names no crisis")
    return crisis

"""Block Kit for a digest: the template's text as sections, and the buttons a lead acts from.

The text comes from the team's template (``bot.knowledge.digest_template``), already escaped
where people wrote it; each paragraph is a section and a first line ``# …`` the header. What a
lead acts on is drawn here, from the figures: the oldest pending drafts, each with **Approve**;
the top FAQ gap with **Add to FAQ** (the same button and modal as ``/social faq gaps``); and
**Open queue**. Slack refuses a message over 50 blocks or a section over 3,000 characters, so a
long paragraph is split and what does not fit ends in "and N more".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.blocks.approvals import age_text
from bot.blocks.kit import Block, actions, button, context, divider, header, section
from bot.blocks.replies import ADD_TO_FAQ_ACTION
from bot.blocks.text import echo_user_text, truncate
from bot.core.mrkdwn import split_mrkdwn
from bot.workflows.digests.figures import DigestFigures

DIGEST_OPEN_QUEUE_ACTION = "digest_open_queue"
DIGEST_APPROVE_ACTION = "digest_approve"
MAX_BLOCKS = 50  # Slack's limit for a message
SECTION_CHARS = 3000  # Slack's limit for a section's text
HEADER_CHARS = 150  # Slack's limit for a header's text
DRAFT_CHARS = 300  # a pending draft's text, shown in the digest
FALLBACK_CHARS = 300  # the notification text
_UNESCAPE = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))


def build_digest_message(
    text: str,
    figures: DigestFigures,
    *,
    seen_hashes: Mapping[int, str],
    now: datetime,
) -> dict[str, Any]:
    """The message (``text`` and ``blocks``) for the rendered ``text`` of ``figures``.

    ``seen_hashes`` holds each pending draft's card hash (``card_value``'s 12 characters): an
    Approve button binds to the text the digest showed, as the card's does, so a draft edited
    since is refused as stale rather than approved unseen. A draft without one gets no button.
    """
    title, paragraphs = _paragraphs(text)
    action_blocks = [] if figures.is_quiet else _action_blocks(figures, seen_hashes, now=now)
    budget = MAX_BLOCKS - len(action_blocks) - (1 if title else 0)
    blocks: list[Block] = [header(truncate(title, HEADER_CHARS))] if title else []
    blocks.extend(_text_blocks(paragraphs, budget))
    blocks.extend(action_blocks)
    first = paragraphs[0] if paragraphs else ""
    fallback = f"{title}: {first}" if title and first else title or first
    return {"text": truncate(fallback, FALLBACK_CHARS) or "Digest", "blocks": blocks}


def _paragraphs(text: str) -> tuple[str, list[str]]:
    """The header's words (from a first line ``# …``, unescaped: a header is plain text) and
    the paragraphs after it."""
    title = ""
    lines = text.strip().splitlines()
    if lines and lines[0].startswith("# "):
        title = lines.pop(0)[2:].strip()
        for entity, character in _UNESCAPE:
            title = title.replace(entity, character)
    body = "\n".join(lines).strip()
    return title, [part.strip() for part in body.split("\n\n") if part.strip()]


def _text_blocks(paragraphs: list[str], budget: int) -> list[Block]:
    """One section per paragraph (split when over Slack's limit), at most ``budget`` blocks; the
    last one then says how many sections were left out."""
    pieces = [piece for part in paragraphs for piece in split_mrkdwn(part, SECTION_CHARS)]
    if len(pieces) <= budget:
        return [section(piece) for piece in pieces]
    kept = pieces[: max(budget - 1, 0)]
    return [section(piece) for piece in kept] + [
        context(f"… and {len(pieces) - len(kept)} more sections.")
    ]


def _action_blocks(
    figures: DigestFigures, seen_hashes: Mapping[int, str], *, now: datetime
) -> list[Block]:
    approvals, gaps = figures.approvals, figures.replies.top_gaps
    blocks: list[Block] = []
    if approvals.oldest_pending:
        blocks.append(divider())
        blocks.append(section("*Waiting longest for approval*"))
        for draft in approvals.oldest_pending:
            seen = seen_hashes.get(draft.draft_id)
            approve = (
                button(
                    "Approve",
                    DIGEST_APPROVE_ACTION,
                    f"{draft.draft_id}:{seen}",
                    style="primary",
                )
                if seen
                else None
            )
            waited = age_text(now - draft.submitted_at)
            blocks.append(
                section(
                    f"*#{draft.draft_id}* by <@{draft.author_id}> · waiting {waited}\n"
                    f"{echo_user_text(draft.text, DRAFT_CHARS)}",
                    accessory=approve,
                )
            )
        more = approvals.pending - len(approvals.oldest_pending)
        if more > 0:
            blocks.append(context(f"… and {more} more waiting."))
    top_gap = gaps[0] if gaps else None
    if top_gap is not None and top_gap.gap_id is not None:
        question = echo_user_text(top_gap.label, 500)
        times = "once" if top_gap.count == 1 else f"{top_gap.count} times"
        blocks.append(
            section(
                f"*Top unanswered question* (asked {times}):\n“{question}”",
                accessory=button("Add to FAQ", ADD_TO_FAQ_ACTION, str(top_gap.gap_id)),
            )
        )
    # The queue may have filled since the digest went out: the button is there every busy day.
    blocks.append(
        actions("digest_actions", [button("Open queue", DIGEST_OPEN_QUEUE_ACTION, "queue")])
    )
    return blocks

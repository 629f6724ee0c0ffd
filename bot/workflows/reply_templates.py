"""Which response template answers an FAQ entry, and the text it gives: the brand's voice, the
customer's mood and network, and the crisis templates kept for crisis mode."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.knowledge.faq_files import FaqEntry
from bot.knowledge.sentiment import Mood
from bot.knowledge.templates import HOLDING, ResponseTemplate, TemplateFileError, render
from bot.workflows.reply_requests import CustomerMessage


@dataclass(frozen=True)
class BrandVoice:
    name: str
    sign_off: str
    emoji: bool
    banned_phrases: tuple[str, ...] = ()


def choose_crisis_template(
    templates: Sequence[ResponseTemplate],
    entry: FaqEntry | None,
    *,
    network: str,
    mood: Mood = "neutral",
) -> ResponseTemplate | None:
    """The crisis template for this entry (by id, tag or handoff team), else one for any message
    (serving ``crisis`` or ``*``); within each, one for the customer's mood first."""
    fits = [
        t
        for t in templates
        if t.crisis
        and (not t.networks or network in t.networks)
        and (not t.moods or mood in t.moods)
    ]
    intents = (
        {entry.id, *entry.tags, *([entry.handoff] if entry.handoff else [])} if entry else set()
    )
    specific = [t for t in fits if intents & set(t.serves)]
    general = [t for t in fits if {"crisis", "*"} & set(t.serves)]
    for group in (specific, general):
        if group:
            return min(group, key=lambda t: (not t.moods, t.id))
    return None


def choose_template(
    templates: Sequence[ResponseTemplate],
    entry: FaqEntry,
    *,
    network: str,
    mood: Mood = "neutral",
) -> ResponseTemplate | None:
    """The template made for this entry (by id, tag or handoff team), else a catch-all ("*");
    within each, one written for the customer's mood wins over one for any mood.

    Crisis templates are left to crisis mode and holding templates to handoffs; a template limited to other networks or to other
    moods is skipped, so an upset customer never gets the cheerful one.
    """
    fits = [
        t
        for t in templates
        if not t.crisis
        and HOLDING not in t.serves
        and (not t.networks or network in t.networks)
        and (not t.moods or mood in t.moods)
    ]
    intents = {entry.id, *entry.tags, *([entry.handoff] if entry.handoff else [])}
    specific = [t for t in fits if intents & set(t.serves)]
    general = [t for t in fits if "*" in t.serves]
    for group in (specific, general):
        if group:
            return min(group, key=lambda t: (not t.moods, t.id))
    return None


def template_context(
    message: CustomerMessage | None,
    voice: BrandVoice,
    *,
    answer: str,
    faq_id: str,
    mood: str,
    team: str = "",
) -> dict[str, object]:
    """The variables every response template is rendered with (see responses/README.md);
    no customer yet (a briefing's holding statement) greets "there"."""
    handle = message.handle if message is not None else None
    return {
        "customer_name": handle.lstrip("@") if handle else "there",
        "customer_handle": handle or "",
        "answer": answer,
        "faq_id": faq_id,
        "team": team,
        "mood": mood,
        "brand": {"name": voice.name, "sign_off": voice.sign_off, "emoji": voice.emoji},
    }


def fill(
    template: ResponseTemplate | None,
    entry: FaqEntry,
    message: CustomerMessage,
    voice: BrandVoice,
    mood: Mood,
) -> tuple[str, str | None]:
    """The template's text for this entry and customer, and a note when the FAQ answer stood in."""
    if template is None:
        return entry.answer.strip(), "No response template fits, so this is the FAQ answer as is."
    context = template_context(
        message, voice, answer=entry.answer.strip(), faq_id=entry.id, mood=mood
    )
    try:
        return render(template, context), None
    except TemplateFileError as error:
        # A broken template must not stop the reply: the FAQ answer still is one.
        return (
            entry.answer.strip(),
            f"Template {template.id} failed ({error}), so this is the FAQ answer.",
        )

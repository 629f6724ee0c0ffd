"""The holding reply a handed-off customer gets while the team takes over: a reply suggestion
like any other (its buttons send it for approval), written by a template made for it.

A holding template serves the situation ``holding`` and the team it speaks for
(``serves: [holding, sales]``); one serving ``holding`` alone speaks for either team. Ordinary
replies never use a holding template (``replies.choose_template`` skips them), so adding one
changes no answer to an FAQ question. No template fitting the network and mood: a plain line
stands in, with a note saying so, as the FAQ answer stands in for a missing reply template.

While a crisis or drill runs the holding reply too comes only from a ``crisis: true`` template
(one serving ``holding`` and the team first, then any that fits); with none, no plain line
stands in: the suggestion abstains with a note, so nothing unapproved goes out in a crisis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.knowledge.library import Knowledge
from bot.knowledge.sentiment import Mood, mood_of
from bot.knowledge.templates import HOLDING, ResponseTemplate, TemplateFileError, render
from bot.workflows.replies import CRISIS_TEXT, NO_CRISIS_TEMPLATE, CrisisMode, Suggestion
from bot.workflows.reply_requests import CustomerMessage
from bot.workflows.reply_templates import BrandVoice, choose_crisis_template, template_context


def choose_holding_template(
    templates: Sequence[ResponseTemplate],
    *,
    team: str,
    network: str,
    mood: Mood,
    crisis: bool = False,
) -> ResponseTemplate | None:
    """The holding template for ``team`` (before one for any team); within each, one written for
    the customer's mood before one for any mood; crisis templates are crisis mode's, and in crisis
    mode only they are."""
    fits = [
        t
        for t in templates
        if HOLDING in t.serves
        and t.crisis == crisis
        and (not t.networks or network in t.networks)
        and (not t.moods or mood in t.moods)
    ]
    for group in ([t for t in fits if team in t.serves], [t for t in fits if len(t.serves) == 1]):
        if group:
            return min(group, key=lambda t: (not t.moods, t.id))
    return None


def compose_holding(
    knowledge: Knowledge,
    message: CustomerMessage,
    *,
    team: str,
    voice: BrandVoice,
    network: str,
    faq_id: str | None,
    crisis: CrisisMode | None = None,
) -> Suggestion:
    """The holding reply for ``message`` handed to ``team`` (template text, never the model's:
    it promises only that the team has it)."""
    mood = mood_of(message.text)
    if crisis is not None:
        return _crisis_holding(
            knowledge,
            message,
            team=team,
            voice=voice,
            network=network,
            faq_id=faq_id,
            crisis=crisis,
            mood=mood,
        )
    template = choose_holding_template(knowledge.templates, team=team, network=network, mood=mood)
    name = message.handle.lstrip("@") if message.handle else "there"
    fallback = (
        f"Hi {name}, thanks for getting in touch. We've passed this to our {team} team, "
        f"who will get back to you here soon.\n{voice.sign_off}".strip()
    )
    text = fallback
    note: str | None = f"No holding template serves {team} here, so this is the plain line."
    if template is not None:
        entry = knowledge.entries.get(faq_id) if faq_id else None
        context = template_context(
            message,
            voice,
            answer=entry.answer.strip() if entry else "",
            faq_id=faq_id or "",
            mood=mood,
            team=team,
        )
        try:
            text, note = render(template, context).strip(), None
        except TemplateFileError as error:
            note = f"Template {template.id} failed ({error}), so this is the plain line."
    return Suggestion(
        text=text,
        ranked=(),
        option=0,
        faq_id=faq_id,
        template_id=template.id if template is not None and note is None else None,
        confidence=1.0,
        mood=mood,
        note=note,
    )


def _crisis_holding(
    knowledge: Knowledge,
    message: CustomerMessage,
    *,
    team: str,
    voice: BrandVoice,
    network: str,
    faq_id: str | None,
    crisis: CrisisMode,
    mood: Mood,
) -> Suggestion:
    """The holding reply in crisis mode: a crisis template as written, or an abstention."""
    entry = knowledge.entries.get(faq_id) if faq_id else None
    template = choose_holding_template(
        knowledge.templates, team=team, network=network, mood=mood, crisis=True
    ) or choose_crisis_template(knowledge.templates, entry, network=network, mood=mood)
    abstain = Suggestion(
        text=None,
        ranked=(),
        option=0,
        faq_id=faq_id,
        template_id=None,
        confidence=0.0,
        mood=mood,
        note=NO_CRISIS_TEMPLATE,
        crisis_id=crisis.crisis_id,
    )
    if template is None:
        return abstain
    context = template_context(
        message,
        voice,
        answer=entry.answer.strip() if entry else "",
        faq_id=faq_id or "",
        mood=mood,
        team=team,
    )
    try:
        text = render(template, context).strip()
    except TemplateFileError as error:
        return replace(
            abstain, note=f"Crisis template {template.id} failed ({error}); {NO_CRISIS_TEMPLATE}"
        )
    return replace(abstain, text=text, template_id=template.id, confidence=1.0, note=CRISIS_TEXT)

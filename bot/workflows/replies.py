"""Suggested replies: match a customer's message to the FAQ, fill a template, polish, remember.

No Slack here. The listeners (mention, shortcut, `/social reply`) and `socialops suggest` call
:func:`compose` to get a reply (the request read by ``reply_requests``, the template chosen and
filled by ``reply_templates``), and the Slack side stores it with
``suggestion_store.save_suggestion`` so its buttons can find it again. Composing needs no database session: a model call can take seconds
and no transaction should stay open that long.

While a crisis or drill runs (the caller reads it: :func:`crisis_mode`), a reply comes only from
a template marked ``crisis: true``, as written (no model polish): nothing unapproved goes out in
a crisis. With no crisis template that fits, the bot suggests nothing and says why.

With a model configured, the model chooses the entry among the matcher's best
(:func:`_model_ranking`): its pick is answered from, its "none of these" is an abstention that
still offers the close entries, and its silence (no model, a failure) leaves the matcher's answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlmodel import Session

from bot.knowledge.faq_files import FaqEntry
from bot.knowledge.library import Knowledge
from bot.knowledge.matching import MAX_CANDIDATES, Match, MatchResult
from bot.knowledge.question_parts import Part, Parts, answer_parts
from bot.knowledge.sentiment import Mood, celebrates, mood_of
from bot.knowledge.templates import TemplateFileError, render
from bot.llm import Drafter, EntryOption, Polished, PolishRequest
from bot.workflows.crisis.queries import running
from bot.workflows.reply_requests import CustomerMessage
from bot.workflows.reply_templates import (
    BrandVoice,
    choose_crisis_template,
    choose_template,
    fill,
    template_context,
)

# How many ranked entries "Another option" may walk through.
MAX_OPTIONS = 5


@dataclass(frozen=True)
class CrisisMode:
    """The crisis or drill running while a reply is suggested: crisis templates only, no polish."""

    crisis_id: int
    kind: str  # "crisis" | "drill"


def crisis_mode(session: Session) -> CrisisMode | None:
    """The crisis mode replies are suggested under now, if a crisis or drill runs."""
    crisis = running(session)
    if crisis is None or crisis.id is None:
        return None
    return CrisisMode(crisis.id, crisis.kind)


NO_CRISIS_TEMPLATE = (
    "Crisis mode allows only pre-approved crisis templates (crisis: true), and none fits this "
    "message, so I haven't suggested anything."
)
CRISIS_TEXT = "Crisis mode: a pre-approved crisis template, as written (no model polish)."
MODEL_FOUND_NONE = "The model judged that no FAQ entry answers this message."


@dataclass(frozen=True)
class Suggestion:
    """A reply ready to show, or an abstention (``text`` is None) when the FAQ has no answer."""

    text: str | None
    ranked: tuple[Match, ...]  # usable matches, best first
    option: int  # index into ``ranked`` of the entry used
    faq_id: str | None
    template_id: str | None
    confidence: float  # 0..1: how much of the message the entry explains
    polished: bool = False
    # For the teammate: why the template text was used instead of the model's, or that the
    # model found no entry that answers the message.
    note: str | None = None
    mood: Mood = "neutral"  # how the customer sounds; it chose the template
    crisis_id: int | None = None  # made while this crisis or drill ran: a crisis template or none
    # No answer, but these entries came close: a teammate picks one (Use this) or none of them.
    candidates: tuple[Match, ...] = ()
    # The model chose: the entry answered from (ranked[0]), or that none of them answers.
    chosen_by_model: bool = False
    # A several-question message answered part by part (each part and the entry answering it).
    parts: tuple[Part, ...] = ()

    @property
    def abstained(self) -> bool:
        return self.text is None


def compose(
    knowledge: Knowledge,
    message: CustomerMessage,
    *,
    drafter: Drafter,
    voice: BrandVoice,
    network: str,
    option: int = 0,
    ranked: Sequence[Match] | None = None,
    crisis: CrisisMode | None = None,
) -> Suggestion:
    """The reply for ``message`` from its ``option``-th best FAQ entry (0: the best).

    ``ranked`` re-uses an earlier ranking ("Another option") so the choices do not shift under
    the user; entries deleted since are skipped. ``crisis``: a crisis template or nothing.
    Without ``ranked`` (a new message), the drafter's model may choose the entry.
    """
    if crisis is not None:
        return compose_in_crisis(
            knowledge,
            message,
            voice=voice,
            network=network,
            crisis=crisis,
            option=option,
            ranked=ranked,
        )
    chosen_by_model = False
    if ranked is None:
        parts = answer_parts(knowledge.matcher, message.text)
        if parts is not None and len(_part_entries(knowledge, parts)) >= 2:
            whole = knowledge.matcher.match(message.text, limit=MAX_OPTIONS)
            return _compose_parts(knowledge, message, parts, whole.matches, drafter, voice, network)
        found = _ranking(knowledge, message, drafter)
        if isinstance(found, Suggestion):
            return found
        ranked, chosen_by_model = found
    usable = tuple(m for m in ranked if m.entry_id in knowledge.entries)
    if not usable:
        return Suggestion(None, (), 0, None, None, 0.0)
    option %= len(usable)
    match = usable[option]
    entry = knowledge.entries[match.entry_id]
    reply = _reply_from(knowledge, (entry,), message, drafter, voice, network)
    return Suggestion(
        text=reply.text,
        ranked=usable,
        option=option,
        faq_id=entry.id,
        template_id=reply.template_id,
        confidence=round(knowledge.matcher.confidence(match), 2),
        polished=reply.polished,
        note=reply.note,
        mood=reply.mood,
        # Only the model's own pick (option 0 of its ranking) is marked as chosen by it.
        chosen_by_model=chosen_by_model and option == 0,
    )


def _ranking(
    knowledge: Knowledge, message: CustomerMessage, drafter: Drafter
) -> tuple[Sequence[Match], bool] | Suggestion:
    """The entries to answer from, best first, and whether the model chose them; or the
    abstention when neither the model nor the matcher found an answer."""
    result = knowledge.matcher.match(message.text, limit=MAX_OPTIONS)
    decided = _model_ranking(knowledge, message, result, drafter)
    if isinstance(decided, Suggestion):
        return decided
    if decided is not None:
        return decided, True
    if result.abstained:
        # The close entries, if any, are offered instead of an answer; none is silence.
        offered = tuple(m for m in result.candidates if m.entry_id in knowledge.entries)
        return Suggestion(
            None, result.matches, 0, None, None, _confidence(result.matches), candidates=offered
        )
    return _plausible(knowledge, result), False


def _plausible(knowledge: Knowledge, result: MatchResult) -> list[Match]:
    """The matcher's answer and the other options plausible on their own (at least its own bar,
    on its own scale, whichever matcher it is); the best one already passed the bar."""
    if result.abstained or not result.matches:
        return []
    floor = min(knowledge.matcher.min_score, result.matches[0].score)
    return [m for m in result.matches if m.score >= floor]


def _model_ranking(
    knowledge: Knowledge, message: CustomerMessage, result: MatchResult, drafter: Drafter
) -> list[Match] | Suggestion | None:
    """What the model makes of the matcher's best entries (those with any support), whether or
    not the matcher abstained: its pick first, then the matcher's ranking (or its candidates)
    for Another option; an abstention when it says none fits, keeping the close entries for
    the teammate; None when it has no opinion (no model, a failure): the matcher decides."""
    offered = [
        m for m in result.matches[:MAX_OPTIONS] if m.score > 0 and m.entry_id in knowledge.entries
    ]
    if not offered:
        return None
    options = [
        EntryOption(
            m.entry_id, knowledge.entries[m.entry_id].question, knowledge.entries[m.entry_id].answer
        )
        for m in offered
    ]
    choice = drafter.choose_entry(message.text, options)
    # Kept for the teammate either way: the matcher's candidates, or its plausible answers.
    close = result.candidates if result.abstained else tuple(_plausible(knowledge, result))
    close = tuple(m for m in close if m.entry_id in knowledge.entries)
    if choice.verdict == "none_fits":
        return Suggestion(
            None,
            result.matches,
            0,
            None,
            None,
            _confidence(result.matches),
            note=MODEL_FOUND_NONE,
            candidates=close[:MAX_CANDIDATES],
            chosen_by_model=True,
        )
    picked = next((m for m in offered if m.entry_id == choice.entry_id), None)
    if choice.verdict != "picked" or picked is None:
        return None
    return [picked, *(m for m in close if m.entry_id != picked.entry_id)]


@dataclass(frozen=True)
class _Reply:
    text: str
    template_id: str | None
    polished: bool
    note: str | None
    mood: Mood


def _reply_from(
    knowledge: Knowledge,
    entries: Sequence[FaqEntry],
    message: CustomerMessage,
    drafter: Drafter,
    voice: BrandVoice,
    network: str,
) -> _Reply:
    """The template filled with the answers of ``entries`` (the first chooses the template),
    then polished by the model within the facts of those answers."""
    first = entries[0]
    mood = mood_of(message.text)
    template = choose_template(knowledge.templates, first, network=network, mood=mood)
    answered = replace(first, answer=" ".join(e.answer.strip() for e in entries))
    draft, note = fill(template, answered, message, voice, mood)
    polished = drafter.polish(
        PolishRequest(
            draft=draft,
            faq_answers=tuple(e.answer for e in entries),
            template_body=template.body if template else "",
            customer_message=message.text,
            tone=template.tone if template else "friendly",
            network=network,
            brand_name=voice.name,
            sign_off=voice.sign_off,
            # An upset customer gets no emoji from the model, whatever the brand's habit.
            emoji=voice.emoji and mood != "upset",
            banned_phrases=voice.banned_phrases,
        )
    )
    if mood == "upset" and polished.polished and celebrates(polished.text):
        polished = Polished(
            draft,
            False,
            "The model cheered a reply to an upset customer, so this is the template text.",
        )
    return _Reply(
        polished.text,
        template.id if template else None,
        polished.polished,
        note or polished.note,
        mood,
    )


def _part_entries(knowledge: Knowledge, parts: Parts) -> list[FaqEntry]:
    return [knowledge.entries[i] for i in parts.entry_ids if i in knowledge.entries]


def _compose_parts(
    knowledge: Knowledge,
    message: CustomerMessage,
    parts: Parts,
    ranked: Sequence[Match],
    drafter: Drafter,
    voice: BrandVoice,
    network: str,
) -> Suggestion:
    """One reply answering each question a different entry answers, saying which parts it
    answers and which it leaves (Another option walks the whole message's ranking)."""
    entries = _part_entries(knowledge, parts)
    reply = _reply_from(knowledge, entries, message, drafter, voice, network)
    kept = [p for p in parts.parts if p.match is None or p.match.entry_id in knowledge.entries]
    said = parts_note(kept)
    return Suggestion(
        text=reply.text,
        ranked=tuple(m for m in ranked if m.entry_id in knowledge.entries),
        option=0,
        faq_id=entries[0].id,
        template_id=reply.template_id,
        confidence=round(
            min(knowledge.matcher.confidence(p.match) for p in parts.answered if p.match), 2
        ),
        polished=reply.polished,
        note=f"{said} {reply.note}" if reply.note else said,
        mood=reply.mood,
        parts=tuple(kept),
    )


def parts_note(parts: Sequence[Part]) -> str:
    """ "Answers 2 questions: “…” (joining-fee); “…” (student-discount). Not answered: “…”."""
    answered = [p for p in parts if p.match is not None]
    left = [p for p in parts if p.match is None]
    said = f"Answers {len(answered)} questions: " + "; ".join(
        f"“{_short(p.text)}” ({p.match.entry_id})" for p in answered if p.match
    )
    if left:
        said += ". Not answered (no FAQ entry): " + "; ".join(f"“{_short(p.text)}”" for p in left)
    return said + "."


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def compose_in_crisis(
    knowledge: Knowledge,
    message: CustomerMessage,
    *,
    voice: BrandVoice,
    network: str,
    crisis: CrisisMode,
    option: int = 0,
    ranked: Sequence[Match] | None = None,
) -> Suggestion:
    """The reply while a crisis runs: a ``crisis: true`` template as written, or an abstention
    with a note. The FAQ still picks the entry (a crisis template may serve it), but a message
    the FAQ cannot answer still gets the holding statement: in a crisis that is the answer."""
    if ranked is None:
        result = knowledge.matcher.match(message.text, limit=MAX_OPTIONS)
        ranked = () if result.abstained else result.matches
    usable = tuple(m for m in ranked if m.entry_id in knowledge.entries)
    option = option % len(usable) if usable else 0
    match = usable[option] if usable else None
    entry = knowledge.entries[match.entry_id] if match else None
    mood = mood_of(message.text)
    template = choose_crisis_template(knowledge.templates, entry, network=network, mood=mood)
    confidence = round(knowledge.matcher.confidence(match), 2) if match else 0.0
    faq_id = entry.id if entry else None
    abstain = Suggestion(
        None,
        usable,
        option,
        faq_id,
        None,
        confidence,
        note=NO_CRISIS_TEMPLATE,
        mood=mood,
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
    )
    try:
        text = render(template, context).strip()
    except TemplateFileError as error:
        # Never fall back to the FAQ answer: in a crisis only approved statements go out.
        return replace(
            abstain, note=f"Crisis template {template.id} failed ({error}); " + NO_CRISIS_TEMPLATE
        )
    return Suggestion(
        text=text,
        ranked=usable,
        option=option,
        faq_id=faq_id,
        template_id=template.id,
        confidence=confidence,
        polished=False,
        note=CRISIS_TEXT,
        mood=mood,
        crisis_id=crisis.crisis_id,
    )


def _confidence(matches: Sequence[Match]) -> float:
    return round(min(matches[0].coverage, 1.0), 2) if matches else 0.0

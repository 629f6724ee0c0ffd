"""Suggested replies: match a customer's message to the FAQ, fill a template, polish, remember.

No Slack here. The listeners (mention, shortcut, `/social reply`) and `socialops suggest` call
:func:`compose` to get a reply, and the Slack side stores it with :func:`save_suggestion` so its
buttons can find it again. Composing needs no database session: a model call can take seconds
and no transaction should stay open that long.

While a crisis or drill runs (the caller reads it: :func:`crisis_mode`), a reply comes only from
a template marked ``crisis: true``, as written (no model polish): nothing unapproved goes out in
a crisis. With no crisis template that fits, the bot suggests nothing and says why.

With a model configured, the model chooses the entry among the matcher's best
(:func:`_model_ranking`): its pick is answered from, its "none of these" is an abstention that
still offers the close entries, and its silence (no model, a failure) leaves the matcher's answer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col

from bot.core.networks import NETWORK_IDS, NETWORKS
from bot.knowledge.faq_files import FaqEntry
from bot.knowledge.library import Knowledge
from bot.knowledge.matching import MAX_CANDIDATES, Match, MatchResult
from bot.knowledge.question_parts import Part, Parts, answer_parts
from bot.knowledge.sentiment import Mood, celebrates, mood_of
from bot.knowledge.templates import HOLDING, ResponseTemplate, TemplateFileError, render
from bot.llm import Drafter, EntryOption, Polished, PolishRequest
from bot.store.models import Draft, ReplySuggestion
from bot.workflows import faq_gaps
from bot.workflows.checks import CheckPolicy
from bot.workflows.crisis.queries import running
from bot.workflows.crisis.signals import record_suggestion_signal
from bot.workflows.drafts import DraftInput, create_draft

# How many ranked entries "Another option" may walk through.
MAX_OPTIONS = 5
# A customer message longer than this is kept for the record but shown and matched cut.
MAX_CUSTOMER_CHARS = 4_000
_LEADING_HANDLE = re.compile(r"\s*(@[A-Za-z0-9_.]{1,64})\b[:,]?\s*")
_SLACK_LINK = re.compile(r"<((?:https?|mailto):[^|>\s]{1,2000})(?:\|[^>]{0,2000})?>")
# "on:instagram" at the start or the end of what the teammate typed (not inside the customer's
# words, where "on:" could be theirs).
_NETWORK_OPTIONS = (
    re.compile(r"^\s*on:([A-Za-z]{1,20})(?:\s+|$)"),
    re.compile(r"(?:^|\s+)on:([A-Za-z]{1,20})\s*$"),
)
_REQUEST = re.compile(
    r"^\s*(?:please\s+)?(?:draft|write|suggest)\s+(?:me\s+)?(?:a\s+|an\s+)?"
    r"(?:reply|response|answer)(?:\s+(?:to|for))?\s*(?::|-|\u2013)?\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class BrandVoice:
    name: str
    sign_off: str
    emoji: bool
    banned_phrases: tuple[str, ...] = ()


@dataclass(frozen=True)
class CustomerMessage:
    text: str
    handle: str | None = None  # "@dana_outdoors" when the message starts with one

    @classmethod
    def parse(cls, text: str, *, brand_handles: Sequence[str] = ()) -> CustomerMessage:
        """The message and its author's @handle, read from the start.

        A customer often starts by tagging the brand (``@northwind hi …``): the brand's own
        handles (any case, with or without ``@``) are skipped, so the brand never greets itself.
        """
        text = text.strip()[:MAX_CUSTOMER_CHARS]
        own = {h.lower().lstrip("@") for h in brand_handles}
        position = 0
        while match := _LEADING_HANDLE.match(text, position):
            handle = match.group(1)
            if handle.lower().lstrip("@") not in own:
                return cls(text=text, handle=handle)
            position = match.end()
        return cls(text=text, handle=None)


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


def plain_from_slack(text: str) -> str:
    """Slack message markup → what the person typed: links unwrapped, entities decoded.

    Mentions and ``<!channel>`` stay as written; everything is escaped again when shown.
    """
    text = _SLACK_LINK.sub(lambda m: m.group(1).removeprefix("mailto:"), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def request_text(text: str, *, bot_user_id: str | None) -> str | None:
    """The customer message in "@bot draft a reply to: …"; None when the mention asks nothing."""
    if bot_user_id:
        text = text.replace(f"<@{bot_user_id}>", " ")
    match = _REQUEST.match(text)
    if match is None:
        return None
    return plain_from_slack(text[match.end() :]).strip()


class UnknownNetwork(ValueError):
    """``on:<name>`` named no network; the message lists the ones there are."""


def split_network(text: str) -> tuple[str | None, str]:
    """``on:instagram @dana where is my order?`` → ("instagram", "@dana where is my order?").

    The option may come first or last; without it the network is None (the caller's default).
    """
    match = next((m for p in _NETWORK_OPTIONS if (m := p.search(text))), None)
    if match is None:
        return None, text
    name = match.group(1).lower()
    if name not in NETWORKS:
        raise UnknownNetwork(
            f"`on:{name[:20]}` is not a network I know; use on:{', on:'.join(NETWORK_IDS)}."
        )
    rest = (text[: match.start()] + " " + text[match.end() :]).strip()
    return name, rest


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


def _confidence(matches: Sequence[Match]) -> float:
    return round(min(matches[0].coverage, 1.0), 2) if matches else 0.0


# -- the store -------------------------------------------------------------------------------------


def save_suggestion(
    *,
    session: Session,
    suggestion: Suggestion,
    message: CustomerMessage,
    requested_by: str,
    now: datetime,
    channel_id: str | None = None,
    message_ts: str | None = None,
    source_link: str | None = None,
    network: str | None = None,
    source_ts: str | None = None,
) -> tuple[ReplySuggestion, int | None]:
    """Store what was shown; an abstention also counts as an FAQ gap (its id is returned).

    ``network`` is where the customer wrote; the reply draft will be for it. ``source_ts`` is
    the customer's message when it is in Slack (in ``channel_id``): a handoff of this suggestion
    hands off that message, so it is handed off once.
    """
    row = ReplySuggestion(
        requested_by=requested_by,
        network=network,
        channel_id=channel_id,
        message_ts=message_ts,
        customer_text=message.text,
        customer_handle=message.handle,
        source_link=source_link,
        source_ts=source_ts,
        # Read from the customer's words (not the suggestion's register, which a caller may set
        # otherwise): the digest's sentiment mix counts the messages as the customers wrote them.
        mood=mood_of(message.text),
        created_at=now,
    )
    _apply(row, suggestion)
    session.add(row)
    gap = None
    # A crisis abstention is for want of a crisis template, not an answer missing from the FAQ;
    # candidates are entries that may answer it (None of these records the gap then).
    if suggestion.abstained and suggestion.crisis_id is None and not suggestion.candidates:
        gap = faq_gaps.record_gap(session=session, text=message.text, now=now)
    session.flush()
    record_suggestion_signal(session=session, row=row, now=now)  # the spike detector's count
    return row, gap.id if gap else None


def ranked_of(row: ReplySuggestion) -> list[Match]:
    return [
        Match(entry_id, score, coverage) for entry_id, score, coverage in json.loads(row.ranked_ids)
    ]


def replace_option(
    *, session: Session, row: ReplySuggestion, seen_option: int, suggestion: Suggestion
) -> bool:
    """Show another option, unless someone else already moved on or sent it (then False)."""
    values = _values(suggestion)
    statement = (
        update(ReplySuggestion)
        .where(
            col(ReplySuggestion.id) == row.id,
            col(ReplySuggestion.option) == seen_option,
            col(ReplySuggestion.sent_at).is_(None),
        )
        .values(**values)
        .returning(col(ReplySuggestion.id))
    )
    return session.execute(statement).first() is not None


def use_candidate(*, session: Session, row: ReplySuggestion, suggestion: Suggestion) -> bool:
    """Replace the candidates with the reply drafted from the one picked, unless someone already
    picked one (then False): two clicks on Use this make one reply, whoever clicks first."""
    statement = (
        update(ReplySuggestion)
        .where(
            col(ReplySuggestion.id) == row.id,
            col(ReplySuggestion.text).is_(None),
            col(ReplySuggestion.sent_at).is_(None),
        )
        .values(**_values(suggestion))
        .returning(col(ReplySuggestion.id))
    )
    return session.execute(statement).first() is not None


class SendRefused(Exception):
    """Why a suggestion cannot become a reply draft; the message is for the person who clicked."""


def send_for_approval(
    *,
    session: Session,
    suggestion_id: int,
    actor_id: str,
    default_network: str,
    checks: CheckPolicy,
    now: datetime,
) -> Draft:
    """Turn the suggestion into a reply draft in the approval workflow, once, for the network
    the customer wrote on (``default_network`` for a row stored before suggestions had one).

    Two clicks at the same moment make one draft: the conditional UPDATE on ``sent_at`` picks the
    winner, and the draft is created in the same transaction, so a failed check undoes the claim.
    """
    row = session.get(ReplySuggestion, suggestion_id)
    if row is None:
        raise SendRefused("This suggestion is no longer in the store.")
    if row.text is None:
        raise SendRefused("There is no reply to send: the FAQ had no answer for this message.")
    if row.customer_handle is None and row.source_link is None:
        # Approvers must see whom a reply answers; a pasted message carries neither.
        raise SendRefused(
            "Approvers need to know whom this answers: start the message with the customer's "
            "@handle (`/social reply @dana where is my order?`), or use the Draft reply "
            "shortcut on the customer's message."
        )
    claim = (
        update(ReplySuggestion)
        .where(col(ReplySuggestion.id) == suggestion_id, col(ReplySuggestion.sent_at).is_(None))
        .values(sent_at=now)
        .returning(col(ReplySuggestion.id))
    )
    if session.execute(claim).first() is None:
        session.refresh(row)
        already = f" as draft #{row.draft_id}" if row.draft_id else ""
        raise SendRefused(f"This reply was already sent for approval{already}.")
    draft, _report = create_draft(
        session=session,
        draft=DraftInput(
            kind="reply",
            text=row.text,
            networks=(row.network or default_network,),
            author_id=actor_id,
            customer_handle=row.customer_handle,
            link=row.source_link,
            tags=(row.faq_id,) if row.faq_id else (),
        ),
        checks=checks,
        now=now,
    )
    row.draft_id = draft.id
    row.sent_at = now
    session.add(row)
    session.flush()
    return draft


def mark_not_helpful(
    *, session: Session, suggestion_id: int, user_id: str, now: datetime
) -> ReplySuggestion | None:
    """Count a "Not helpful" click as an FAQ gap, once per suggestion; None when already marked."""
    statement = (
        update(ReplySuggestion)
        .where(
            col(ReplySuggestion.id) == suggestion_id,
            col(ReplySuggestion.not_helpful_by).is_(None),
        )
        .values(not_helpful_by=user_id)
        .returning(col(ReplySuggestion.id))
    )
    if session.execute(statement).first() is None:
        return None
    row = session.get(ReplySuggestion, suggestion_id)
    assert row is not None
    session.refresh(row)
    faq_gaps.record_gap(session=session, text=row.customer_text, now=now, not_helpful=True)
    return row


def _apply(row: ReplySuggestion, suggestion: Suggestion) -> None:
    for name, value in _values(suggestion).items():
        setattr(row, name, value)


def _kept_ranking(suggestion: Suggestion) -> tuple[Match, ...]:
    if suggestion.abstained and suggestion.crisis_id is None:
        return suggestion.candidates
    return suggestion.ranked


def _values(suggestion: Suggestion) -> dict[str, object]:
    return {
        # Unanswered, the row keeps the candidates it offers (Use this picks among them), and
        # silence keeps none; answered, the ranking Another option walks.
        "ranked_ids": json.dumps(
            [[m.entry_id, m.score, m.coverage] for m in _kept_ranking(suggestion)]
        ),
        "option": suggestion.option,
        "faq_id": suggestion.faq_id,
        "template_id": suggestion.template_id,
        "text": suggestion.text,
        "confidence": suggestion.confidence,
        "polished": suggestion.polished,
        "note": suggestion.note,
        "edited_by": None,
        "crisis_id": suggestion.crisis_id,
        "chosen_by_model": suggestion.chosen_by_model,
        "parts": json.dumps(
            [[p.text, p.match.entry_id if p.match else None] for p in suggestion.parts]
        )
        if suggestion.parts
        else None,
    }

"""The customer's mood, offline: ``upset``, ``neutral`` or ``happy`` from a small lexicon.

It only chooses a reply's register (an apology, no celebratory emoji), so it leans one way on
purpose: any sign of a problem wins over praise, because greeting a complaint with 🙌 costs far
more than a plain reply to a happy customer. Sarcasm ("great, another broken order 🙄") is praise
next to a problem, or praise next to an eye-roll, so it reads as upset too.

:func:`read_mood` also says which words decided it, as the customer wrote them, so a person
reading a handoff packet can see why it says "upset" (and overrule it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Mood = Literal["upset", "neutral", "happy"]
MOODS: tuple[Mood, ...] = ("upset", "neutral", "happy")

# Word starts (matched at the start of a word) that say something went wrong or the customer is
# cross; _PROBLEM_WORDS must match whole ("late", not "later").
_PROBLEM_STEMS = (
    "angry",
    "annoy",
    "appal",
    "awful",
    "broke",
    "complain",
    "cracked",
    "damage",
    "defect",
    "delay",
    "disappoint",
    "disgust",
    "dissatisf",
    "faulty",
    "frustrat",
    "furious",
    "garbage",
    "horrible",
    "pathetic",
    "ridiculous",
    "rip off",
    "ripped off",
    "rubbish",
    "stolen",
    "terrible",
    "unacceptable",
    "useless",
    "worst",
    "hasn't",
    "hasnt",
    "haven't",
    "havent",
    "still waiting",
    "still not",
    "still no ",
    "been waiting",
    "doesn't work",
    "not working",
    "fed up",
    "sick of",
    "nightmare",
    "shocking",
    "ignor",
    "no response",
    "no reply",
    "waste",
    "thanks for nothing",
    "yeah right",
)
_PROBLEM_WORDS = (
    "bad",
    "poor",
    "rude",
    "sucks",
    "hate",
    "joke",
    "late",
    "lied",
    "lies",
    "missing",
    "never",
    "no one",
    "nobody",
    "scam",
    "torn",
    "trash",
    "upset",
    "wrong",
    "wtf",
)
_PRAISE_WORDS = (
    "amazing",
    "awesome",
    "best",
    "brilliant",
    "excellent",
    "fantastic",
    "glad",
    "good",
    "great",
    "happy",
    "love",
    "lovely",
    "nice",
    "perfect",
    "thank",
    "thx",
    "wonderful",
)
# Said of a problem, but meaning there is none; removed before the problem words are looked for.
_NO_PROBLEM = re.compile(r"\b(?:not bad|no problem|not a problem|no worries|nothing wrong)\b")
# A negation just before praise ("not happy", "isn't great") turns it into a complaint.
_NEGATIONS = ("not", "isn't", "isnt", "wasn't", "wasnt", "no", "never", "hardly")
_UPSET_EMOJI = frozenset("😡😠🤬😤🙄😒👎😞😢😭☹🙁😩😫💢🤦")
_HAPPY_EMOJI = frozenset("😍🥰😊😀😃😄😁🙌🎉👍❤💚💙💖🤩🥳✨😎")
# What a reply to an upset customer must not contain, whoever (template or model) wrote it.
CELEBRATORY = frozenset("🙌🎉🥳🤩😍✨🎊")
_WORD = re.compile(r"[a-z']+")
# Praise that is only the lead-in to a letdown: "great, another …", "perfect. again …".
_SARCASM = re.compile(
    r"(?<![a-z])(?:great|perfect|awesome|fantastic|brilliant|wonderful|lovely|amazing)"
    r"[\s,.!…-]+(?:another|again|just what i needed)(?![a-z])"
)


def _patterns(phrases: tuple[str, ...], *, whole: bool) -> tuple[re.Pattern[str], ...]:
    """A pattern per phrase, at a word start. A stem (``whole=False``) runs on to the end of its
    word, so the evidence is the customer's word ("disappointed"), not the stem. One pattern each,
    not one alternation, so overlapping phrases ("still not", "not working") are all found."""
    patterns = []
    for phrase in phrases:
        # "still no " runs on through the next word too: "still no reply".
        end = r"(?![a-z'])" if whole else r"[a-z']*"
        patterns.append(re.compile(r"(?<![a-z'])" + re.escape(phrase) + end))
    return tuple(patterns)


_PROBLEM_STEM = _patterns(_PROBLEM_STEMS, whole=False)
_PROBLEM_WORD = _patterns(_PROBLEM_WORDS, whole=True)
_PRAISE = _patterns(_PRAISE_WORDS, whole=False)
_SARCASM_ONLY = (_SARCASM,)
_QUESTIONS = (re.compile(r"\?{3,}"),)

Span = tuple[int, int]


@dataclass(frozen=True)
class MoodReading:
    """The mood and the words or emoji that decided it, as they appear in the text, in order."""

    mood: Mood
    words: tuple[str, ...] = ()


def _lowered(text: str) -> str:
    """Lower case with every character where it was, so a span found here slices ``text``."""
    text = text.replace("\u2019", "'")
    if text.isascii():
        return text.lower()
    # A few characters grow when lowered ("İ" → "i̇"); those stay as they are.
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _spans(patterns: tuple[re.Pattern[str], ...], text: str) -> list[Span]:
    return [m.span() for pattern in patterns for m in pattern.finditer(text)]


def _negated_praise(lowered: str) -> list[Span]:
    """ "not happy", "isn't great": from the negation to the praise word."""
    words = list(_WORD.finditer(lowered))
    spans = []
    for index, word in enumerate(words):
        if any(word.group().startswith(p) for p in _PRAISE_WORDS):
            before = [w for w in words[max(0, index - 2) : index] if w.group() in _NEGATIONS]
            if before:
                spans.append((before[0].start(), word.end()))
    return spans


def _emoji(text: str, emoji: frozenset[str]) -> list[Span]:
    return [(i, i + 1) for i, ch in enumerate(text) if ch in emoji]


def _evidence(text: str, spans: list[Span]) -> tuple[str, ...]:
    """The text of each span in order; overlapping spans read as one ("not happy" and "happy")
    and a repeat (the third "broken") adds nothing."""
    kept: list[Span] = []
    for start, end in sorted(spans):
        if kept and start < kept[-1][1]:
            kept[-1] = (kept[-1][0], max(end, kept[-1][1]))
        else:
            kept.append((start, end))
    found: dict[str, str] = {}
    for start, end in kept:
        word = text[start:end].strip()
        found.setdefault(word.lower(), word)
    return tuple(found.values())


def read_mood(text: str) -> MoodReading:
    """How the customer sounds, and the words that decided it.

    A problem word, an upset emoji, sarcasm, negated praise or "???" make it ``upset`` (and
    only those are the evidence then, not the praise beside them); otherwise praise or a happy
    emoji make it ``happy``; otherwise ``neutral``, with no words.
    """
    lowered = _lowered(text)
    # "not bad", "no worries": blanked to spaces of the same length, so spans still fit ``text``.
    lowered = _NO_PROBLEM.sub(lambda m: " " * len(m.group()), lowered)
    upset = [
        *_spans(_PROBLEM_STEM, lowered),
        *_spans(_PROBLEM_WORD, lowered),
        *_spans(_SARCASM_ONLY, lowered),
        *_emoji(text, _UPSET_EMOJI),
        *_negated_praise(lowered),
        *_spans(_QUESTIONS, text),
    ]
    if upset:
        return MoodReading("upset", _evidence(text, upset))
    happy = [*_spans(_PRAISE, lowered), *_emoji(text, _HAPPY_EMOJI)]
    if happy:
        return MoodReading("happy", _evidence(text, happy))
    return MoodReading("neutral")


def mood_of(text: str) -> Mood:
    """How the customer sounds: a problem, an upset emoji or negated praise make it ``upset``."""
    return read_mood(text).mood


def celebrates(text: str) -> bool:
    """Whether a reply cheers (🙌, 🎉…): wrong for an upset customer."""
    return any(ch in CELEBRATORY for ch in text)

"""The customer's mood, offline: ``upset``, ``neutral`` or ``happy`` from a small lexicon.

It only chooses a reply's register (an apology, no celebratory emoji), so it leans one way on
purpose: any sign of a problem wins over praise, because greeting a complaint with 🙌 costs far
more than a plain reply to a happy customer. Sarcasm ("great, another broken order 🙄") is praise
next to a problem, or praise next to an eye-roll, so it reads as upset too.
"""

from __future__ import annotations

import re
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


def _has_phrase(text: str, phrases: tuple[str, ...], *, whole: bool = False) -> bool:
    end = r"(?![a-z'])" if whole else ""
    return any(re.search(r"(?<![a-z'])" + re.escape(p) + end, text) for p in phrases)


def _negated_praise(words: list[str]) -> bool:
    for index, word in enumerate(words):
        if any(word.startswith(p) for p in _PRAISE_WORDS):
            before = words[max(0, index - 2) : index]
            if any(w in _NEGATIONS for w in before):
                return True
    return False


def mood_of(text: str) -> Mood:
    """How the customer sounds: a problem, an upset emoji or negated praise make it ``upset``."""
    lowered = _NO_PROBLEM.sub(" ", text.lower().replace("\u2019", "'"))
    words = _WORD.findall(lowered)
    upset = (
        _has_phrase(lowered, _PROBLEM_STEMS)
        or _has_phrase(lowered, _PROBLEM_WORDS, whole=True)
        or _SARCASM.search(lowered) is not None
        or any(ch in _UPSET_EMOJI for ch in text)
        or _negated_praise(words)
        or "???" in text
    )
    if upset:
        return "upset"
    happy = _has_phrase(lowered, _PRAISE_WORDS) or any(ch in _HAPPY_EMOJI for ch in text)
    return "happy" if happy else "neutral"


def celebrates(text: str) -> bool:
    """Whether a reply cheers (🙌, 🎉…): wrong for an upset customer."""
    return any(ch in CELEBRATORY for ch in text)

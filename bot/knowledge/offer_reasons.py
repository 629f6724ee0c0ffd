"""Why an FAQ entry was offered as a candidate, in words a teammate can check at a glance.

A candidate is shown because the matcher was not sure enough to answer; the reason lets the
teammate judge it without opening the FAQ: the customer's own words the entry also uses, or,
when it shares none (the semantic matcher found it by meaning), that it is close in meaning.
"""

from __future__ import annotations

from bot.knowledge.faq_files import FaqEntry
from bot.knowledge.text_normal import KEEP, STOP_WORDS, stem, words

MAX_WORDS_NAMED = 3


def why_offered(entry: FaqEntry, text: str) -> str:
    """ "mentions “refund”, “card”" or "close in meaning to its question"."""
    known = {
        stem(word)
        for part in (entry.question, *entry.variants, entry.answer, " ".join(entry.tags))
        for word in words(part)
        if word not in STOP_WORDS or word in KEEP
    }
    shared: list[str] = []
    for word in words(text):
        if (word in STOP_WORDS and word not in KEEP) or word in shared:
            continue
        if stem(word) in known:
            shared.append(word)
    if not shared:
        return "close in meaning to its question"
    return "mentions " + ", ".join(f"“{w}”" for w in shared[:MAX_WORDS_NAMED])

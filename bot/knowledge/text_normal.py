"""Turn a customer's message, written as people write on social media, into comparable terms.

Lower case; URLs, @handles and emojis dropped; #hashtags kept as words; contractions opened;
British spellings folded into American ones; stop words dropped; words cut to a light stem so
"returns", "returned" and "returning" meet at "return".
"""

from __future__ import annotations

import functools
import re
import unicodedata

_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_HANDLE = re.compile(r"@\w+")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
MAX_INPUT_CHARS = 4_000  # a social post is short; beyond this it is noise for matching

CONTRACTIONS = {
    "n't": " not",
    "'re": " are",
    "'ve": " have",
    "'ll": " will",
    "'d": " would",
    "'m": " am",
}
STOP_WORDS = frozenset(  # one long string reads better than 200 list items
    """
    a about above after again all also am an and any anyone are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further get gonna got guys had has have having he hello her here hers herself hey
    hi him himself his hiya how i id if im in into is it its itself ive just lol me more
    most my myself no nor not of off oh ok okay on once only or other our ours ourselves out
    over own please pls really same she should so some someone still such than thank thanks
    that the their theirs them themselves then there these they this those through thx to
    too u under until up ur very wanna was we were what when where which while who whom why
    will with would ya yall yeah yes you your youre yours yourself yourselves
    """.split()  # noqa: SIM905
)
# A stop word that changes the question ("has not arrived"): kept.
KEEP = frozenset({"not"})
BRITISH = {
    "colour": "color",
    "cancelled": "canceled",
    "cancelling": "canceling",
    "centre": "center",
    "favourite": "favorite",
    "organise": "organize",
    "realise": "realize",
    "jewellery": "jewelry",
    "cheque": "check",
    "programme": "program",
    "licence": "license",
    "catalogue": "catalog",
    "defence": "defense",
    "grey": "gray",
}
# Longest first. No "-er": it would turn "order" into "ord".
_SUFFIXES = tuple("ations ation ments ment ings ing edly ies ied ed es ly s".split())  # noqa: SIM905


def fold(text: str) -> str:
    """Lower case without accents, URLs or handles; emojis and symbols become spaces."""
    text = text[:MAX_INPUT_CHARS]
    text = _URL.sub(" ", text)
    text = _HANDLE.sub(" ", text)
    text = text.replace("\u2019", "'")
    if not text.isascii():  # most text is; accents and emoji are the exception
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return text.lower()


def words(text: str) -> list[str]:
    """The message's words, contractions opened, before stop words are dropped."""
    folded = fold(text)
    # Before the generic "n't": it would leave "ca not" and "wo not".
    folded = folded.replace("can't", "can not").replace("won't", "will not")
    for short, full in CONTRACTIONS.items():
        folded = folded.replace(short, full)
    return [w.replace("'", "") for w in _WORD.findall(folded)]


@functools.lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """A light stem: enough to meet word forms, never so much that words collide wholesale."""
    word = BRITISH.get(word, word)
    if len(word) <= 4:
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if suffix == "ly" and base[-1] in "pi":
                return word  # apply, reply, family: not adverbs
            if suffix in ("ies", "ied"):
                return base + "y"
            if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]  # "shipped" → "shipp" → "ship"
            return base
    return word


def content_terms(text: str) -> list[str]:
    """Stems of the words that carry meaning (stop words dropped, "not" kept)."""
    return [stem(w) for w in words(text) if w not in STOP_WORDS or w in KEEP]

"""The guard on a model's rewrite: it may change the words, never the facts.

A polished reply is refused when it states a number, price, percentage, URL, e-mail address,
@handle, code-like token or date that none of the sources (the FAQ answer, the template) contains,
or a banned phrase. The customer's message backs only what describes their own case: their
@handles, e-mail addresses, dates and plain numbers (an order number). It never backs a price, a
percentage, a code or a link, because a model that obeys "promise me 50% off" hidden in the
message would otherwise quote the customer's terms back as the brand's offer. Every pattern here
is linear (no nested quantifiers), so a 40,000-character reply is checked in milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'()\[\]{}]+", re.IGNORECASE)
# Matches start only where a run of such characters starts, and repeats are bounded: a long run
# of letters or "1.1.1…" must not be rescanned from every position.
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}"
    r"(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}"
)
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_]{1,30}")
_CURRENCY = r"(?:[$€£¥]|usd|eur|gbp|dollars?|euros?|pounds?)"
_AMOUNT = r"(?<![\d.,])\d{1,9}(?:[.,]\d{1,3}){0,4}"
_PRICE = re.compile(
    rf"[$€£¥]\s?{_AMOUNT}|{_AMOUNT}\s?(?:[$€£¥]|(?:usd|eur|gbp|dollars?|euros?|pounds?)\b)",
    re.IGNORECASE,
)
_PERCENT = re.compile(rf"{_AMOUNT}\s?(?:%|per\s?cent\b)", re.IGNORECASE)
_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?"
    "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE = re.compile(
    r"\b\d{4}-\d{1,2}-\d{1,2}\b"
    r"|\b\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b\.?(?:,?\s+\d{{4}})?"
    rf"|\b(?:{_MONTHS})\b\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?",
    re.IGNORECASE,
)
# A discount-code-like token: capitals and digits mixed (SAVE20, WELCOME10, X7K2P).
_CODE = re.compile(r"\b(?=[A-Z0-9]*[A-Z])(?=[A-Z0-9]*\d)[A-Z0-9]{4,24}\b")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Number words a model likes to swap in for digits. "one" is left out: "one of our team".
_NUMBER_WORDS = {
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "fourteen": "14",
    "fifteen": "15",
    "twenty": "20",
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "sixty": "60",
    "ninety": "90",
    "hundred": "100",
}
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)
_CURRENCY_NAMES = {
    "usd": "$",
    "dollar": "$",
    "dollars": "$",
    "eur": "€",
    "euro": "€",
    "euros": "€",
    "gbp": "£",
    "pound": "£",
    "pounds": "£",
}


@dataclass(frozen=True)
class _Facts:
    urls: set[str]
    emails: set[str]
    handles: set[str]
    prices: set[tuple[str, str]]
    percents: set[str]
    dates: set[str]
    codes: set[str]
    numbers: set[str]  # numbers that no other fact covers
    all_numbers: set[str]  # every number anywhere, including inside dates, prices and links


@dataclass(frozen=True)
class UnsupportedFact:
    """One thing a rewrite states that no source does: its kind ("a link") and the value itself.

    The value came from the model (or from a hostile message it obeyed), so it is for the log
    only; what people see names the kind (see :func:`kinds_of`), never a live link or handle.
    """

    kind: str
    value: str

    def __str__(self) -> str:
        if self.kind == BANNED_PHRASE:
            return f"{self.kind}: {self.value}"
        return f"{self.kind} not in the sources: {self.value}"


BANNED_PHRASE = "a banned phrase"


def kinds_of(problems: Sequence[UnsupportedFact]) -> str:
    """ "a link and a price": each kind once, in the guard's order, for a note people read."""
    kinds = list(dict.fromkeys(problem.kind for problem in problems))
    if len(kinds) <= 1:
        return "".join(kinds)
    return ", ".join(kinds[:-1]) + " and " + kinds[-1]


def unsupported_facts(
    text: str,
    sources: Sequence[str],
    banned_phrases: Sequence[str] = (),
    *,
    customer_message: str = "",
) -> list[UnsupportedFact]:
    """What ``text`` states that no source does; [] when clean."""
    found = _facts(text)
    known = _facts("\n".join(sources))
    if customer_message:
        theirs = _facts(customer_message)
        known.handles.update(theirs.handles)
        known.emails.update(theirs.emails)
        known.dates.update(theirs.dates)
        # Only numbers standing alone: the 75 of "$75" or "75%" stays an offer they asked for.
        known.all_numbers.update(theirs.numbers)
    problems: list[UnsupportedFact] = []
    problems += _missing("a link", found.urls - known.urls)
    problems += _missing("an e-mail address", found.emails - known.emails)
    problems += _missing("an @handle", found.handles - known.handles)
    problems += _missing(
        "a price", {f"{c}{n}" for c, n in found.prices if not _known_price(c, n, known.prices)}
    )
    problems += _missing("a percentage", {f"{p}%" for p in found.percents - known.percents})
    problems += _missing("a date", found.dates - known.dates)
    problems += _missing("a code", found.codes - known.codes)
    problems += _missing("a number", found.numbers - known.all_numbers)
    lowered = text.lower()
    for phrase in banned_phrases:
        if phrase and re.search(rf"(?<!\w){re.escape(phrase.lower())}(?!\w)", lowered):
            problems.append(UnsupportedFact(BANNED_PHRASE, phrase))
    return problems


def _missing(kind: str, values: Iterable[str]) -> list[UnsupportedFact]:
    return [UnsupportedFact(kind, value) for value in sorted(values)]


def _facts(text: str) -> _Facts:
    rest = text
    urls = {_normal_url(m) for m in _URL.findall(rest)}
    rest = _URL.sub(" ", rest)
    emails = {m.lower() for m in _EMAIL.findall(rest)}
    rest = _EMAIL.sub(" ", rest)
    handles = {m.lower() for m in _HANDLE.findall(rest)}
    rest = _HANDLE.sub(" ", rest)
    prices = {_normal_price(m) for m in _PRICE.findall(rest)}
    rest = _PRICE.sub(" ", rest)
    percents = {_normal_number(_NUMBER.findall(m)[0]) for m in _PERCENT.findall(rest)}
    rest = _PERCENT.sub(" ", rest)
    dates = {_normal_date(m) for m in _DATE.findall(rest)}
    rest = _DATE.sub(" ", rest)
    codes = set(_CODE.findall(rest))
    # Numbers are checked on their own only where no other fact already covers them.
    bare = _CODE.sub(" ", rest)
    numbers = {_normal_number(n) for n in _NUMBER.findall(bare)}
    numbers |= {_NUMBER_WORDS[w.lower()] for w in _NUMBER_WORD.findall(bare)}
    everywhere = {_normal_number(n) for n in _NUMBER.findall(text)}
    everywhere |= {_NUMBER_WORDS[w.lower()] for w in _NUMBER_WORD.findall(text)}
    return _Facts(urls, emails, handles, prices, percents, dates, codes, numbers, everywhere)


def _known_price(currency: str, amount: str, known: set[tuple[str, str]]) -> bool:
    # A source written "20 (in euros)" has no symbol; a symbol-less amount in a reply matches any.
    return any(n == amount and (c == currency or not c or not currency) for c, n in known)


def _normal_date(date: str) -> str:
    # "30 November", "30th of Nov." and "30 nov" are one date.
    words = re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", date.lower().replace(",", " ")).split()
    return " ".join(w.rstrip(".")[:3] if w[0].isalpha() else w for w in words if w != "of")


def _normal_url(url: str) -> str:
    url = url.rstrip(".,;:!?")
    url = re.sub(r"^https?://", "", url, flags=re.IGNORECASE)
    host, _, path = url.partition("/")
    host = host.lower().removeprefix("www.")
    return f"{host}/{path}".rstrip("/")


def _normal_price(price: str) -> tuple[str, str]:
    lowered = price.lower()
    symbol = next((c for c in "$€£¥" if c in lowered), "")
    if not symbol:
        word = re.search(_CURRENCY, lowered)
        symbol = _CURRENCY_NAMES.get(word.group(0), "") if word else ""
    return symbol, _normal_number(_NUMBER.findall(price)[0])


def _normal_number(number: str) -> str:
    # "1,000" and "1000" are one fact; "2.50" and "2,50" too; "20.00" is "20".
    digits = number.replace(",", ".")
    whole, _, fraction = digits.rpartition(".") if digits.count(".") == 1 else (digits, "", "")
    if fraction and len(fraction) == 3 and whole:  # a thousands separator, not a decimal
        return (whole + fraction).replace(".", "")
    if fraction:
        fraction = fraction.rstrip("0")
        return f"{whole}.{fraction}" if fraction else whole
    return digits.replace(".", "")

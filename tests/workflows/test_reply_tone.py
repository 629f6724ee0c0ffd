"""Replies in the customer's register: the template is chosen by mood as well as by entry, the
brand's own handle is never greeted, and no template repeats what an FAQ answer already says."""

from __future__ import annotations

import re

import pytest

from bot.content import SAMPLE_FAQ_DIR, SAMPLE_RESPONSES_DIR
from bot.knowledge.faq_files import FaqEntry, load_faq_dir
from bot.knowledge.library import Knowledge, knowledge_from_files
from bot.knowledge.sentiment import MOODS
from bot.knowledge.templates import ResponseTemplate, load_templates
from bot.llm import OfflineDrafter, Polished, PolishRequest
from bot.workflows import replies, reply_templates
from bot.workflows.reply_requests import CustomerMessage
from bot.workflows.reply_templates import BrandVoice

VOICE = BrandVoice(name="Northwind Outfitters", sign_off="- Team Northwind", emoji=True)
CELEBRATORY = ("🙌", "🎉", "🥳", "😍", "🤩")
# What a reply must say at most once, whoever (template or answer) says it.
ONCE = {
    "an apology": re.compile(r"\b(?:sorry|apologi[sz]e|apologies)\b", re.IGNORECASE),
    "a DM request": re.compile(r"\bDM\b|\bdirect message\b|\bsend us a message\b", re.IGNORECASE),
    "a greeting": re.compile(r"\b(?:hi|hello|hey)\b", re.IGNORECASE),
}


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return knowledge_from_files(SAMPLE_FAQ_DIR, SAMPLE_RESPONSES_DIR)


def _entries() -> list[FaqEntry]:
    return list(load_faq_dir(SAMPLE_FAQ_DIR))


def _templates() -> list[ResponseTemplate]:
    return load_templates(SAMPLE_RESPONSES_DIR)


def compose(knowledge: Knowledge, text: str, network: str = "x") -> replies.Suggestion:
    return replies.compose(
        knowledge,
        CustomerMessage.parse(text),
        drafter=OfflineDrafter(),
        voice=VOICE,
        network=network,
    )


@pytest.mark.parametrize("template", _templates(), ids=lambda t: t.id)
def test_no_shipped_template_repeats_an_faq_answer(template: ResponseTemplate) -> None:
    message = CustomerMessage.parse("@dana my jacket arrived torn")
    for entry in _entries():
        for mood in MOODS:
            text, note = reply_templates.fill(template, entry, message, VOICE, mood)
            assert note is None, note
            for what, pattern in ONCE.items():
                found = pattern.findall(text)
                assert len(found) <= 1, f"{template.id} + {entry.id}: {what} twice in {text!r}"


def test_every_entry_answers_an_upset_customer_without_celebrating() -> None:
    templates = _templates()
    message = CustomerMessage.parse("@dana great, another broken order 🙄")
    for entry in _entries():
        for network in ("x", "instagram", "linkedin"):
            template = reply_templates.choose_template(
                templates, entry, network=network, mood="upset"
            )
            text, _note = reply_templates.fill(template, entry, message, VOICE, "upset")
            assert not any(e in text for e in CELEBRATORY), f"{entry.id} on {network}: {text!r}"
            assert ONCE["an apology"].search(text), f"{entry.id} on {network}: {text!r}"


def test_sarcasm_gets_the_apology_and_a_happy_customer_the_cheer(knowledge: Knowledge) -> None:
    sarcastic = compose(knowledge, "@dana great, another late order 🙄 where is my parcel")
    assert sarcastic.mood == "upset"
    assert sarcastic.text is not None
    assert "sorry" in sarcastic.text
    assert "🙌" not in sarcastic.text
    happy = compose(knowledge, "@dana love my boots! how do I track my order?")
    assert happy.mood == "happy"
    assert happy.text is not None
    assert happy.text.startswith("Hi dana!")
    assert "🙌" in happy.text
    assert "sorry" not in happy.text


def test_the_damaged_item_reply_apologises_and_asks_for_a_dm_once(knowledge: Knowledge) -> None:
    suggestion = compose(knowledge, "@dana my jacket arrived with a hole in it")
    assert suggestion.faq_id == "damaged-item"
    assert suggestion.text is not None
    assert len(ONCE["an apology"].findall(suggestion.text)) == 1
    assert len(ONCE["a DM request"].findall(suggestion.text)) == 1


def test_a_mood_template_wins_within_its_group() -> None:
    entry = FaqEntry(id="order-tracking", question="q", answer="a", tags=("orders",))

    def template(template_id: str, serves: tuple[str, ...], **kwargs: object) -> ResponseTemplate:
        fields: dict[str, object] = {
            "tone": "friendly",
            "networks": (),
            "crisis": False,
            "body": "{{ answer }}",
            "path": f"responses/{template_id}.md.j2",
            "body_line": 8,
        }
        fields.update(kwargs)
        return ResponseTemplate(id=template_id, serves=serves, **fields)  # type: ignore[arg-type]

    cheerful = template("a-cheerful", ("*",), moods=("happy", "neutral"))
    sorry = template("sorry", ("*",), moods=("upset",))
    any_mood = template("b-plain", ("*",))
    for_orders = template("z-orders", ("orders",))
    choose = reply_templates.choose_template
    assert choose([cheerful, sorry, any_mood], entry, network="x", mood="upset") == sorry
    assert choose([cheerful, sorry, any_mood], entry, network="x", mood="happy") == cheerful
    assert choose([cheerful, any_mood], entry, network="x", mood="upset") == any_mood
    # The entry's own template still comes first, whatever the mood.
    assert choose([sorry, for_orders], entry, network="x", mood="upset") == for_orders


@pytest.mark.parametrize(
    ("text", "handle"),
    [
        ("@northwind hi, where is my order?", None),
        ("@NorthwindOutfitters @dana_outdoors: where is my order?", "@dana_outdoors"),
        ("@dana_outdoors @northwind where is my order?", "@dana_outdoors"),
        ("@northwindfan where is my order?", "@northwindfan"),
    ],
)
def test_the_brands_own_handle_is_not_the_customers(text: str, handle: str | None) -> None:
    parsed = CustomerMessage.parse(text, brand_handles=("northwind", "@northwindoutfitters"))
    assert parsed.handle == handle


def test_a_message_tagging_the_brand_is_not_greeted_as_the_brand(knowledge: Knowledge) -> None:
    message = CustomerMessage.parse(
        "@northwind hi, where is my order?", brand_handles=("northwind",)
    )
    suggestion = replies.compose(
        knowledge, message, drafter=OfflineDrafter(), voice=VOICE, network="x"
    )
    assert suggestion.text is not None
    assert "northwind!" not in suggestion.text.lower()
    assert suggestion.text.startswith("Hi there")


def test_a_model_that_cheers_an_upset_customer_is_overruled(knowledge: Knowledge) -> None:
    seen: list[PolishRequest] = []

    class Cheering(OfflineDrafter):  # no opinion on the entry
        name = "test"

        def polish(self, request: PolishRequest) -> Polished:
            seen.append(request)
            return Polished("Hi dana! Great news, we're on it 🙌 - Team Northwind", True, None)

    def with_model(text: str) -> replies.Suggestion:
        message = CustomerMessage.parse(text)
        return replies.compose(knowledge, message, drafter=Cheering(), voice=VOICE, network="x")

    upset = with_model("@dana great, another late parcel 🙄 where is my order")
    assert upset.text is not None
    assert "🙌" not in upset.text
    assert "sorry" in upset.text
    assert not upset.polished
    assert upset.note is not None
    assert "upset customer" in upset.note
    assert seen[-1].emoji is False  # and the model was told: no emoji
    happy = with_model("@dana love it! where is my order?")
    assert happy.polished
    assert seen[-1].emoji is True

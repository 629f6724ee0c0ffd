"""The holding reply of a handoff: a template made for the team, never for an FAQ answer."""

from __future__ import annotations

from dataclasses import replace

from bot.content import SAMPLE_FAQ_DIR, SAMPLE_RESPONSES_DIR
from bot.knowledge.library import Knowledge, knowledge_from_files
from bot.workflows.handoffs.holding import compose_holding
from bot.workflows.reply_requests import CustomerMessage
from bot.workflows.reply_templates import BrandVoice, choose_template

VOICE = BrandVoice(name="Northwind", sign_off="- Team Northwind", emoji=True)


def knowledge() -> Knowledge:
    return knowledge_from_files(SAMPLE_FAQ_DIR, SAMPLE_RESPONSES_DIR)


def test_sales_gets_the_sales_holding_template() -> None:
    held = compose_holding(
        knowledge(),
        CustomerMessage("@teamlead we need 200 jackets with our logo", "@teamlead"),
        team="sales",
        voice=VOICE,
        network="x",
        faq_id="corporate-orders",
    )
    assert held.template_id == "holding-sales"
    assert held.text is not None
    assert held.text.startswith("Hi teamlead, thanks for your interest!")
    assert "sales team" in held.text
    assert held.text.endswith("- Team Northwind")
    assert held.faq_id == "corporate-orders"
    assert held.note is None


def test_an_upset_customer_handed_to_support_hears_an_apology() -> None:
    held = compose_holding(
        knowledge(),
        CustomerMessage("@dana my order never arrived and nobody answers 😡", "@dana"),
        team="support",
        voice=VOICE,
        network="instagram",
        faq_id=None,
    )
    assert held.template_id == "holding-support"
    assert held.text is not None
    assert held.text.startswith("Hi dana, we're really sorry about this. Our support team")


def test_ordinary_replies_never_use_a_holding_template() -> None:
    known = knowledge()
    # corporate-orders says `handoff: sales`, which holding-sales serves too.
    entry = known.entries["corporate-orders"]
    for mood in ("neutral", "happy", "upset"):
        chosen = choose_template(known.templates, entry, network="x", mood=mood)
        assert chosen is not None
        assert not chosen.id.startswith("holding-")


def test_without_a_holding_template_a_plain_line_stands_in_and_says_so() -> None:
    known = knowledge()
    bare = replace(known, templates=[t for t in known.templates if "holding" not in t.serves])
    held = compose_holding(
        bare, CustomerMessage("hello?"), team="sales", voice=VOICE, network="x", faq_id=None
    )
    assert held.template_id is None
    assert held.text == (
        "Hi there, thanks for getting in touch. We've passed this to our sales team, "
        "who will get back to you here soon.\n- Team Northwind"
    )
    assert held.note is not None
    assert "No holding template serves sales" in held.note

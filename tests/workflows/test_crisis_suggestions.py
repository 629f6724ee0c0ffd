"""Reply suggestions while a crisis or drill runs: crisis templates only, as written, or nothing.

The running crisis is a Crisis row with running_key="running", inserted here directly (starting
crises is the lifecycle's job).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.content import SAMPLE_FAQ_DIR, SAMPLE_RESPONSES_DIR
from bot.knowledge.library import Knowledge, knowledge_from_files
from bot.llm import NO_OPINION, EntryChoice, EntryOption, Polished, PolishRequest
from bot.services import Services
from bot.store.db import session_scope
from bot.store.models import Crisis, FaqGap
from bot.workflows import replies, suggestion_store
from bot.workflows.crisis.kinds import RUNNING, CrisisKind
from bot.workflows.handoffs.holding import compose_holding
from bot.workflows.replies import CrisisMode
from bot.workflows.reply_requests import CustomerMessage
from bot.workflows.reply_templates import BrandVoice

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
VOICE = BrandVoice(name="Northwind Outfitters", sign_off="- Team Northwind", emoji=False)
CRISIS = CrisisMode(crisis_id=7, kind=CrisisKind.CRISIS)


class Counting:
    """A drafter that records every call: crisis mode must never call it."""

    name = "counting"

    def __init__(self) -> None:
        self.calls: list[PolishRequest] = []
        self.asked: list[str] = []  # messages it was asked to choose an entry for

    def polish(self, request: PolishRequest) -> Polished:
        self.calls.append(request)
        return Polished(request.draft + " (polished!)", True, None)

    def choose_entry(self, message: str, options: Sequence[EntryOption]) -> EntryChoice:
        self.asked.append(message)
        return NO_OPINION


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return knowledge_from_files(SAMPLE_FAQ_DIR, SAMPLE_RESPONSES_DIR)


def without_crisis_templates(knowledge: Knowledge) -> Knowledge:
    return replace(knowledge, templates=[t for t in knowledge.templates if not t.crisis])


def compose(
    knowledge: Knowledge,
    text: str,
    crisis: CrisisMode | None = CRISIS,
    drafter: Counting | None = None,
) -> replies.Suggestion:
    return replies.compose(
        knowledge,
        CustomerMessage.parse(text),
        drafter=drafter or Counting(),
        voice=VOICE,
        network="x",
        crisis=crisis,
    )


def test_an_faq_question_gets_the_crisis_template_unpolished(knowledge: Knowledge) -> None:
    drafter = Counting()
    suggestion = compose(knowledge, "@dana where is my order?", drafter=drafter)
    assert suggestion.template_id == "crisis-holding"
    assert suggestion.text is not None
    assert suggestion.text.startswith("Hi dana, thank you for raising this with us.")
    assert suggestion.text.endswith("- Team Northwind")
    assert not suggestion.polished
    assert (drafter.calls, drafter.asked) == ([], [])
    assert suggestion.crisis_id == CRISIS.crisis_id
    assert suggestion.note == replies.CRISIS_TEXT
    assert suggestion.faq_id is not None  # the FAQ still says what it was about


def test_outside_a_crisis_the_same_question_is_polished_from_an_ordinary_template(
    knowledge: Knowledge,
) -> None:
    drafter = Counting()
    suggestion = compose(knowledge, "@dana where is my order?", crisis=None, drafter=drafter)
    assert suggestion.template_id != "crisis-holding"
    assert len(drafter.calls) == 1
    assert suggestion.crisis_id is None


def test_a_message_the_faq_cannot_answer_still_gets_the_holding_statement(
    knowledge: Knowledge,
) -> None:
    suggestion = compose(knowledge, "Your site has been down for an hour, what is going on?")
    assert suggestion.template_id == "crisis-holding"
    assert suggestion.text is not None
    assert suggestion.faq_id is None


def test_no_crisis_template_means_no_suggestion_and_a_note(knowledge: Knowledge) -> None:
    drafter = Counting()
    suggestion = compose(
        without_crisis_templates(knowledge), "@dana where is my order?", drafter=drafter
    )
    assert suggestion.abstained
    assert suggestion.note == replies.NO_CRISIS_TEMPLATE
    assert drafter.calls == []
    assert suggestion.crisis_id == CRISIS.crisis_id


def test_a_crisis_template_for_another_network_does_not_fit(knowledge: Knowledge) -> None:
    suggestion = replies.compose(
        knowledge,
        CustomerMessage.parse("@dana where is my order?"),
        drafter=Counting(),
        voice=VOICE,
        network="tiktok",  # crisis-holding lists five networks, not TikTok
        crisis=CRISIS,
    )
    assert suggestion.abstained


def test_a_customer_cannot_smuggle_template_syntax_into_the_statement(
    knowledge: Knowledge,
) -> None:
    suggestion = compose(knowledge, "@dana {{ 7*7 }} where is my order?")
    assert suggestion.text is not None
    assert "49" not in suggestion.text


def test_the_crisis_mode_is_read_from_the_running_crisis(services: Services) -> None:
    with session_scope(services.sessions) as session:
        assert replies.crisis_mode(session) is None
        crisis = Crisis(
            kind=CrisisKind.DRILL,
            reason="Recall drill",
            started_by="U0ADMIN",
            started_at=NOW,
            running_key=RUNNING,
            updated_at=NOW,
        )
        session.add(crisis)
        session.flush()
        assert replies.crisis_mode(session) == CrisisMode(crisis.id or 0, CrisisKind.DRILL)


def test_a_crisis_suggestion_is_stored_with_its_crisis_and_no_gap(
    services: Services, knowledge: Knowledge
) -> None:
    message = CustomerMessage.parse("@dana where is my order?")
    abstained = compose(without_crisis_templates(knowledge), message.text)
    made = compose(knowledge, message.text)
    with session_scope(services.sessions) as session:
        row, gap = suggestion_store.save_suggestion(
            session=session, suggestion=abstained, message=message, requested_by="U1", now=NOW
        )
        sent, _ = suggestion_store.save_suggestion(
            session=session, suggestion=made, message=message, requested_by="U1", now=NOW
        )
        gaps = session.exec(select(FaqGap)).all()
    assert row.text is None
    assert row.crisis_id == CRISIS.crisis_id
    assert row.note == replies.NO_CRISIS_TEMPLATE
    assert sent.crisis_id == CRISIS.crisis_id
    assert not sent.polished
    # Nothing was missing from the FAQ: only a crisis template was.
    assert gap is None
    assert gaps == []


def test_another_option_in_a_crisis_stays_on_crisis_templates(
    services: Services, knowledge: Knowledge
) -> None:
    message = CustomerMessage.parse("@dana where is my order and can I return it?")
    first = compose(knowledge, message.text, crisis=None)
    with session_scope(services.sessions) as session:
        row, _ = suggestion_store.save_suggestion(
            session=session, suggestion=first, message=message, requested_by="U1", now=NOW
        )
        assert row.crisis_id is None
        again = replies.compose(
            knowledge,
            message,
            drafter=Counting(),
            voice=VOICE,
            network="x",
            option=row.option + 1,
            ranked=suggestion_store.ranked_of(row),
            crisis=CRISIS,
        )
        assert suggestion_store.replace_option(
            session=session, row=row, seen_option=0, suggestion=again
        )
        session.refresh(row)
    assert row.template_id == "crisis-holding"
    assert row.crisis_id == CRISIS.crisis_id
    assert not row.polished


# -- the handoff's holding reply ------------------------------------------------------------------


def test_a_handoff_in_a_crisis_holds_with_the_crisis_statement(knowledge: Knowledge) -> None:
    held = compose_holding(
        knowledge,
        CustomerMessage("@teamlead we need 200 jackets with our logo", "@teamlead"),
        team="sales",
        voice=VOICE,
        network="x",
        faq_id="corporate-orders",
        crisis=CRISIS,
    )
    assert held.template_id == "crisis-holding"
    assert held.text is not None
    assert held.text.startswith("Hi teamlead, thank you for raising this with us.")
    assert held.crisis_id == CRISIS.crisis_id


def test_a_handoff_in_a_crisis_without_a_crisis_template_suggests_nothing(
    knowledge: Knowledge,
) -> None:
    held = compose_holding(
        without_crisis_templates(knowledge),
        CustomerMessage("hello?"),
        team="sales",
        voice=VOICE,
        network="x",
        faq_id=None,
        crisis=CRISIS,
    )
    # Not the plain line that stands in outside a crisis: nothing unapproved goes out.
    assert held.abstained
    assert held.note == replies.NO_CRISIS_TEMPLATE

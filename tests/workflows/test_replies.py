"""Suggested replies without Slack: compose, store, send once, feedback, learning."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from bot.content import SAMPLE_FAQ_DIR, SAMPLE_RESPONSES_DIR
from bot.knowledge.faq_files import FaqEntry, load_faq_dir
from bot.knowledge.faq_store import all_entries
from bot.knowledge.library import Knowledge, knowledge_from_files
from bot.knowledge.matching import FaqMatcher, Match
from bot.knowledge.templates import ResponseTemplate
from bot.llm import NO_OPINION, EntryChoice, EntryOption, OfflineDrafter, Polished, PolishRequest
from bot.services import Services
from bot.store.db import session_scope
from bot.store.models import Draft, FaqGap, ReplySuggestion
from bot.workflows import drafts, faq, replies, reply_requests, reply_templates, suggestion_store
from bot.workflows.checks import CheckPolicy
from bot.workflows.drafts import ApprovalPolicy, DraftInvalid
from bot.workflows.reply_requests import CustomerMessage
from bot.workflows.reply_templates import BrandVoice
from bot.workflows.suggestion_store import SendRefused
from tests.concurrency import race

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
VOICE = BrandVoice(name="Northwind Outfitters", sign_off="- Team Northwind", emoji=False)
CHECKS = CheckPolicy(banned_words=("guaranteed",))


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return knowledge_from_files(SAMPLE_FAQ_DIR, SAMPLE_RESPONSES_DIR)


def compose(knowledge: Knowledge, text: str, **kwargs: object) -> replies.Suggestion:
    return replies.compose(
        knowledge,
        CustomerMessage.parse(text),
        voice=VOICE,
        network="x",
        **{"drafter": OfflineDrafter(), **kwargs},  # type: ignore[arg-type]
    )


# -- parsing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<@UBOT> draft a reply to: where is my order?", "where is my order?"),
        ("<@UBOT> Draft reply to - where is my order?", "where is my order?"),
        ("<@UBOT> please write a response for: hi &amp; bye", "hi & bye"),
        (
            "<@UBOT> suggest an answer: see <https://x.example/a|x.example/a>",
            "see https://x.example/a",
        ),
        ("<@UBOT> draft a reply to:", ""),
        ("<@UBOT> hello there", None),
        ("<@UBOT> what's up", None),
    ],
)
def test_request_text(text: str, expected: str | None) -> None:
    assert reply_requests.request_text(text, bot_user_id="UBOT") == expected


def test_plain_from_slack_keeps_broadcasts_as_written() -> None:
    # They are escaped again wherever the bot shows them; unwrapping is only for links.
    assert (
        reply_requests.plain_from_slack("<!channel> look &lt;here&gt;") == "<!channel> look <here>"
    )


def test_customer_handle_is_read_from_the_start() -> None:
    message = CustomerMessage.parse("@dana_outdoors: where's my order??")
    assert message.handle == "@dana_outdoors"
    assert CustomerMessage.parse("where's my order @NorthwindOutfit").handle is None


# -- composing --------------------------------------------------------------------------------


def test_a_paraphrase_is_answered_from_the_faq_with_its_sources(knowledge: Knowledge) -> None:
    suggestion = compose(knowledge, "@dana: my parcel still hasn't turned up 😡")
    assert suggestion.faq_id == "order-not-arrived"
    # An upset customer gets the apology, not the cheerful catch-all.
    assert suggestion.template_id == "apology-upset"
    assert suggestion.text is not None
    assert suggestion.text.startswith("Hi dana, we're really sorry")
    assert knowledge.entries["order-not-arrived"].answer.strip() in suggestion.text
    assert suggestion.text.endswith("- Team Northwind")
    assert 0 < suggestion.confidence <= 1
    assert not suggestion.polished


def test_off_topic_is_abstained_on(knowledge: Knowledge) -> None:
    suggestion = compose(knowledge, "what do you think about the election results")
    assert suggestion.abstained
    assert suggestion.text is None
    assert suggestion.faq_id is None


@pytest.mark.parametrize("text", ["", "   ", "🔥🔥🔥", "¿Dónde está mi pedido? Gracias"])
def test_nothing_to_match_is_an_abstention(knowledge: Knowledge, text: str) -> None:
    assert compose(knowledge, text).abstained


def test_template_syntax_from_the_customer_is_never_evaluated(knowledge: Knowledge) -> None:
    message = CustomerMessage("where is my order", handle="@{{ 7*7 }}{% raw %}")
    suggestion = replies.compose(
        knowledge, message, drafter=OfflineDrafter(), voice=VOICE, network="x"
    )
    assert suggestion.text is not None
    assert suggestion.text.startswith("Hi {{ 7*7 }}{% raw %}!")
    assert "49" not in suggestion.text


def test_a_huge_message_is_cut_before_matching(knowledge: Knowledge) -> None:
    suggestion = compose(knowledge, "where is my order " + "blah " * 8_000)
    assert len(CustomerMessage.parse("x" * 40_000).text) == reply_requests.MAX_CUSTOMER_CHARS
    assert suggestion.abstained or suggestion.faq_id is not None


def test_another_option_walks_the_same_ranking_and_wraps(knowledge: Knowledge) -> None:
    first = compose(knowledge, "how long until I get my money back for a return")
    assert not first.abstained
    assert len(first.ranked) >= 2
    second = compose(knowledge, "ignored", option=1, ranked=first.ranked)
    assert second.faq_id == first.ranked[1].entry_id
    wrapped = compose(knowledge, "ignored", option=len(first.ranked), ranked=first.ranked)
    assert wrapped.faq_id == first.faq_id


def _template(template_id: str, serves: tuple[str, ...], **kwargs: object) -> ResponseTemplate:
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


def test_template_choice_prefers_the_entry_then_the_catch_all() -> None:
    entry = FaqEntry(id="damaged-item", question="q", answer="a", tags=("returns",))
    catch_all = _template("default", ("*",))
    specific = _template("sorry", ("damaged-item",))
    by_tag = _template("returns-tone", ("returns",))
    crisis = _template("holding", ("damaged-item",), crisis=True)
    linkedin = _template("formal", ("damaged-item",), networks=("linkedin",))
    choose = reply_templates.choose_template
    assert choose([catch_all, specific, crisis, linkedin], entry, network="x") == specific
    assert choose([catch_all, by_tag], entry, network="x") == by_tag
    assert choose([catch_all, crisis, linkedin], entry, network="x") == catch_all
    assert choose([catch_all, linkedin], entry, network="linkedin") == linkedin
    assert choose([crisis], entry, network="x") is None


def test_a_broken_template_falls_back_to_the_faq_answer() -> None:
    entries = [
        FaqEntry(id="order-tracking", question="Where is my order?", answer="Track it."),
        FaqEntry(id="gift-cards", question="Do you sell gift cards?", answer="Yes."),
        FaqEntry(id="jobs", question="Are you hiring?", answer="See our careers page."),
    ]
    broken = _template("broken", ("*",), body="Hi {{ customer_nmae }}")
    knowledge = Knowledge({e.id: e for e in entries}, FaqMatcher(entries), (broken,))
    suggestion = compose(knowledge, "where is my order")
    assert suggestion.text == "Track it."
    assert suggestion.note is not None
    assert "responses/broken.md.j2:8" in suggestion.note


@pytest.mark.parametrize(
    "body",
    [
        "{{ 'x' * 2000000000 }}",
        "{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}"
        "{% endfor %}{% endfor %}{% endfor %}",
    ],
)
def test_a_template_that_would_exhaust_memory_or_time_falls_back_with_a_note(body: str) -> None:
    entries = [
        FaqEntry(id="order-tracking", question="Where is my order?", answer="Track it."),
        FaqEntry(id="gift-cards", question="Do you sell gift cards?", answer="Yes."),
    ]
    bomb = _template("bomb", ("*",), body=body)
    knowledge = Knowledge({e.id: e for e in entries}, FaqMatcher(entries), (bomb,))
    started = time.monotonic()
    suggestion = compose(knowledge, "where is my order")
    assert time.monotonic() - started < 3
    assert suggestion.text == "Track it."
    assert suggestion.note is not None
    assert "Template bomb failed (responses/bomb.md.j2:8: the template" in suggestion.note


def test_the_drafter_gets_sources_and_its_note_is_kept(knowledge: Knowledge) -> None:
    seen: list[PolishRequest] = []

    class Refusing(OfflineDrafter):  # no opinion on the entry
        name = "test"

        def polish(self, request: PolishRequest) -> Polished:
            seen.append(request)
            return Polished(request.draft, False, "The model did not answer in time.")

    suggestion = replies.compose(
        knowledge,
        CustomerMessage.parse("where is my order? 50% off?"),
        drafter=Refusing(),
        voice=VOICE,
        network="x",
    )
    (request,) = seen
    assert request.faq_answers == (knowledge.entries[str(suggestion.faq_id)].answer,)
    assert "50% off" in request.customer_message
    assert request.draft == suggestion.text
    assert suggestion.note == "The model did not answer in time."


# -- the model's choice of entry -----------------------------------------------------------------

MONEY_BACK = "@dana how long until I get my money back for a return"
SOON = "if i buy today, when will it get here"  # the matcher offers candidates, no answer


class Choosing(OfflineDrafter):
    """A model (no HTTP) that says what ``answer`` makes of the entries offered, and records them."""

    name = "fake-model"

    def __init__(self, answer: Callable[[Sequence[EntryOption]], EntryChoice]) -> None:
        self.answer = answer
        self.offered: list[list[EntryOption]] = []

    def choose_entry(self, message: str, options: Sequence[EntryOption]) -> EntryChoice:
        self.offered.append(list(options))
        return self.answer(options)


def with_model(
    knowledge: Knowledge, text: str, model: Choosing, **kwargs: object
) -> replies.Suggestion:
    return compose(knowledge, text, drafter=model, **kwargs)


def test_the_models_pick_of_the_second_ranked_entry_is_answered_from(knowledge: Knowledge) -> None:
    matcher = compose(knowledge, MONEY_BACK)
    model = Choosing(lambda options: EntryChoice("picked", options[1].id, "asks about a return"))
    suggestion = with_model(knowledge, MONEY_BACK, model)
    (offered,) = model.offered
    # The matcher's best with some support, best first, as the model sees them.
    assert [o.id for o in offered] == [m.entry_id for m in matcher.ranked if m.score > 0][:5]
    second = offered[1]
    assert (second.question, second.answer) == (
        knowledge.entries[second.id].question,
        knowledge.entries[second.id].answer,
    )
    assert matcher.faq_id != second.id
    assert suggestion.faq_id == second.id
    assert (suggestion.option, suggestion.chosen_by_model) == (0, True)
    assert suggestion.text is not None
    assert knowledge.entries[second.id].answer.strip() in suggestion.text
    # Another option walks on to the matcher's ranking, the matcher's answer first.
    assert [m.entry_id for m in suggestion.ranked] == [
        second.id,
        *(m.entry_id for m in matcher.ranked if m.entry_id != second.id),
    ]
    another = compose(knowledge, MONEY_BACK, option=1, ranked=suggestion.ranked)
    assert (another.faq_id, another.chosen_by_model) == (matcher.faq_id, False)


def test_the_model_may_answer_where_the_matcher_only_offered_candidates(
    knowledge: Knowledge,
) -> None:
    matcher = compose(knowledge, SOON)
    assert matcher.abstained
    assert matcher.candidates
    model = Choosing(lambda options: EntryChoice("picked", "shipping-times", "delivery time"))
    suggestion = with_model(knowledge, SOON, model)
    assert (suggestion.faq_id, suggestion.chosen_by_model) == ("shipping-times", True)
    assert [m.entry_id for m in suggestion.ranked] == [m.entry_id for m in matcher.candidates]


@pytest.mark.parametrize("text", [MONEY_BACK, SOON])
def test_the_models_none_abstains_and_keeps_the_close_entries(
    knowledge: Knowledge, text: str
) -> None:
    matcher = compose(knowledge, text)
    suggestion = with_model(knowledge, text, Choosing(lambda _: EntryChoice("none_fits")))
    assert suggestion.abstained
    assert (suggestion.faq_id, suggestion.chosen_by_model) == (None, True)
    assert suggestion.note == replies.MODEL_FOUND_NONE
    # The teammate may still pick one: the matcher's candidates, or its answer and next best.
    expected = matcher.candidates if matcher.abstained else matcher.ranked[:3]
    assert suggestion.candidates == expected
    assert suggestion.candidates


@pytest.mark.parametrize("text", [MONEY_BACK, SOON, "@dana my parcel still hasn't turned up 😡"])
def test_no_opinion_leaves_the_matchers_suggestion_as_it_was(
    knowledge: Knowledge, text: str
) -> None:
    model = Choosing(lambda _: NO_OPINION)
    assert with_model(knowledge, text, model) == compose(knowledge, text)
    assert len(model.offered) == 1


def test_the_model_is_not_asked_in_crisis_mode_or_about_nothing(knowledge: Knowledge) -> None:
    model = Choosing(lambda options: EntryChoice("picked", options[-1].id, "told to"))
    crisis = replies.CrisisMode(crisis_id=1, kind="crisis")
    in_crisis = with_model(knowledge, MONEY_BACK, model, crisis=crisis)
    assert in_crisis.template_id == "crisis-holding"
    assert not in_crisis.chosen_by_model
    assert with_model(knowledge, "🔥🔥🔥", model).abstained  # no entry with any support
    assert model.offered == []


# -- the store --------------------------------------------------------------------------------


def _saved(services: Services, knowledge: Knowledge, text: str) -> ReplySuggestion:
    message = CustomerMessage.parse(text)
    suggestion = compose(knowledge, text)
    with session_scope(services.sessions) as session:
        row, _gap = suggestion_store.save_suggestion(
            session=session, suggestion=suggestion, message=message, requested_by="U1", now=NOW
        )
    return row


def test_an_abstention_is_stored_and_counted_as_a_gap(
    services: Services, knowledge: Knowledge
) -> None:
    row = _saved(services, knowledge, "Do you sponsor marathon runners?")
    assert row.text is None
    with session_scope(services.sessions) as session:
        (gap,) = session.exec(select(FaqGap)).all()
    assert gap.key == "do you sponsor marathon runners"


CLOSE_CALL = "if i buy today, when will it get here"  # close to several entries, sure of none


def test_close_entries_are_candidates_not_a_gap(services: Services, knowledge: Knowledge) -> None:
    suggestion = compose(knowledge, CLOSE_CALL)
    assert suggestion.abstained
    assert "shipping-times" in [m.entry_id for m in suggestion.candidates]
    row = _saved(services, knowledge, CLOSE_CALL)
    assert row.text is None
    with session_scope(services.sessions) as session:
        assert session.exec(select(FaqGap)).all() == []


def test_silence_has_no_candidates(knowledge: Knowledge) -> None:
    assert compose(knowledge, "what do you think about the election results").candidates == ()


def test_use_this_picks_one_candidate_however_many_clicks(
    services: Services, knowledge: Knowledge
) -> None:
    row = _saved(services, knowledge, "@dana " + CLOSE_CALL)
    ranked = suggestion_store.ranked_of(row)

    def pick(index: int) -> bool:
        option = index % len(ranked)
        suggestion = compose(knowledge, "@dana " + CLOSE_CALL, ranked=ranked, option=option)
        with session_scope(services.sessions) as session:
            return suggestion_store.use_candidate(session=session, row=row, suggestion=suggestion)

    assert sorted(race(8, pick)) == [False] * 7 + [True]
    with session_scope(services.sessions) as session:
        fresh = session.get(ReplySuggestion, row.id)
        assert fresh is not None
        assert fresh.text
        assert fresh.faq_id in {m.entry_id for m in ranked}


def test_send_for_approval_makes_one_reply_draft_however_many_clicks(
    services: Services, knowledge: Knowledge
) -> None:
    row = _saved(services, knowledge, "@dana where is my order?")
    assert row.id is not None
    suggestion_id = row.id

    def send(user: str) -> int | str:
        try:
            with session_scope(services.sessions) as session:
                draft = suggestion_store.send_for_approval(
                    session=session,
                    suggestion_id=suggestion_id,
                    actor_id=user,
                    default_network="x",
                    checks=CHECKS,
                    now=NOW,
                )
                return int(draft.id or 0)
        except SendRefused as refused:
            return str(refused)

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(send, [f"U{i}" for i in range(6)]))
    ids = [r for r in results if isinstance(r, int)]
    assert len(ids) == 1, results
    assert all("already sent for approval" in str(r) for r in results if isinstance(r, str))
    with session_scope(services.sessions) as session:
        (draft,) = session.exec(select(Draft)).all()
        stored = session.get(ReplySuggestion, suggestion_id)
    assert (draft.kind, draft.customer_handle, draft.state) == ("reply", "@dana", "pending")
    assert stored is not None
    assert stored.draft_id == draft.id


def test_a_failed_check_sends_nothing_and_leaves_it_sendable(
    services: Services, knowledge: Knowledge
) -> None:
    row = _saved(services, knowledge, "@dana where is my order?")
    assert row.id is not None
    strict = CheckPolicy(banned_words=("order",))
    with pytest.raises(DraftInvalid), session_scope(services.sessions) as session:
        suggestion_store.send_for_approval(
            session=session,
            suggestion_id=row.id,
            actor_id="U1",
            default_network="x",
            checks=strict,
            now=NOW,
        )
    with session_scope(services.sessions) as session:
        assert session.exec(select(Draft)).all() == []
        stored = session.get(ReplySuggestion, row.id)
        assert stored is not None
        assert stored.sent_at is None


def test_a_reply_to_nobody_in_particular_is_refused_with_the_way_out(
    services: Services, knowledge: Knowledge
) -> None:
    row = _saved(services, knowledge, "where is my order?")
    assert row.id is not None
    with pytest.raises(SendRefused, match="@handle"), session_scope(services.sessions) as session:
        suggestion_store.send_for_approval(
            session=session,
            suggestion_id=row.id,
            actor_id="U1",
            default_network="x",
            checks=CHECKS,
            now=NOW,
        )


def test_an_abstention_cannot_be_sent(services: Services, knowledge: Knowledge) -> None:
    row = _saved(services, knowledge, "Do you sponsor marathon runners?")
    assert row.id is not None
    with pytest.raises(SendRefused, match="no reply"), session_scope(services.sessions) as session:
        suggestion_store.send_for_approval(
            session=session,
            suggestion_id=row.id,
            actor_id="U1",
            default_network="x",
            checks=CHECKS,
            now=NOW,
        )


def test_not_helpful_counts_once_per_suggestion(services: Services, knowledge: Knowledge) -> None:
    row = _saved(services, knowledge, "where is my order?")
    assert row.id is not None
    with session_scope(services.sessions) as session:
        first = suggestion_store.mark_not_helpful(
            session=session, suggestion_id=row.id, user_id="U1", now=NOW
        )
        again = suggestion_store.mark_not_helpful(
            session=session, suggestion_id=row.id, user_id="U2", now=NOW
        )
        (gap,) = session.exec(select(FaqGap)).all()
    assert first is not None
    assert first.not_helpful_by == "U1"
    assert again is None
    assert (gap.count, gap.not_helpful) == (1, 1)


def test_an_approved_reply_teaches_its_faq_entry(services: Services) -> None:
    entries = load_faq_dir(SAMPLE_FAQ_DIR)
    with session_scope(services.sessions) as session:
        faq.sync_faq(session=session, entries=entries, now=NOW)
    customer = "yo the thingy I bought never showed, ring the delivery folks?"
    with session_scope(services.sessions) as session:
        stored = {e.id: e for e in all_entries(session)}
    knowledge = Knowledge(stored, FaqMatcher(list(stored.values())), ())
    message = CustomerMessage.parse(customer)
    suggestion = replies.compose(
        knowledge,
        message,
        drafter=OfflineDrafter(),
        voice=VOICE,
        network="x",
        ranked=[Match("order-not-arrived", 5.0, 0.8)],
    )
    with session_scope(services.sessions) as session:
        draft = _sent_for_approval(
            session, suggestion, message, source_link="https://example.slack.com/archives/C1/p1"
        )
        assert draft.id is not None
        outcome = drafts.approve(
            session=session,
            draft_id=draft.id,
            actor_id="U9",
            policy=ApprovalPolicy(approvers=frozenset({"U9"})),
            seen_hash=draft.text_hash[:12],
            now=NOW,
        )
    assert outcome.refused is None
    with session_scope(services.sessions) as session:
        learned = {e.id: e for e in all_entries(session)}["order-not-arrived"]
        again = faq.sync_faq(session=session, entries=entries, now=NOW)
        after_sync = {e.id: e for e in all_entries(session)}["order-not-arrived"]
    assert customer in learned.variants
    assert again.updated == 0  # a sync from the same files neither rewrites nor forgets it
    assert customer in after_sync.variants
    assert FaqMatcher(list(learned for learned in [learned])).match(customer).best is not None


TWO_QUESTIONS = "How much is shipping? Also do you have gift cards? And who is your CEO married to?"


def test_several_questions_are_answered_part_by_part_and_said_so(knowledge: Knowledge) -> None:
    suggestion = compose(knowledge, TWO_QUESTIONS)
    assert suggestion.text is not None
    assert suggestion.faq_id == "shipping-costs"
    shipping, gifts = knowledge.entries["shipping-costs"], knowledge.entries["gift-cards"]
    assert shipping.answer.strip() in suggestion.text
    assert gifts.answer.strip() in suggestion.text
    assert [p.match.entry_id if p.match else None for p in suggestion.parts] == [
        "shipping-costs",
        "gift-cards",
        None,
    ]
    assert suggestion.note is not None
    assert suggestion.note.startswith(
        "Answers 2 questions: “How much is shipping?” (shipping-costs); "
        "“Also do you have gift cards?” (gift-cards). "
        "Not answered (no FAQ entry): “And who is your CEO married to?”."
    )


def test_an_approved_several_question_reply_teaches_each_part(services: Services) -> None:
    entries = load_faq_dir(SAMPLE_FAQ_DIR)
    with session_scope(services.sessions) as session:
        faq.sync_faq(session=session, entries=entries, now=NOW)
        stored = {e.id: e for e in all_entries(session)}
    knowledge = Knowledge(stored, FaqMatcher(list(stored.values())), ())
    message = CustomerMessage.parse("@dana " + TWO_QUESTIONS)
    suggestion = replies.compose(
        knowledge, message, drafter=OfflineDrafter(), voice=VOICE, network="x"
    )
    with session_scope(services.sessions) as session:
        draft = _sent_for_approval(session, suggestion, message)
        assert draft.id is not None
        assert faq.learn_from_approved_reply(session=session, draft_id=draft.id, now=NOW)
    with session_scope(services.sessions) as session:
        learned = {e.id: e for e in all_entries(session)}
    assert "How much is shipping?" in learned["shipping-costs"].variants
    assert "Also do you have gift cards?" in learned["gift-cards"].variants
    assert not any(TWO_QUESTIONS in e.variants for e in learned.values())


def _sent_for_approval(
    session: Session,
    suggestion: replies.Suggestion,
    message: CustomerMessage,
    *,
    source_link: str | None = None,
) -> Draft:
    """The suggestion stored and sent for approval by U1, as its reply draft."""
    row, _ = suggestion_store.save_suggestion(
        session=session,
        suggestion=suggestion,
        message=message,
        requested_by="U1",
        now=NOW,
        source_link=source_link,
    )
    assert row.id is not None
    return suggestion_store.send_for_approval(
        session=session,
        suggestion_id=row.id,
        actor_id="U1",
        default_network="x",
        checks=CHECKS,
        now=NOW,
    )

"""Editing a stored suggestion and telling whether it fits: the reply-draft checks, once."""

from __future__ import annotations

import pytest

from bot.content import SAMPLE_FAQ_DIR, SAMPLE_RESPONSES_DIR
from bot.knowledge.library import knowledge_from_files
from bot.llm import OfflineDrafter
from bot.services import Services
from bot.store.db import session_scope
from bot.store.models import ReplySuggestion
from bot.workflows import replies, suggestion_store
from bot.workflows.drafts import DraftInvalid
from bot.workflows.reply_edits import edit_suggestion, fit_problem
from bot.workflows.reply_requests import CustomerMessage
from bot.workflows.suggestion_store import SendRefused
from tests.workflows.test_replies import CHECKS, NOW, VOICE


def _stored(services: Services, text: str, network: str) -> int:
    knowledge = knowledge_from_files(SAMPLE_FAQ_DIR, SAMPLE_RESPONSES_DIR)
    message = CustomerMessage.parse(text)
    suggestion = replies.compose(
        knowledge, message, drafter=OfflineDrafter(), voice=VOICE, network=network
    )
    with session_scope(services.sessions) as session:
        row, _gap = suggestion_store.save_suggestion(
            session=session,
            suggestion=suggestion,
            message=message,
            requested_by="U1",
            now=NOW,
            network=network,
        )
    assert row.id is not None
    return row.id


def test_fit_problem_gives_the_count_and_the_limit_per_network() -> None:
    text = "Hi dana! " + "a" * 290
    assert fit_problem(text, network="x", checks=CHECKS, now=NOW) == "X: 299 of 280 characters."
    assert fit_problem(text, network="instagram", checks=CHECKS, now=NOW) is None
    assert "banned" in str(fit_problem("guaranteed!", network="x", checks=CHECKS, now=NOW))


def test_an_edit_is_checked_then_stored_and_sent_for_its_network(services: Services) -> None:
    suggestion_id = _stored(services, "@dana where is my order?", "x")
    with pytest.raises(DraftInvalid, match="281 of 280"), session_scope(services.sessions) as s:
        edit_suggestion(
            session=s,
            suggestion_id=suggestion_id,
            text="b" * 281,
            network="x",
            editor_id="U2",
            checks=CHECKS,
            now=NOW,
        )
    with session_scope(services.sessions) as session:
        row = edit_suggestion(
            session=session,
            suggestion_id=suggestion_id,
            text="  Hi dana, track it here.  ",
            network="threads",
            editor_id="U2",
            checks=CHECKS,
            now=NOW,
        )
        assert (row.text, row.network, row.edited_by) == (
            "Hi dana, track it here.",
            "threads",
            "U2",
        )
    with session_scope(services.sessions) as session:
        draft = suggestion_store.send_for_approval(
            session=session,
            suggestion_id=suggestion_id,
            actor_id="U2",
            default_network="x",
            checks=CHECKS,
            now=NOW,
        )
        assert (draft.text, draft.networks) == ("Hi dana, track it here.", "threads")
    with pytest.raises(SendRefused, match="already sent"), session_scope(services.sessions) as s:
        edit_suggestion(
            session=s,
            suggestion_id=suggestion_id,
            text="Too late.",
            network="x",
            editor_id="U3",
            checks=CHECKS,
            now=NOW,
        )
    with session_scope(services.sessions) as session:
        stored = session.get(ReplySuggestion, suggestion_id)
        assert stored is not None
        assert stored.text == "Hi dana, track it here."


def test_an_abstention_or_a_missing_suggestion_cannot_be_edited(services: Services) -> None:
    abstained = _stored(services, "Do you sponsor marathon runners?", "x")
    for suggestion_id in (abstained, 9999):
        with pytest.raises(SendRefused), session_scope(services.sessions) as session:
            edit_suggestion(
                session=session,
                suggestion_id=suggestion_id,
                text="Hi!",
                network="x",
                editor_id="U2",
                checks=CHECKS,
                now=NOW,
            )

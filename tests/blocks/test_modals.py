"""The stand-in modals every modal button opens first: valid for Slack, whatever the title."""

from __future__ import annotations

import pytest

from bot.blocks.modals import (
    FAILED_TEXT,
    LOADING_TEXT,
    build_failed_modal,
    build_loading_modal,
    build_notice_modal,
)
from slack_emulator.block_limits import check_view


@pytest.mark.parametrize("title", ["Edit reply", "Add to FAQ", "A title far past Slack's 24"])
def test_the_stand_in_modals_are_valid_and_have_nothing_to_submit(title: str) -> None:
    loading = build_loading_modal(title)
    notice = build_notice_modal(title, "This reply was already sent for approval as draft #3.")
    failed = build_failed_modal(title)
    for view in (loading, notice, failed):
        assert check_view(view) == []
        assert "submit" not in view
        assert "callback_id" not in view
    assert LOADING_TEXT in str(loading["blocks"])
    assert "draft #3" in str(notice["blocks"])
    assert FAILED_TEXT in str(failed["blocks"])

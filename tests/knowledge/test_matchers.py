"""SOCIALOPS_MATCHER: which matcher a process builds, and what `socialops check` says about it."""

from __future__ import annotations

import pytest

from bot.knowledge import matchers
from bot.knowledge.matching import FaqMatcher
from bot.settings import SettingsError, load_settings

ENTRY_ARGS = ("order", "Where is my order?", "Track it.")


def test_offline_is_always_the_lexical_matcher() -> None:
    from bot.knowledge.faq_files import FaqEntry

    built = matchers.matcher_factory("offline")([FaqEntry(*ENTRY_ARGS)])
    assert isinstance(built, FaqMatcher)
    assert matchers.describe_matching("offline").startswith("matching: offline")
    assert "pip install" not in matchers.describe_matching("offline")


def test_without_the_extra_auto_falls_back_and_semantic_refuses_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(matchers, "semantic_installed", lambda: False)
    assert matchers.resolve_matcher("auto") == "offline"
    line = matchers.describe_matching("auto")
    assert line.startswith("matching: offline")
    assert "pip install torch==2.13.0" in line
    with pytest.raises(SettingsError) as refused:
        matchers.resolve_matcher("semantic")
    message = str(refused.value)
    assert "SOCIALOPS_MATCHER=semantic" in message
    assert "\n" not in message


def test_with_the_extra_auto_and_semantic_choose_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(matchers, "semantic_installed", lambda: True)
    assert matchers.resolve_matcher("auto") == "semantic"
    assert matchers.resolve_matcher("semantic") == "semantic"
    assert matchers.describe_matching("auto").startswith("matching: semantic (all-MiniLM-L6-v2")


def test_the_setting_is_checked() -> None:
    assert load_settings(_env_file=None).matcher == "auto"
    assert load_settings(_env_file=None, matcher="offline").matcher == "offline"
    with pytest.raises(SettingsError, match="SOCIALOPS_MATCHER"):
        load_settings(_env_file=None, matcher="psychic")

"""The digest template: never a reply template, the team's own wins, the sample is the fallback,
and it runs in the reply templates' sandbox with StrictUndefined."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.blocks.digest_text import digest_context, sample_figures
from bot.content import SAMPLE_RESPONSES_DIR
from bot.knowledge.digest_template import (
    DIGEST_TEMPLATE,
    digest_template_path,
    load_digest_template,
    render_digest_text,
)
from bot.knowledge.templates import TemplateFileError, check_templates, load_templates

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def context() -> dict[str, object]:
    return digest_context(sample_figures(NOW), kind="daily", tz=ZoneInfo("UTC"))


def test_the_shipped_digest_template_is_not_a_reply_template() -> None:
    assert (SAMPLE_RESPONSES_DIR / DIGEST_TEMPLATE).is_file()
    ids = {template.id for template in load_templates(SAMPLE_RESPONSES_DIR)}
    assert "digest" not in ids
    assert all("digest" not in template.path for template in load_templates(SAMPLE_RESPONSES_DIR))
    # And its folder does not upset the reply templates' check (it has no front matter).
    assert check_templates(SAMPLE_RESPONSES_DIR) == []


def test_a_teams_own_digest_template_wins_and_a_missing_one_falls_back(tmp_path: Path) -> None:
    assert digest_template_path(tmp_path, SAMPLE_RESPONSES_DIR) == (
        SAMPLE_RESPONSES_DIR / DIGEST_TEMPLATE
    )
    own = tmp_path / DIGEST_TEMPLATE
    own.parent.mkdir()
    own.write_text("Team says: {{ approvals.approved }} approved\n", encoding="utf-8")
    assert digest_template_path(tmp_path, SAMPLE_RESPONSES_DIR) == own
    assert render_digest_text(load_digest_template(own), context()) == "Team says: 9 approved"


def test_a_misspelt_variable_names_the_file_and_line(tmp_path: Path) -> None:
    own = tmp_path / "digest.md.j2"
    own.write_text("line one\n{{ approvals.aproved }}\n", encoding="utf-8")
    with pytest.raises(TemplateFileError, match=r"digest\.md\.j2:2: .*aproved"):
        render_digest_text(load_digest_template(own), context())


def test_a_syntax_error_is_found_on_load(tmp_path: Path) -> None:
    own = tmp_path / "digest.md.j2"
    own.write_text("ok\n{% if %}\n", encoding="utf-8")
    with pytest.raises(TemplateFileError, match=r"digest\.md\.j2:2:"):
        load_digest_template(own)


def test_the_template_runs_in_the_sandbox(tmp_path: Path) -> None:
    own = tmp_path / "digest.md.j2"
    own.write_text("{{ title.__class__.__mro__ }}", encoding="utf-8")
    with pytest.raises(TemplateFileError):
        render_digest_text(load_digest_template(own), context())


def test_blank_lines_collapse_into_one_paragraph_break(tmp_path: Path) -> None:
    own = tmp_path / "digest.md.j2"
    own.write_text("a   \n\n\n\n\nb\n", encoding="utf-8")
    assert render_digest_text(load_digest_template(own), context()) == "a\n\nb"


def test_a_copy_of_the_sample_renders_like_the_sample(tmp_path: Path) -> None:
    (tmp_path / "digest").mkdir()
    shutil.copy(SAMPLE_RESPONSES_DIR / DIGEST_TEMPLATE, tmp_path / DIGEST_TEMPLATE)
    sample = render_digest_text(
        load_digest_template(SAMPLE_RESPONSES_DIR / DIGEST_TEMPLATE), context()
    )
    copy = render_digest_text(load_digest_template(tmp_path / DIGEST_TEMPLATE), context())
    assert copy == sample
    assert "{{ 7*7 }} gift cards?" in sample  # a question is data, never template source

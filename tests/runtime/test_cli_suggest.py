"""`socialops suggest`: try the FAQ on messages from the command line, as text or JSON lines."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from bot.content import SAMPLE_FAQ_DIR, SAMPLE_RESPONSES_DIR
from tests.fakes.fake_openai import FakeOpenAI, is_structured, offered_ids
from tests.runtime.test_cli import clean_env


def suggest(
    tmp_path: Path, *args: str, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    settings = {
        "SOCIALOPS_FAQ_DIR": str(SAMPLE_FAQ_DIR),
        "SOCIALOPS_RESPONSES_DIR": str(SAMPLE_RESPONSES_DIR),
        "SOCIALOPS_SIGN_OFF": "- Team Northwind",
        "SOCIALOPS_MATCHER": "offline",  # the same answers with or without the semantic extra
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", "suggest", *args],
        capture_output=True,
        text=True,
        input=stdin,
        cwd=tmp_path,
        env=clean_env(tmp_path, **settings),
        timeout=60,
    )


def test_one_message_as_text(tmp_path: Path) -> None:
    result = suggest(tmp_path, "@dana my parcel still hasn't turned up")
    assert result.returncode == 0, result.stderr
    assert "from order-not-arrived, template apology-upset" in result.stdout
    assert "Hi dana, we're really sorry" in result.stdout
    assert "- Team Northwind" in result.stdout


def test_stdin_lines_as_json(tmp_path: Path) -> None:
    lines = [
        "where is my order?",
        "",
        "do you sponsor ultramarathon runners?",
        "<!channel> {{ 7*7 }} how do I reset my password",
        "🔥🔥🔥",
        "x" * 40_000,
        "if i buy today, when will it get here",
    ]
    result = suggest(tmp_path, "--json", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in records] == [line for line in lines if line]
    assert set(records[0]) == {
        "text",
        "matches",
        "draft",
        "abstained",
        "candidates",
        "chosen_by",
        "parts",
    }
    assert {r["chosen_by"] for r in records} == {"matcher"}  # no model configured
    assert records[0]["matches"][0]["id"] == "order-tracking"
    assert isinstance(records[0]["matches"][0]["score"], float)
    assert records[0]["abstained"] is False
    assert records[0]["draft"].startswith("Hi there!")
    assert records[1]["abstained"] is True
    assert records[1]["draft"] is None
    assert records[2]["matches"][0]["id"] == "password-reset"
    assert "49" not in (records[2]["draft"] or "")
    assert records[3]["abstained"] is True
    assert records[4]["abstained"] is True
    assert records[1]["candidates"] == []
    assert records[0]["candidates"] == []
    close = records[-1]
    assert close["abstained"] is True
    assert close["draft"] is None
    offered = {c["id"]: c for c in close["candidates"]}
    assert offered["shipping-times"]["question"] == "How long does delivery take?"
    assert offered["shipping-times"]["reason"]
    assert 0 <= offered["shipping-times"]["confidence"] <= 1


def test_a_configured_model_chooses_the_entry(tmp_path: Path) -> None:
    def second(body: dict[str, Any]) -> str:
        return json.dumps({"entry_id": offered_ids(body)[1], "reason": "It asks about that."})

    with FakeOpenAI(choice=second) as model:
        result = suggest(
            tmp_path,
            "--json",
            "how long until I get my money back for a return",
            OPENAI_BASE_URL=model.base_url,
            SOCIALOPS_LLM_TIMEOUT="5",
        )
        (chose, *_polish) = model.requests
    assert result.returncode == 0, result.stderr
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert is_structured(chose)
    assert record["chosen_by"] == "model"
    assert record["matches"][0]["id"] == offered_ids(chose)[1]
    assert record["abstained"] is False


def test_no_messages_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = suggest(tmp_path, stdin="\n\n")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "no messages" in result.stderr


def test_an_empty_text_argument_is_refused(tmp_path: Path) -> None:
    result = suggest(tmp_path, "   ")
    assert result.returncode == 2
    assert "empty" in result.stderr


def test_a_broken_faq_is_named(tmp_path: Path) -> None:
    faq = tmp_path / "faq"
    faq.mkdir()
    entry = "- id: dup\n  question: Q?\n  answer: A.\n"
    (faq / "a.yml").write_text(entry + entry, encoding="utf-8")
    result = suggest(tmp_path, "hello", SOCIALOPS_FAQ_DIR=str(faq))
    assert result.returncode == 2
    assert "dup" in result.stderr
    assert "Traceback" not in result.stderr

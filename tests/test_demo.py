"""`socialops demo` works with no configuration and prints what Slack users would see."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_demo_prints_the_transcript_and_exits_0(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "DATABASE_URL", "SOCIALOPS_"))
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "▶ maria: /social help" in out
    assert "List every subcommand with what it does." in out
    assert "`frobnicate` isn't a socialops command" in out
    assert "Hi @maria! I'm socialops." in out
    assert "socialops (#social-team, in thread):" in out
    assert "redelivers that mention" in out
    assert "nothing visible" in out.split("redelivers that mention")[1].split("▶")[0]
    # Approvals: a draft, a denied self-approval, an approval, and the card's final state.
    assert "▶ maria: /social draft Our autumn range" in out
    assert "socialops (#social-approvals):" in out
    assert "waiting for approval in #social-approvals" in out
    own_click = out.split("▶ maria: clicks Approve on her own draft")[1].split("▶")[0]
    assert "someone else" in own_click
    approval = out.split("▶ jonas: clicks Approve")[1]
    assert "socialops (#social-approvals, card updated):" in approval
    assert "[Approve]" not in approval.split("card updated")[1]
    assert "demo ok" in out
    assert not list(tmp_path.iterdir()), "the demo must leave no files behind"

"""The ack benchmark still runs end to end (its figures are for the README, not asserted here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


QUICK_RUN = ("--seconds", "0.4", "--clients", "2", "--rounds", "1", "--warmup", "0.1")


def test_the_ack_benchmark_prints_both_apps_for_every_scenario() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench.ack", *QUICK_RUN],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # 1 is a missed goal, which a sub-second run on a busy test machine may well give; 2 would be
    # a call Slack refuses, an app that did not start, or approve (claim) clicks that approved
    # (claimed) nothing.
    assert result.returncode in (0, 1), result.stdout + result.stderr
    for scenario in ("/social help", "button click", "approve click", "claim click"):
        for app in ("bare bolt", "socialops"):
            assert f"| {scenario} | {app} |" in result.stdout
    assert "the bare app's throughput" in result.stdout
    assert "claim click: socialops at" in result.stdout


def commit_before_handoffs() -> str | None:
    """The parent of the commit that added handoff packets, if this clone has its history."""
    added = subprocess.run(
        ["git", "log", "--diff-filter=A", "--format=%h", "--", "bot/slack/handoff_packets.py"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    return f"{added[-1]}~1" if added else None


def test_a_baseline_without_handoffs_skips_the_claim_click_and_says_so() -> None:
    before = commit_before_handoffs()
    if before is None:
        pytest.skip("a shallow clone: no commit from before handoffs to serve")
    result = subprocess.run(
        [sys.executable, "-m", "bench.ack", *QUICK_RUN, "--baseline", before],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode in (0, 1), result.stdout + result.stderr
    baseline = f"socialops @{before}"
    assert f"| approve click | {baseline} |" in result.stdout
    assert f"| claim click | {baseline} | skipped: no handoffs in its code |" in result.stdout
    assert "| claim click | socialops |" in result.stdout

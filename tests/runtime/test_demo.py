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
    # The card shows the text X will publish, brand link tagged, next to the note that says so.
    card = out.split("▶ maria: /social draft Our autumn range")[1].split("▶")[0]
    assert "https://example.com/autumn?utm_source=x&utm_medium=social #autumn" in card
    assert "UTM parameters added to 1 brand link(s)." in card
    own_click = out.split("▶ maria: clicks Approve on her own draft")[1].split("▶")[0]
    assert "someone else" in own_click
    approval = out.split("▶ jonas: clicks Approve")[1].split("▶")[0]
    assert "socialops (#social-approvals, message updated):" in approval
    assert "[Approve]" not in approval.split("message updated")[1]
    # Suggested replies: a mention in a customer post's thread answered from the FAQ, sent for
    # approval, and a question the FAQ cannot answer recorded as a gap.
    drafted = out.split("can you draft a reply?")[1].split("▶")[0]
    assert "Drafting a reply" in drafted
    assert "FAQ `order-not-arrived`" in drafted
    assert "[Send for approval]" in drafted
    # The complaint is answered in the apology tone, says it does not fit X before any click,
    # is edited through the modal and only then sent.
    assert "template `apology-upset`" in drafted
    assert "we're really sorry" in drafted
    assert "🙌" not in drafted
    assert "Not sendable as it is:* X: 291 of 280 characters" in drafted
    assert "[Edit]" in drafted
    edit = out.split("▶ maria: clicks Edit")[1].split("▶")[0]
    assert "socialops (modal):\n    :hourglass_flowing_sand: Loading…" in edit
    assert "| Hi dana_outdoors, we're really sorry about this." in edit
    assert "Network: (X)" in edit
    saved = out.split("▶ maria: shortens the reply and clicks Save")[1].split("▶")[0]
    assert "edited by @maria" in saved
    assert "Not sendable" not in saved
    sent = out.split("▶ maria: clicks Send for approval")[1].split("▶")[0]
    assert "Reply draft #2 to @dana_outdoors" in sent
    assert "If your tracking hasn't moved for 3 working days" in sent
    gap = out.split("▶ maria: /social reply do you sponsor")[1].split("▶")[0]
    assert "haven't guessed" in gap
    assert "do you sponsor ultramarathon runners?" in out.split("▶ maria: /social faq gaps")[1]
    # No entry clearly right: the close ones are offered, and Use this drafts from the one picked.
    offered = step(out, "maria: @socialops can you draft a reply? (in the thread of “if i buy")
    assert "No FAQ entry is clearly right" in offered
    assert "FAQ `shipping-times`" in offered
    assert offered.count("[Use this]") >= 2
    used = step(out, "maria: clicks Use this beside the delivery-times entry")
    assert "a tracking link as soon as your order ships" in used
    assert "[Send for approval]" in used
    # Handoffs: the sales lead handed off from its suggestion, claimed and resolved by lee, each
    # move told to maria in the original thread; an unclaimed support handoff reminded and
    # escalated once each as the clock moves past its SLA.
    assert {"handoff", "handoffs"} <= set(help_of(out))
    # Each entry is a whole sentence: the help is the first line of a docstring, cut there.
    entries = [line for line in step(out, "maria: /social help").splitlines() if "• `" in line]
    assert all(line.endswith(".") for line in entries), entries
    opened = step(out, "maria: clicks Hand off")
    assert "Routing suggests *Sales*: the FAQ entry says sales" in opened
    assert "Team: (Sales (suggested: the FAQ entry says sales))" in opened
    handed = step(out, "maria: keeps sales")
    packet = handed.split("socialops (#sales-team):")[1].split("socialops (")[0]
    assert "Handoff #1 to Sales" in packet
    assert "40 custom jerseys" in packet
    assert "*Why Sales:* the FAQ entry says sales" in packet
    assert "[Claim]" in packet
    assert "a holding reply for the customer" in handed
    assert "template `holding-sales`" in handed
    claimed = step(out, "lee: clicks Claim")
    assert "socialops (#sales-team, message updated):" in claimed
    assert "*Claimed* by @lee" in claimed
    assert "socialops (#social-team, in thread):\n    @maria: @lee claimed handoff #1" in claimed
    resolved = step(out, "lee: adds a note and submits")
    assert "*Resolved* by @lee" in resolved
    assert "socialops (#social-team, in thread):\n    @maria: @lee resolved handoff #1" in resolved
    assert ">Quoted 40 jerseys at the club rate" in resolved
    assert "Handoff #2 to Support" in step(out, "maria: /social handoff support")
    reminded = step(out, "(clock): (45 minutes later)")
    assert "socialops (#support-team, in thread):" in reminded
    escalated = step(out, "(clock): (1 hour later)")
    assert "socialops (#escalations):" in escalated
    assert "Handoff #2 to support breached its time to claim" in escalated
    assert "nothing visible" in step(out, "(clock): (a minute later)")
    assert out.count("is still unclaimed") == 1
    assert out.count("breached its time to claim") == 1
    assert out.count("socialops (#escalations):") == 2  # the breach, and later the spike
    # The end of the day: the digest with the day's real numbers, and an approval from it.
    digest = step(out, "jonas: /social digest now")
    assert "socialops (only visible to you):\n    Daily digest · " in digest
    assert "2 submitted, 1 approved, 0 rejected, 0 expired" in digest
    assert "Waiting now: *1* (1 under 4h, 0 under 24h, 0 older)" in digest
    assert "*Handoffs*: 2 opened, 1 claimed, 1 resolved, :warning: 1 past their SLA" in digest
    assert "Open now: support 1." in digest
    assert "“do you sponsor ultramarathon runners?”" in digest
    assert "[Approve]" in digest
    assert "[Add to FAQ]" in digest
    assert "[Open queue]" in digest
    approved = step(out, "jonas: clicks Approve on the digest")
    assert "Draft #2 is approved; its card is updated." in approved
    assert "socialops (#social-approvals, message updated):" in approved
    # Crisis mode: the burst of upset posts is one alert, and its button starts the crisis.
    assert "nothing visible" in step(out, "(customers):")
    alert = step(out, "(clock): the spike check runs")
    assert "socialops (#escalations):" in alert
    assert "[Start crisis mode]" in alert
    started = step(out, "priya: clicks Start crisis mode")
    assert "socialops (#crisis-" in started  # the war room, made for it, shown by its name
    assert "Crisis #1 briefing" in started
    assert "*Paused posts (2):*" in started
    assert "Paused for a crisis" in started  # the paused posts' cards, redrawn at once
    assert "Crisis #1: crisis mode is on" in started
    holding = step(
        out, "maria: @socialops can you draft a reply? (in the thread of a customer asking"
    )
    assert "template `crisis-holding`" in holding
    assert "CRISIS MODE" in holding
    assert "Approvals: 1 of 2 (@jonas) · crisis mode: one must come from @priya" in step(
        out, "jonas: clicks Approve (crisis mode"
    )
    assert "Approvals: 2 of 2 (@jonas, @priya)" in step(out, "priya: clicks Approve as the")
    ended = step(out, "priya: /social crisis end")
    assert "Post-mortem: crisis #1" in ended
    assert "[Resume all 2 paused posts]" in ended
    assert "Slack would have refused" not in out
    assert "demo ok" in out
    assert not list(tmp_path.iterdir()), "the demo must leave no files behind"


def step(out: str, heading: str) -> str:
    """What the transcript shows for the step whose line starts with ``▶ heading``."""
    return out.split(f"▶ {heading}")[1].split("\n▶")[0]


def help_of(out: str) -> list[str]:
    """The subcommands `/social help` lists, as its lines name them (`name` first)."""
    shown = step(out, "maria: /social help")
    return [line.split("`")[1].split()[1] for line in shown.splitlines() if "• `/social" in line]

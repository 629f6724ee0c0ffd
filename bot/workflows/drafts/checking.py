"""The pre-flight checks as a draft needs them: the shared checks plus kind, size and time."""

from __future__ import annotations

from datetime import datetime

from bot.store.models import Draft
from bot.workflows.checks import CheckPolicy, CheckReport, Finding, run_checks
from bot.workflows.drafts.inputs import DraftInput, split_list

KINDS = ("post", "reply")
MAX_TEXT_CHARS = 63_206  # the longest any network takes (Facebook); more is never publishable


def check_draft(draft: DraftInput, *, policy: CheckPolicy, now: datetime) -> CheckReport:
    """The pre-flight checks plus what only a draft has: kind, size and a time in the future."""
    report = run_checks(draft.text, draft.networks, campaign=draft.campaign, policy=policy)
    extra: list[Finding] = []
    if draft.kind not in KINDS:
        extra.append(Finding("error", "unknown_kind", f"Unknown kind '{draft.kind}'."))
    if any("\x00" in (value or "") for value in (draft.text, draft.campaign)):
        # SQLite would keep it and PostgreSQL refuse the row: the same answer on both.
        extra.append(
            Finding("error", "nul_character", "The text holds a NUL character (\\0); remove it.")
        )
    if len(draft.text) > MAX_TEXT_CHARS:
        extra.append(
            Finding(
                "error",
                "too_long",
                f"{len(draft.text):,} characters is more than any network takes.",
            )
        )
    if draft.scheduled_at is not None:
        if draft.scheduled_at.tzinfo is None:
            extra.append(Finding("error", "naive_time", "The scheduled time needs a time zone."))
        elif draft.scheduled_at <= now:
            extra.append(Finding("error", "past_time", "The scheduled time is in the past."))
    if draft.kind == "reply" and not (draft.customer_handle or draft.link):
        extra.append(
            Finding("error", "reply_without_customer", "A reply needs the customer or a link.")
        )
    if not extra:
        return report
    findings = tuple(f for f in extra if f.severity == "error") + report.findings
    return CheckReport(findings=findings, texts=report.texts, risky_topics=report.risky_topics)


def warnings_for(draft: Draft, policy: CheckPolicy) -> tuple[Finding, ...]:
    """The checks' warnings for the draft's current text, as its card shows them."""
    report = run_checks(
        draft.text, split_list(draft.networks), campaign=draft.campaign, policy=policy
    )
    return report.warnings

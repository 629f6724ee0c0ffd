"""``socialops`` commands for the team's content: drafts from a CSV file, the audit trail, the
FAQ (sync and export) and reply suggestions from the command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from bot.slack.card_posting import CardPosting
    from bot.workflows.drafts.csv_import import StoredImport

from bot.runtime.cli_support import (
    EXIT_USAGE,
    EXIT_WAITING_ON_SLACK,
    fail,
    friendly_errors,
    settings_for,
)

EXPORT_FILE = "faq.yml"

drafts_cli = typer.Typer(help="Work with drafts from the command line.", no_args_is_help=True)
audit_cli = typer.Typer(help="The audit trail of every decision.", no_args_is_help=True)
faq_cli = typer.Typer(
    help="The FAQ: sync files into the store, export it back.", no_args_is_help=True
)


@drafts_cli.command("import")
@friendly_errors
def drafts_import(
    path: Annotated[
        Path,
        typer.Argument(help="CSV with text, networks, scheduled_at, campaign, author (and key)."),
    ],
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Import the valid rows even if some are not.")
    ] = False,
) -> None:
    """Create drafts from a CSV file and post their approval cards.

    Rows imported before are skipped. Exit 0 when every card is posted, 3 when drafts are stored
    but some cards wait for the clock to post them (Slack refused or did not answer).
    """
    from bot.services import Services
    from bot.slack.card_posting import post_cards
    from bot.slack.client import build_web_client
    from bot.store.db import prepare_database, session_scope
    from bot.workflows.drafts.csv_import import ImportFileError, parse_import, store_import

    settings = settings_for("import")
    try:
        content = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise fail(
            f"cannot read {path}: {getattr(error, 'strerror', None) or error}", EXIT_USAGE
        ) from None
    services = Services.build(settings)
    try:
        prepare_database(services.engine)
        checks = services.check_policy
        try:
            parsed = parse_import(content, zone=settings.zone, checks=checks, now=services.clock())
        except ImportFileError as error:
            raise fail(f"{path}: {error}", EXIT_USAGE) from None
        for problem in parsed.problems:
            typer.echo(f"{path}: {problem}", err=True)
        if parsed.problems and not skip_invalid:
            raise fail(
                f"nothing imported: {len(parsed.problems)} invalid row(s); fix them or use --skip-invalid",
                EXIT_USAGE,
            )
        # Committed before any card is posted: the drafts are the record that cards are owed.
        with session_scope(services.sessions) as session:
            stored = store_import(
                session=session, parsed=parsed, checks=checks, now=services.clock()
            )
        client = build_web_client(
            token=settings.secret("slack_bot_token"), base_url=settings.slack_api_url
        )
        # A row imported before whose card never got posted gets its chance again now.
        owed = stored.created + [d for d in stored.already_imported if d.card_ts is None]
        cards = post_cards(client, services, [d for d in owed if d.state == "pending"])
    finally:
        services.close()
    typer.echo(
        import_summary(
            stored, cards, invalid=len(parsed.problems), channel=settings.approvals_channel
        )
    )
    if cards.waiting:
        raise typer.Exit(EXIT_WAITING_ON_SLACK)


def import_summary(
    stored: StoredImport, cards: CardPosting, *, invalid: int, channel: str | None
) -> str:
    """The import's one line: drafts stored, rows skipped, cards posted and cards waiting."""
    skipped = ""
    if stored.already_imported:
        skipped += f", {len(stored.already_imported)} already imported (skipped)"
    if invalid:
        skipped += f", {invalid} invalid row(s) skipped"
    waiting = f"{cards.waiting} waiting for the clock to retry"
    if cards.problem:
        waiting += f" ({cards.problem})"
    return (
        f"imported {len(stored.created)} draft(s){skipped}; "
        f"{cards.posted} card(s) posted to {channel}, {waiting}"
    )


@audit_cli.command("export")
@friendly_errors
def audit_export(
    format: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
    since: Annotated[
        str | None, typer.Option(help="Only entries from this date (YYYY-MM-DD) on.")
    ] = None,
) -> None:
    """Write the audit trail to standard output."""
    from bot.store.db import (
        create_db_engine,
        make_session_factory,
        require_schema,
        session_scope,
    )
    from bot.workflows.audit import audit_since
    from bot.workflows.audit_export import render_audit
    from bot.workflows.drafts.parsing import InputError, parse_since

    if format not in ("csv", "json"):
        raise fail(f"--format must be csv or json, not '{format[:20]}'", EXIT_USAGE)
    settings = settings_for("check")
    try:
        start = parse_since(since, zone=settings.zone) if since else None
    except InputError as error:
        raise fail(f"--since: {error}", EXIT_USAGE) from None
    engine = create_db_engine(settings.database_url)
    try:
        require_schema(engine)
        with session_scope(make_session_factory(engine)) as session:
            entries = audit_since(session=session, since=start)
        sys.stdout.write(render_audit(entries, format))  # type: ignore[arg-type]
    finally:
        engine.dispose()


@faq_cli.command("sync")
@friendly_errors
def faq_sync() -> None:
    """Load SOCIALOPS_FAQ_DIR into the store; on any mistake nothing is applied."""
    from bot.knowledge.faq_files import FaqFileError, load_faq_dir
    from bot.services import Services
    from bot.store.db import prepare_database, session_scope
    from bot.workflows.faq import sync_faq

    settings = settings_for("check")
    try:
        entries = load_faq_dir(Path(settings.faq_dir))
    except FaqFileError as error:
        raise fail(f"nothing synced: {error}", EXIT_USAGE) from None
    services = Services.build(settings)
    try:
        prepare_database(services.engine)
        with session_scope(services.sessions) as session:
            result = sync_faq(session=session, entries=entries, now=services.clock())
    finally:
        services.close()
    typer.echo(
        f"faq: {len(entries)} entries from {settings.faq_dir} ({result.added} added, "
        f"{result.updated} updated, {result.removed} removed; {result.kept_from_slack} added in Slack kept)"
    )


@faq_cli.command("export")
@friendly_errors
def faq_export(
    folder: Annotated[
        Path, typer.Argument(help="Folder to write faq.yml into (created if missing).")
    ],
) -> None:
    """Write every FAQ entry in the store (including those added in Slack) as YAML."""
    from bot.knowledge.faq_files import dump_faq
    from bot.knowledge.faq_store import all_entries
    from bot.store.db import (
        create_db_engine,
        make_session_factory,
        require_schema,
        session_scope,
    )

    settings = settings_for("check")
    others = _other_faq_files(folder)
    if others:
        # A sync reads every *.yml in the folder: faq.yml beside the files it came from would
        # hold each id twice, and every later sync would refuse the folder.
        shown = ", ".join(others[:3]) + (", …" if len(others) > 3 else "")
        raise fail(
            f"{folder} already holds FAQ files ({shown}); faq.yml beside them would repeat "
            "every id: export to an empty folder",
            EXIT_USAGE,
        )
    engine = create_db_engine(settings.database_url)
    try:
        require_schema(engine)
        with session_scope(make_session_factory(engine)) as session:
            entries = all_entries(session)
    finally:
        engine.dispose()
    target = folder / EXPORT_FILE
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target.write_text(dump_faq(entries), encoding="utf-8")
    except OSError as error:
        raise fail(f"cannot write {target}: {error.strerror or error}", EXIT_USAGE) from None
    typer.echo(f"faq: {len(entries)} entries written to {target}")


def _other_faq_files(folder: Path) -> list[str]:
    """The YAML files a sync of ``folder`` would read besides the faq.yml an export replaces."""
    if not folder.is_dir():
        return []
    names = sorted(p.name for p in [*folder.glob("*.yml"), *folder.glob("*.yaml")])
    return [name for name in names if name != EXPORT_FILE]


def suggest(
    text: Annotated[
        str | None, typer.Argument(help="A customer message; without it, one per stdin line.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per message, for scripts.")
    ] = False,
) -> None:
    """Draft replies from SOCIALOPS_FAQ_DIR and SOCIALOPS_RESPONSES_DIR, as the bot would."""
    import json

    from bot.knowledge.faq_files import FaqFileError
    from bot.knowledge.library import knowledge_from_files
    from bot.knowledge.matchers import matcher_factory
    from bot.knowledge.offer_reasons import why_offered
    from bot.knowledge.templates import TemplateFileError
    from bot.services import build_drafter
    from bot.workflows.replies import compose
    from bot.workflows.reply_requests import CustomerMessage
    from bot.workflows.reply_templates import BrandVoice

    settings = settings_for("check")
    matcher = matcher_factory(settings.matcher)
    try:
        knowledge = knowledge_from_files(
            Path(settings.faq_dir), Path(settings.responses_dir), matcher=matcher
        )
    except (FaqFileError, TemplateFileError) as error:
        raise fail(str(error), EXIT_USAGE) from None
    drafter = build_drafter(settings)
    voice = BrandVoice(
        name=settings.brand_name,
        sign_off=settings.sign_off,
        emoji=settings.emoji,
        banned_phrases=tuple(settings.banned_words),
    )
    messages = [text] if text is not None else (line.rstrip("\n") for line in sys.stdin)
    handled = 0
    for raw in messages:
        if not raw.strip():
            if text is not None:
                raise fail("the message is empty", EXIT_USAGE)
            continue
        message = CustomerMessage.parse(raw, brand_handles=settings.own_handles)
        result = compose(
            knowledge, message, drafter=drafter, voice=voice, network=settings.default_network
        )
        handled += 1
        if as_json:
            record = {
                "text": raw,
                "matches": [{"id": m.entry_id, "score": m.score} for m in result.ranked],
                "draft": result.text,
                "abstained": result.abstained,
                # Who chose the entry (or that none answers): a configured model, or the matcher.
                "chosen_by": "model" if result.chosen_by_model else "matcher",
                # Close entries offered instead of an answer (empty when silent or answered).
                "candidates": [
                    {
                        "id": m.entry_id,
                        "question": knowledge.entries[m.entry_id].question,
                        "confidence": round(knowledge.matcher.confidence(m), 2),
                        "reason": why_offered(knowledge.entries[m.entry_id], message.text),
                    }
                    for m in result.candidates
                ],
                # A several-question message: each question and the entry answering it (or null).
                "parts": [
                    {"text": p.text, "id": p.match.entry_id if p.match else None}
                    for p in result.parts
                ],
            }
            typer.echo(json.dumps(record, ensure_ascii=False))
            continue
        typer.echo(f"> {message.text}")
        if result.abstained and result.note:
            typer.echo(f"  note: {result.note}")
        if result.candidates:
            typer.echo("  no entry is clearly right; candidates:")
            for m in result.candidates:
                entry = knowledge.entries[m.entry_id]
                typer.echo(
                    f"  - {m.entry_id}: {entry.question} ({why_offered(entry, message.text)})"
                )
            typer.echo("")
            continue
        if result.abstained:
            typer.echo("  abstained: no FAQ entry answers this confidently\n")
            continue
        cited = f"{result.faq_id}, template {result.template_id or '(none)'}"
        picked = ", picked by the model" if result.chosen_by_model else ""
        typer.echo(f"  from {cited}, confidence {round(result.confidence * 100)}%{picked}")
        if result.note:
            typer.echo(f"  note: {result.note}")
        typer.echo("  " + (result.text or "").replace("\n", "\n  ") + "\n")
    if handled == 0:
        raise fail("no messages: give TEXT or pipe one message per line", EXIT_USAGE)

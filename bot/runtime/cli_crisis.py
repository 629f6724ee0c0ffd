"""``socialops crisis export``: a crisis's post-mortem (with its timeline) as Markdown or JSON."""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from bot.runtime.cli_support import EXIT_USAGE, fail, friendly_errors, settings_for

crisis_cli = typer.Typer(help="Crisis mode's records: the post-mortem.", no_args_is_help=True)


@crisis_cli.command("export")
@friendly_errors
def crisis_export(
    crisis_id: Annotated[str, typer.Argument(help="The crisis's (or drill's) number.")],
    format: Annotated[str, typer.Option("--format", help="md or json.")] = "md",
    output: Annotated[
        Path | None, typer.Option("--output", help="Write to this file; default standard output.")
    ] = None,
) -> None:
    """Write a crisis's post-mortem: duration, volume and sentiment per hour, time to first
    response, what was published, what is still open, and the timeline."""
    from bot.store.db import create_db_engine, make_session_factory, require_schema, session_scope
    from bot.store.models import Crisis
    from bot.workflows.crisis.export import FORMATS, render_postmortem
    from bot.workflows.crisis.report import postmortem

    if format not in FORMATS:
        raise fail(f"--format must be md or json, not '{format[:20]}'", EXIT_USAGE)
    number = crisis_id.strip().lstrip("#")
    if not number.isdigit() or int(number) > 2**62:
        raise fail(f"'{crisis_id[:20]}' is not a crisis number such as 7", EXIT_USAGE)
    if output is not None and not output.parent.is_dir():
        raise fail(f"--output: the folder {output.parent} does not exist", EXIT_USAGE)
    settings = settings_for("check")
    engine = create_db_engine(settings.database_url)
    try:
        require_schema(engine)
        with session_scope(make_session_factory(engine)) as session:
            crisis = session.get(Crisis, int(number))
            if crisis is None:
                raise fail(
                    f"no crisis #{number}: `/social crisis status` names the running one",
                    EXIT_USAGE,
                )
            text = render_postmortem(postmortem(session, crisis, datetime.now(UTC)), format)
    finally:
        engine.dispose()
    if output is None:
        sys.stdout.write(text)
        return
    _write_whole(output, text)


def _write_whole(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path``, then rename: a failure leaves no half report."""
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except OSError as error:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise fail(f"--output: cannot write {path}: {error.strerror or error}") from None

"""What every ``socialops`` command shares: one line and an exit code for a known mistake, and
the settings a command needs."""

from __future__ import annotations

import functools
import re
import sys
import urllib.error
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.settings import Settings, SettingsError, load_settings, require
from bot.store.db import SchemaOutOfDate

P = ParamSpec("P")
R = TypeVar("R")

# SQLite's and PostgreSQL's words for a table that is not there.
_MISSING_TABLE = re.compile(r"no such table|relation \".*\" does not exist")

EXIT_USAGE = 2
EXIT_FAILURE = 1
# The work is stored and nothing is lost, but some of it waits on Slack (cards the clock will
# post once Slack answers): a script can tell this from success and from a refused command.
EXIT_WAITING_ON_SLACK = 3
MAX_PORT = 65535


def fail(message: str, code: int = EXIT_FAILURE) -> typer.Exit:
    typer.echo(f"socialops: {message}", err=True)
    return typer.Exit(code)


def friendly_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn the mistakes an operator can make into one line and an exit code."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except SettingsError as exc:
            raise fail(str(exc), EXIT_USAGE) from None
        except SchemaOutOfDate as exc:
            raise fail(str(exc), EXIT_USAGE) from None
        except urllib.error.URLError as exc:
            # slack_sdk's urllib transport: the start-up's auth.test never reached Slack.
            where = _slack_url(exc)
            raise fail(f"Slack did not answer{where}: {exc.reason}", EXIT_USAGE) from None
        except SQLAlchemyError as exc:
            origin = getattr(exc, "orig", None) or exc
            reason = str(origin).splitlines()[0]
            if _MISSING_TABLE.search(reason):
                # A command that reached the store before checking its schema: the cure is the same.
                raise fail(
                    "the database has no schema yet: run `socialops db upgrade` first", EXIT_USAGE
                ) from None
            raise fail(f"the database did not answer: {reason}") from None
        except Exception as exc:
            if _is_bolt_error(exc):
                raise fail(f"Slack rejected the start-up: {exc}", EXIT_USAGE) from None
            raise

    return wrapper


def _is_bolt_error(exc: Exception) -> bool:
    """Whether bolt refused to start. Read without importing bolt: importing slack_bolt loads the
    whole App (a tenth of a second or more), which commands that never start a bot can skip, and
    a BoltError can only come from code that has imported it already."""
    errors = sys.modules.get("slack_bolt.error")
    return errors is not None and isinstance(exc, errors.BoltError)


def _slack_url(_exc: urllib.error.URLError) -> str:
    try:
        return f" at {load_settings().slack_api_url}"
    except SettingsError:
        return ""


def settings_for(command: str) -> Settings:
    settings = load_settings()
    require(settings, command)  # type: ignore[arg-type]
    return settings


def describe_database(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)

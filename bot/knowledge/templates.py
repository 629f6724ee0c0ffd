"""Response templates (``responses/*.md.j2``): YAML front matter, then a Jinja2 body.

The team edits these files, so they run in Jinja2's sandbox with StrictUndefined: a template
cannot reach Python internals, and a misspelt variable is an error, not a silent blank. Values
from customers are data in the context, never template source, so ``{{ 7*7 }}`` in a customer's
message comes back verbatim. The ``slack`` filter escapes ``&``, ``<`` and ``>`` for mrkdwn.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from bot.core.mrkdwn import escape_mrkdwn
from bot.knowledge.sentiment import MOODS

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_KNOWN_KEYS = frozenset({"id", "serves", "tone", "networks", "crisis", "moods"})
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# What every template may use; `socialops check` renders each one with these sample values.
SAMPLE_CONTEXT: Mapping[str, Any] = {
    "customer_name": "Dana",
    "customer_handle": "@dana_outdoors",
    "answer": "You can track your order at https://example.com/track.",
    "faq_id": "order-tracking",
    "mood": "neutral",
    "brand": {"name": "Northwind Outfitters", "sign_off": "- Team Northwind", "emoji": True},
}


class TemplateFileError(ValueError):
    """A template that cannot be used; the message starts with ``file:line``."""


@dataclass(frozen=True)
class ResponseTemplate:
    id: str
    serves: tuple[str, ...]  # FAQ ids or intents
    tone: str
    networks: tuple[str, ...]
    crisis: bool
    body: str
    path: str
    body_line: int  # the file line where the body starts, for error messages
    # The customer moods (bot.knowledge.sentiment.MOODS) it is written for; empty: any mood.
    moods: tuple[str, ...] = ()


def new_environment() -> SandboxedEnvironment:
    environment = SandboxedEnvironment(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False
    )
    environment.filters["slack"] = escape_mrkdwn
    return environment


def load_templates(folder: Path) -> list[ResponseTemplate]:
    if not folder.is_dir():
        raise TemplateFileError(f"{folder}: not a folder (set SOCIALOPS_RESPONSES_DIR)")
    templates = [load_template(path) for path in sorted(folder.glob("*.md.j2"))]
    seen: dict[str, str] = {}
    for template in templates:
        if template.id in seen:
            raise TemplateFileError(
                f"{template.path}:1: id '{template.id}' is also used in {seen[template.id]}"
            )
        seen[template.id] = template.path
    return templates


def load_template(path: Path) -> ResponseTemplate:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TemplateFileError(f"{name}:1: cannot be read ({error})") from None
    match = _FRONT_MATTER.match(text)
    if match is None:
        raise TemplateFileError(f"{name}:1: must start with front matter between --- lines")
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError:
        raise TemplateFileError(f"{name}:2: the front matter is not valid YAML") from None
    if not isinstance(meta, dict):
        raise TemplateFileError(f"{name}:2: the front matter must be a mapping")
    unknown = sorted(str(k) for k in meta if k not in _KNOWN_KEYS)
    if unknown:
        raise TemplateFileError(f"{name}:2: unknown key(s) {', '.join(unknown)}")
    template_id = meta.get("id")
    if not isinstance(template_id, str) or not _SLUG.match(template_id):
        raise TemplateFileError(f"{name}:2: id must be a slug like order-tracking-friendly")
    body_line = match.group(0).count("\n") + 1
    template = ResponseTemplate(
        id=template_id,
        serves=_strings(meta.get("serves"), "serves", name),
        tone=str(meta.get("tone") or "friendly"),
        networks=_strings(meta.get("networks"), "networks", name),
        crisis=bool(meta.get("crisis", False)),
        body=text[match.end() :],
        path=name,
        body_line=body_line,
        moods=_moods(meta.get("moods"), name),
    )
    compile_template(template)
    return template


def compile_template(template: ResponseTemplate) -> None:
    try:
        new_environment().from_string(template.body)
    except TemplateSyntaxError as error:
        line = template.body_line + (error.lineno or 1) - 1
        raise TemplateFileError(f"{template.path}:{line}: {error.message}") from None


def render(template: ResponseTemplate, context: Mapping[str, Any]) -> str:
    """The template filled in; an undefined name or a sandbox refusal is a TemplateFileError."""
    try:
        return new_environment().from_string(template.body).render(**context).strip()
    except UndefinedError as error:
        line = template.body_line + _template_line(error) - 1
        raise TemplateFileError(f"{template.path}:{line}: {error.message}") from None
    except TemplateError as error:
        line = template.body_line + _template_line(error) - 1
        raise TemplateFileError(f"{template.path}:{line}: {error}") from None


def _template_line(error: BaseException) -> int:
    """The body line a render error happened on: Jinja2 rewrites tracebacks so the template's
    own frame carries it (filename ``<template>``)."""
    line = 1
    trace = error.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == "<template>":
            line = trace.tb_lineno
        trace = trace.tb_next
    return line


def check_templates(folder: Path) -> list[str]:
    """Problems found by loading and rendering every template with sample data (for `check`)."""
    try:
        templates = load_templates(folder)
    except TemplateFileError as error:
        return [str(error)]
    problems = []
    for template in templates:
        try:
            render(template, SAMPLE_CONTEXT)
        except TemplateFileError as error:
            problems.append(str(error))
    return problems


def _strings(value: object, key: str, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TemplateFileError(f"{name}:2: {key} must be a list of text")
    return tuple(value)


def _moods(value: object, name: str) -> tuple[str, ...]:
    moods = _strings(value, "moods", name)
    unknown = [m for m in moods if m not in MOODS]
    if unknown:
        raise TemplateFileError(f"{name}:2: moods must be among {', '.join(MOODS)}")
    return moods

"""Response templates (``responses/*.md.j2``): YAML front matter, then a Jinja2 body.

The team edits these files, so the front matter is read strictly and the body runs in a bounded
sandbox. Every front matter key has one reader in ``FRONT_MATTER`` that checks its type (a real
boolean, a list of text) and its values (known networks); a mistake is an error naming the file,
the line and the key, never a template silently misread or never used. ``check_serves`` holds
``serves`` against the FAQ (for ``socialops check``). The body runs in
:class:`~bot.knowledge.template_sandbox.BoundedSandbox` with StrictUndefined: no Python internals,
a misspelt variable is an error, and no template can grow past a small memory or time bound.
Values from customers are data in the context, never template source, so ``{{ 7*7 }}`` in a
customer's message comes back verbatim. The ``slack`` filter escapes ``&``, ``<`` and ``>``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError

from bot.core.mrkdwn import escape_mrkdwn
from bot.core.networks import FORMER_NAMES, NETWORK_IDS, NETWORKS
from bot.knowledge.faq_files import HANDOFF_TEAMS, FaqEntry
from bot.knowledge.sentiment import MOODS
from bot.knowledge.template_sandbox import BoundedSandbox

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A reply template is a few lines; anything near this is a mistake (or an attack on `check`).
MAX_TEMPLATE_BYTES = 16 * 1024
# What a template may serve besides FAQ ids, FAQ tags and handoff teams: situations the bot
# itself recognises. (The customer's mood is its own key, `moods`, not a situation.)
HOLDING = "holding"
SITUATIONS: Mapping[str, str] = {
    "*": "any entry",
    "crisis": "crisis mode",
    # A handoff's holding reply (bot/workflows/handoffs/holding.py); never an FAQ answer's.
    HOLDING: "a handoff's holding reply",
}
# What every template may use; `socialops check` renders each one with these sample values.
SAMPLE_CONTEXT: Mapping[str, Any] = {
    "customer_name": "Dana",
    "customer_handle": "@dana_outdoors",
    "answer": "You can track your order at https://example.com/track.",
    "faq_id": "order-tracking",
    "team": "support",
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
    # The file line of each front matter key, for error messages about its value.
    key_lines: Mapping[str, int] = dataclasses.field(default_factory=dict)

    def where(self, key: str) -> str:
        """``path:line`` of ``key`` in the front matter."""
        return f"{self.path}:{self.key_lines.get(key, 2)}"


def new_environment() -> BoundedSandbox:
    environment = BoundedSandbox()
    environment.add_filter("slack", escape_mrkdwn)
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
        if path.stat().st_size > MAX_TEMPLATE_BYTES:
            raise TemplateFileError(
                f"{name}:1: over {MAX_TEMPLATE_BYTES // 1024} KiB; a response template is a short reply"
            )
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TemplateFileError(f"{name}:1: cannot be read ({error})") from None
    match = _FRONT_MATTER.match(text)
    if match is None:
        raise TemplateFileError(f"{name}:1: must start with front matter between --- lines")
    meta = _front_matter(match.group(1), name)
    body_line = match.group(0).count("\n") + 1
    template = ResponseTemplate(
        id=meta["id"],
        serves=meta["serves"],
        tone=meta["tone"],
        networks=meta["networks"],
        crisis=meta["crisis"],
        body=text[match.end() :],
        path=name,
        body_line=body_line,
        moods=meta["moods"],
        key_lines=_key_lines(match.group(1)),
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
    """The template filled in; an undefined name, a sandbox refusal or a limit reached (size,
    steps, time) is a TemplateFileError naming the file and line."""
    environment = new_environment()
    try:
        compiled = environment.from_string(template.body)
        return environment.render_bounded(compiled, context).strip()
    except UndefinedError as error:
        line = template.body_line + _template_line(error) - 1
        raise TemplateFileError(f"{template.path}:{line}: {error.message}") from None
    except TemplateError as error:
        line = template.body_line + _template_line(error) - 1
        raise TemplateFileError(f"{template.path}:{line}: {error}") from None
    except (ArithmeticError, LookupError, TypeError, ValueError, RecursionError) as error:
        # Plain Python errors from the template's own expressions ('a' + 1, 1/0, deep macros).
        line = template.body_line + _template_line(error) - 1
        raise TemplateFileError(
            f"{template.path}:{line}: {type(error).__name__}: {error}"
        ) from None


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


def check_templates(folder: Path, entries: Sequence[FaqEntry] | None = None) -> list[str]:
    """Problems found by loading and rendering every template with sample data (for `check`),
    and, given the FAQ ``entries``, every ``serves`` value that names nothing in it."""
    try:
        templates = load_templates(folder)
    except TemplateFileError as error:
        return [str(error)]
    problems = check_serves(templates, entries) if entries is not None else []
    for template in templates:
        try:
            render(template, SAMPLE_CONTEXT)
        except TemplateFileError as error:
            problems.append(str(error))
    return problems


def check_serves(templates: Sequence[ResponseTemplate], entries: Sequence[FaqEntry]) -> list[str]:
    """One problem per template whose ``serves`` names no FAQ id, tag, handoff team or
    situation: such a template would never be chosen for it."""
    known = {
        *SITUATIONS,
        *HANDOFF_TEAMS,
        *(entry.id for entry in entries),
        *(tag for entry in entries for tag in entry.tags),
    }
    problems = []
    for template in templates:
        unknown = [value for value in template.serves if value not in known]
        if unknown:
            shown = ", ".join(f"'{value}'" for value in unknown[:5])
            problems.append(
                f"{template.where('serves')}: serves {shown}, which is no FAQ id, FAQ tag, "
                f"handoff team ({', '.join(HANDOFF_TEAMS)}) or {' / '.join(SITUATIONS)}"
            )
    return problems


# -- the front matter -----------------------------------------------------------------------------


class _BadValue(ValueError):
    """A front matter value that cannot be used; the message completes "KEY ..."."""


def _slug(value: object) -> str:
    if not isinstance(value, str) or not _SLUG.match(value):
        raise _BadValue("must be a slug like order-tracking-friendly")
    return value


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _BadValue("must be a word of text, like friendly")
    return value.strip()


def _text_list(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _BadValue("must be a list of text, like [a, b]")
    return tuple(v.strip() for v in value)


def _serves(value: object) -> tuple[str, ...]:
    serves = _text_list(value)
    if not serves:
        raise _BadValue('must name at least one FAQ id, tag or handoff team (or "*" for any)')
    return serves


def _networks(value: object) -> tuple[str, ...]:
    networks = _text_list(value)
    for network in networks:
        if network in NETWORKS:
            continue
        former = FORMER_NAMES.get(network.lower())
        hint = f"; {NETWORKS[former].display_name} is '{former}'" if former else ""
        raise _BadValue(f"names '{network}', not a network{hint} (use {', '.join(NETWORK_IDS)})")
    return networks


def _moods(value: object) -> tuple[str, ...]:
    moods = _text_list(value)
    unknown = [mood for mood in moods if mood not in MOODS]
    if unknown:
        raise _BadValue(f"names '{unknown[0]}', not a mood (use {', '.join(MOODS)})")
    return moods


def _boolean(value: object) -> bool:
    if not isinstance(value, bool):
        shown = f'"{value}"' if isinstance(value, str) else repr(value)
        raise _BadValue(f"must be true or false without quotes, not {shown}")
    return value


@dataclass(frozen=True)
class _Field:
    read: Callable[[object], Any]
    default: Any = None  # None: the key is required


# Every front matter key and how its value is read: the one place to add a key.
FRONT_MATTER: Mapping[str, _Field] = {
    "id": _Field(_slug),
    "serves": _Field(_serves),
    "tone": _Field(_text, default="friendly"),
    "networks": _Field(_networks, default=()),  # empty: every network
    "crisis": _Field(_boolean, default=False),
    "moods": _Field(_moods, default=()),  # empty: any mood
}


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing a key given twice (PyYAML keeps the last one silently)."""


def _no_duplicates(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[object] = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key '{key}' is given twice", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def _front_matter(text: str, name: str) -> dict[str, Any]:
    """The front matter read strictly: every key known, every value of the right type."""
    try:
        meta = yaml.load(text, Loader=_UniqueKeyLoader) or {}  # noqa: S506 (a safe loader)
    except yaml.MarkedYAMLError as error:
        line = 2 + (error.problem_mark.line if error.problem_mark else 0)
        raise TemplateFileError(f"{name}:{line}: front matter: {error.problem}") from None
    except yaml.YAMLError:
        raise TemplateFileError(f"{name}:2: the front matter is not valid YAML") from None
    if not isinstance(meta, dict):
        raise TemplateFileError(f"{name}:2: the front matter must be a mapping of keys")
    lines = _key_lines(text)
    unknown = sorted(str(k) for k in meta if k not in FRONT_MATTER)
    if unknown:
        line = lines.get(unknown[0], 2)
        raise TemplateFileError(
            f"{name}:{line}: unknown key(s) {', '.join(unknown)}; "
            f"the keys are {', '.join(FRONT_MATTER)}"
        )
    values: dict[str, Any] = {}
    for key, field in FRONT_MATTER.items():
        if key not in meta or meta[key] is None:
            if field.default is None:
                raise TemplateFileError(f"{name}:2: {key} is required")
            values[key] = field.default
            continue
        try:
            values[key] = field.read(meta[key])
        except _BadValue as error:
            raise TemplateFileError(f"{name}:{lines.get(key, 2)}: {key} {error}") from None
    return values


def _key_lines(front_matter: str) -> dict[str, int]:
    """The file line of each top-level key (the front matter starts on line 2)."""
    lines: dict[str, int] = {}
    for number, line in enumerate(front_matter.splitlines(), start=2):
        found = re.match(r"([A-Za-z_][\w-]*)\s*:", line)
        if found:
            lines.setdefault(found.group(1), number)
    return lines

"""FAQ files (``faq/*.yml``): one entry (a mapping) or a list of entries per file.

Reading is all or nothing: the first problem raises :class:`FaqFileError` naming the file and
the entry, so a sync never applies half a folder.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.strict_yaml import load_yaml

HANDOFF_TEAMS = ("support", "sales")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_KNOWN_KEYS = frozenset(
    {"id", "question", "answer", "variants", "tags", "handoff", "owner", "review_by"}
)
MAX_FILE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class FaqEntry:
    id: str
    question: str
    answer: str
    variants: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    handoff: str | None = None
    owner: str | None = None
    review_by: date | None = None
    source: str = field(default="", compare=False)  # "faq/orders.yml" or "slack"

    def as_yaml_mapping(self) -> dict[str, Any]:
        """The entry as it is written in a file (empty optional keys left out)."""
        mapping: dict[str, Any] = {"id": self.id, "question": self.question, "answer": self.answer}
        if self.variants:
            mapping["variants"] = list(self.variants)
        if self.tags:
            mapping["tags"] = list(self.tags)
        for key in ("handoff", "owner", "review_by"):
            value = getattr(self, key)
            if value is not None:
                mapping[key] = value
        return mapping


class FaqFileError(ValueError):
    """A file or an entry that cannot be read; the message names both."""


def load_faq_dir(folder: Path) -> list[FaqEntry]:
    """Every entry of every ``*.yml``/``*.yaml`` file in ``folder``, in file-name order."""
    if not folder.is_dir():
        raise FaqFileError(f"{folder}: not a folder (set SOCIALOPS_FAQ_DIR)")
    files = sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")])
    entries: list[FaqEntry] = []
    seen: dict[str, str] = {}
    for path in files:
        for entry in load_faq_file(path, display=str(path)):
            if entry.id in seen:
                raise FaqFileError(
                    f"{entry.source}: entry '{entry.id}': the id is also used in {seen[entry.id]}"
                )
            seen[entry.id] = entry.source
            entries.append(entry)
    return entries


def load_faq_file(path: Path, *, display: str | None = None) -> list[FaqEntry]:
    name = display or path.name
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise FaqFileError(f"{name}: larger than 1 MiB; split it")
        document = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise FaqFileError(f"{name}: cannot be read ({error})") from None
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" line {where.line + 1}" if where is not None else ""
        problem = getattr(error, "problem", None) or ""
        reason = f": {problem}" if "twice" in problem else ""
        raise FaqFileError(f"{name}:{line} is not valid YAML{reason}") from None
    if document is None:
        return []
    items = document if isinstance(document, list) else [document]
    return [_entry(item, name, index) for index, item in enumerate(items, start=1)]


def _entry(item: object, name: str, index: int) -> FaqEntry:
    label = f"{name}: entry {index}"
    if not isinstance(item, dict):
        raise FaqFileError(f"{label}: must be a mapping with id, question and answer")
    entry_id = item.get("id")
    if isinstance(entry_id, str):
        label = f"{name}: entry '{entry_id}'"
    unknown = sorted(str(key) for key in item if key not in _KNOWN_KEYS)
    if unknown:
        raise FaqFileError(f"{label}: unknown key(s) {', '.join(unknown)}")
    if not isinstance(entry_id, str) or not SLUG.match(entry_id):
        raise FaqFileError(f"{label}: id must be a slug like order-tracking")
    question, answer = _text(item, "question", label), _text(item, "answer", label)
    handoff = item.get("handoff")
    if handoff is not None and handoff not in HANDOFF_TEAMS:
        raise FaqFileError(f"{label}: handoff must be support or sales")
    review_by = item.get("review_by")
    if review_by is not None and not isinstance(review_by, date):
        raise FaqFileError(f"{label}: review_by must be a date like 2027-03-31")
    owner = item.get("owner")
    if owner is not None and not isinstance(owner, str):
        raise FaqFileError(f"{label}: owner must be text")
    return FaqEntry(
        id=entry_id,
        question=question,
        answer=answer,
        variants=_strings(item.get("variants"), "variants", label),
        tags=tuple(t.lower() for t in _strings(item.get("tags"), "tags", label)),
        handoff=handoff,
        owner=owner,
        review_by=review_by,
        source=name,
    )


def _text(item: dict[str, Any], key: str, label: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise FaqFileError(f"{label}: {key} is required and must be text")
    return value.strip()


def _strings(value: object, key: str, label: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise FaqFileError(f"{label}: {key} must be a list of text")
    return tuple(v.strip() for v in value)


def dump_faq(entries: Iterable[FaqEntry]) -> str:
    """Entries as one YAML document (a list), readable by :func:`load_faq_file`."""
    return yaml.safe_dump(
        [entry.as_yaml_mapping() for entry in entries],
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )

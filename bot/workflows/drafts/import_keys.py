"""A stable key per imported CSV row, so the same row is imported once however often the file is.

A row with a ``key`` (or ``id``) cell is known by it: the team may fix a typo in the text and
import again without getting a second draft. Without one, the key is a hash of the row's content,
normalised so that re-exporting the same sheet (other line endings, spacing, network order or
spelling of the time) gives the same key. Keys are hashed, so any cell fits the 64-character column.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC

from bot.workflows.drafts.inputs import DraftInput

KEY_COLUMNS = ("key", "id")  # an explicit key column, when the file has one
_SPACES = re.compile(r"\s+")


def explicit_key(row: dict[str | None, str | None]) -> str | None:
    """The row's own key cell (``key``, else ``id``), stripped; None when absent or empty."""
    for column in KEY_COLUMNS:
        value = (row.get(column) or "").strip()
        if value:
            return value
    return None


def import_key(draft: DraftInput, explicit: str | None) -> str:
    """The key stored on the draft (sha256 hex): of the explicit key, else of the content."""
    if explicit is not None:
        material = json.dumps(["key", explicit], ensure_ascii=False)
    else:
        scheduled = draft.scheduled_at.astimezone(UTC).isoformat() if draft.scheduled_at else None
        material = json.dumps(
            [
                "row",
                _SPACES.sub(" ", draft.text).strip(),
                sorted(draft.networks),
                scheduled,
                (draft.campaign or "").strip(),
                draft.author_id,
            ],
            ensure_ascii=False,
        )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()

"""Locate Slack's official reference data (``shared/slack-reference``).

The folder sits beside the project checkout (``../shared/slack-reference``). It is not part of the
package, so every user of it must cope with its absence: checks that need it are skipped, and say so.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

REFERENCE_ENV = "SOCIALOPS_SLACK_REFERENCE"


@lru_cache(maxsize=1)
def reference_dir() -> Path | None:
    """The slack-reference folder, or None when it cannot be found.

    Order: ``$SOCIALOPS_SLACK_REFERENCE``; ``../shared/slack-reference`` beside the project root;
    the same beside the current directory.
    """
    explicit = os.environ.get(REFERENCE_ENV)
    if explicit:
        path = Path(explicit)
        return path if path.is_dir() else None
    project_root = Path(__file__).resolve().parents[2]
    for base in (project_root, Path.cwd()):
        candidate = base.parent / "shared" / "slack-reference"
        if candidate.is_dir():
            return candidate
    return None


def web_api_spec_path() -> Path | None:
    """Slack's OpenAPI v2 spec of the Web API, or None when the reference folder is absent."""
    base = reference_dir()
    if base is None:
        return None
    path = base / "web-api" / "slack_web_openapi_v2.json"
    return path if path.is_file() else None


def load_payload_shape(name: str) -> dict[str, Any] | None:
    """An official payload shape such as ``SlashCommandPayload``, or None when absent."""
    base = reference_dir()
    if base is None:
        return None
    path = base / "payload-shapes" / f"{name}.json"
    if not path.is_file():
        return None
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded

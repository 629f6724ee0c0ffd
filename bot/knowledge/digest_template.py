"""The digest's wording: ``responses/digest/digest.md.j2``, a Jinja2 template the team edits.

It lives in a subfolder so the reply templates' loader (``templates.load_templates``, which reads
only ``responses/*.md.j2``) never offers it as a reply. A team's own ``digest/digest.md.j2`` in its
``SOCIALOPS_RESPONSES_DIR`` is used when present; otherwise the sample shipped in the package, so a
team that never wrote one still gets a digest. It runs in the same bounded sandbox as the reply
templates, with StrictUndefined: a misspelt variable is an error naming the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.knowledge.templates import (
    MAX_TEMPLATE_BYTES,
    ResponseTemplate,
    TemplateFileError,
    compile_template,
    render,
)

DIGEST_TEMPLATE = Path("digest") / "digest.md.j2"
_BLANK_RUNS = re.compile(r"\n{3,}")


def digest_template_path(responses_dir: Path, sample_dir: Path) -> Path:
    """The team's digest template when its folder has one, else the shipped sample's."""
    own = responses_dir / DIGEST_TEMPLATE
    return own if own.is_file() else sample_dir / DIGEST_TEMPLATE


def load_digest_template(path: Path) -> ResponseTemplate:
    """The template read and compiled; a TemplateFileError (``file:line: what``) otherwise."""
    name = str(path)
    try:
        if path.stat().st_size > MAX_TEMPLATE_BYTES:
            raise TemplateFileError(f"{name}:1: over {MAX_TEMPLATE_BYTES // 1024} KiB")
        body = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TemplateFileError(f"{name}:1: cannot be read ({error})") from None
    # A reply template's fields that mean nothing here; the body is what renders.
    template = ResponseTemplate(
        id="digest",
        serves=("digest",),
        tone="",
        networks=(),
        crisis=False,
        body=body,
        path=name,
        body_line=1,
    )
    compile_template(template)
    return template


def render_digest_text(template: ResponseTemplate, context: Mapping[str, Any]) -> str:
    """The rendered digest, tidied: no trailing spaces, at most one blank line between
    paragraphs (each paragraph becomes one section of the message)."""
    text = render(template, context)
    lines = [line.rstrip() for line in text.splitlines()]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()

"""Response templates: sandboxed, strict, escaped, and every mistake reported as file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content import SAMPLE_RESPONSES_DIR
from bot.knowledge.templates import (
    SAMPLE_CONTEXT,
    TemplateFileError,
    check_templates,
    load_template,
    load_templates,
    render,
)

GOOD = """---
id: order-tracking-friendly
serves: [order-tracking]
tone: friendly
networks: [x, instagram]
crisis: false
---
Hi {{ customer_name }}! {{ answer | slack }}
{{ brand.sign_off }}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_template_renders_with_its_front_matter(tmp_path: Path) -> None:
    template = load_template(write(tmp_path, "a.md.j2", GOOD))
    assert template.serves == ("order-tracking",)
    assert template.networks == ("x", "instagram")
    assert render(template, SAMPLE_CONTEXT).startswith("Hi Dana! You can track")


def test_customer_text_is_data_never_template_source(tmp_path: Path) -> None:
    template = load_template(write(tmp_path, "a.md.j2", GOOD))
    context = dict(SAMPLE_CONTEXT) | {"customer_name": "{{ 7*7 }}", "answer": "<!channel> & co"}
    text = render(template, context)
    assert "{{ 7*7 }}" in text
    assert "49" not in text
    assert "&lt;!channel&gt; &amp; co" in text


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("no front matter\n", ":1:", "front matter"),
        ("---\nid: x\ncolour: red\n---\nbody\n", ":2:", "unknown key"),
        ("---\nid: Not A Slug\n---\nbody\n", ":2:", "id must be a slug"),
        ("---\nid: x\n---\nline one\n{% if %}\n", ":5:", "Expected an expression"),
    ],
)
def test_mistakes_are_reported_with_file_and_line(
    tmp_path: Path, text: str, where: str, message: str
) -> None:
    with pytest.raises(TemplateFileError) as raised:
        load_template(write(tmp_path, "bad.md.j2", text))
    assert where in str(raised.value)
    assert message in str(raised.value)


def test_undefined_names_and_the_sandbox(tmp_path: Path) -> None:
    write(tmp_path, "a.md.j2", "---\nid: a\n---\nHi {{ custmer_name }}\n")
    write(tmp_path, "b.md.j2", "---\nid: b\n---\n{{ ''.__class__.__mro__ }}\n")
    problems = check_templates(tmp_path)
    assert len(problems) == 2
    assert "custmer_name" in problems[0]
    assert "b.md.j2" in problems[1]


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "a.md.j2", GOOD)
    write(tmp_path, "b.md.j2", GOOD)
    with pytest.raises(TemplateFileError, match="also used in"):
        load_templates(tmp_path)


def test_the_shipped_templates_render() -> None:
    shipped = SAMPLE_RESPONSES_DIR
    if not any(shipped.glob("*.md.j2")):
        pytest.skip("no sample templates yet")
    assert check_templates(shipped) == []

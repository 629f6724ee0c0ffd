"""Response templates: sandboxed, strict, escaped, and every mistake reported as file:line."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from bot.content import SAMPLE_FAQ_DIR, SAMPLE_RESPONSES_DIR
from bot.knowledge.faq_files import FaqEntry, load_faq_dir
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
        ("---\nid: x\ncolour: red\n---\nbody\n", ":3:", "unknown key"),
        ("---\nid: Not A Slug\n---\nbody\n", ":2:", "id must be a slug"),
        ("---\nid: x\nserves: [a]\n---\nline one\n{% if %}\n", ":6:", "Expected an expression"),
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
    write(tmp_path, "a.md.j2", '---\nid: a\nserves: ["*"]\n---\nHi {{ custmer_name }}\n')
    write(tmp_path, "b.md.j2", '---\nid: b\nserves: ["*"]\n---\n{{ "".__class__.__mro__ }}\n')
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


# -- the front matter, read strictly ------------------------------------------------------------


def front(**lines: str) -> str:
    """A template whose front matter is GOOD's with ``lines`` replaced (key: raw YAML value)."""
    fields = {"id": "a", "serves": "[order-tracking]", "networks": "[x]", "crisis": "false"}
    fields.update(lines)
    meta = "".join(f"{key}: {value}\n" for key, value in fields.items())
    return f"---\n{meta}---\nHi {{{{ customer_name }}}}\n"


@pytest.mark.parametrize(
    ("lines", "where", "message"),
    [
        ({"crisis": '"false"'}, ":5:", 'crisis must be true or false without quotes, not "false"'),
        ({"crisis": "1"}, ":5:", "crisis must be true or false"),
        ({"networks": "[twitter]"}, ":4:", "names 'twitter', not a network; X is 'x'"),
        ({"networks": "[x, myspace]"}, ":4:", "names 'myspace', not a network (use x, linkedin"),
        ({"networks": "x"}, ":4:", "networks must be a list of text"),
        ({"networks": "[x, 3]"}, ":4:", "networks must be a list of text"),
        ({"serves": "order-tracking"}, ":3:", "serves must be a list of text"),
        ({"serves": "[]"}, ":3:", "serves must name at least one"),
        ({"tone": "[a, b]"}, ":6:", "tone must be a word of text"),
        ({"id": "a\nid: b"}, ":3:", "the key 'id' is given twice"),
    ],
)
def test_front_matter_is_read_strictly_and_mistakes_name_file_line_and_key(
    tmp_path: Path, lines: dict[str, str], where: str, message: str
) -> None:
    path = write(tmp_path, "bad.md.j2", front(**lines))
    with pytest.raises(TemplateFileError) as raised:
        load_template(path)
    assert str(raised.value).startswith(f"{path}{where} "), raised.value
    assert message in str(raised.value)
    # check reports the same line instead of "ok".
    assert check_templates(tmp_path) == [str(raised.value)]


def test_a_real_boolean_and_real_networks_are_read_as_written(tmp_path: Path) -> None:
    template = load_template(write(tmp_path, "a.md.j2", front(crisis="true", networks="[x]")))
    assert template.crisis is True
    assert template.networks == ("x",)
    plain = load_template(write(tmp_path, "b.md.j2", front(id="b", networks="[]", crisis="false")))
    assert (plain.crisis, plain.networks, plain.tone) == (False, (), "friendly")


def test_serves_must_name_something_the_faq_knows(tmp_path: Path) -> None:
    entries = [
        FaqEntry(id="order-tracking", question="Where is my order?", answer="…", tags=("orders",)),
        FaqEntry(id="refunds", question="Refund?", answer="…", handoff="support"),
    ]
    write(tmp_path, "a.md.j2", front(serves="[order-tracking, orders, support, '*']"))
    write(tmp_path, "b.md.j2", front(id="b", serves="[order-trackin, shipping]"))
    problems = check_templates(tmp_path, entries)
    assert problems == [
        f"{tmp_path / 'b.md.j2'}:3: serves 'order-trackin', 'shipping', which is no FAQ id, "
        "FAQ tag, handoff team (support, sales) or * / crisis / holding"
    ]


def test_the_shipped_templates_serve_what_the_shipped_faq_knows() -> None:
    entries = load_faq_dir(SAMPLE_FAQ_DIR)
    assert check_templates(SAMPLE_RESPONSES_DIR, entries) == []


# -- rendering is bounded in memory, time and output ----------------------------------------------

BOMBS = {
    "repeat": "{{ 'x' * 2000000000 }}",
    "repeat in steps": "{{ 'x' * 1000 * 1000 * 1000 }}",
    "nested range": "{% for a in range(1000) %}{% for b in range(1000) %}"
    "{% for c in range(1000) %}{% endfor %}{% endfor %}{% endfor %}",
    "big range": "{{ range(2000000000) | list | length }}",
    "doubling": "{% set ns = namespace(s='x') %}{% for i in range(64) %}"
    "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}",
    "list doubling": "{% set ns = namespace(l=['x']) %}{% for i in range(64) %}"
    "{% set ns.l = [ns.l, ns.l] %}{% endfor %}{{ ns.l }}",
    "list repeat": "{{ ['x' * 10000] * 100000 }}",
    "power": "{{ 10 ** 10000000 }}",
    "squaring": "{% set ns = namespace(n=3) %}{% for i in range(64) %}"
    "{% set ns.n = ns.n * ns.n %}{% endfor %}{{ ns.n }}",
    "padding method": "{{ 'x'.center(2000000000) }}",
    "padding filter": "{{ 'x' | center(2000000000) }}",
    "format width": "{{ '{:>2000000000}'.format(1) }}",
    "percent width": "{{ '%2000000000d' % 1 }}",
    "replace": "{% set s = 'x' * 20000 %}{{ s | replace('x', s) }}",
    "join": "{% set s = 'x' * 20000 %}{{ s | join(s) }}",
    "captured": "{% set s = 'x' * 20000 %}{% set big %}{% for i in range(1000) %}{{ s }}"
    "{% endfor %}{% endset %}{{ big | length }}",
    "output": "{% for i in range(1000) %}{{ 'x' * 1000 }}{% endfor %}",
    "recursion": "{% macro f(n) %}{{ f(n) }}{{ f(n) }}{% endmacro %}{{ f(1) }}",
    "lipsum": "{{ lipsum(1000000) }}",
}


@pytest.mark.parametrize("body", BOMBS.values(), ids=list(BOMBS))
def test_a_template_cannot_exhaust_memory_or_time(tmp_path: Path, body: str) -> None:
    path = write(tmp_path, "bomb.md.j2", f'---\nid: bomb\nserves: ["*"]\n---\n{body}\n')
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(TemplateFileError) as raised:
            render(load_template(path), SAMPLE_CONTEXT)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 3
    assert peak < 16 * 1024 * 1024, f"{peak:,} bytes"
    assert str(raised.value).startswith(f"{path}:5: ")


def test_check_reports_a_bomb_in_one_line_quickly(tmp_path: Path) -> None:
    write(tmp_path, "bomb.md.j2", '---\nid: bomb\nserves: ["*"]\n---\n{{ "x" * 2000000000 }}\n')
    [problem] = check_templates(tmp_path)
    assert problem.startswith(f"{tmp_path / 'bomb.md.j2'}:5: ")
    assert "20,000" in problem


def test_ordinary_templates_still_render(tmp_path: Path) -> None:
    body = (
        "{% set ns = namespace(n=0) %}{% for w in answer.split() %}{% set ns.n = ns.n + 1 %}"
        "{% endfor %}{{ customer_name | upper }} {{ ns.n }} {{ [1, 2] | join(', ') }} "
        "{{ (answer ~ '!') | truncate(20) }} {{ 'ab' * 2 }} {{ range(3) | list }}"
        "{% for a, b in [(1, 2)] %} {{ a + b }}{% endfor %} {{ customer_name | replace('a', 'o') }}"
        " {{ 5000 | abs }} {{ (2 ** 10) | string | length }}"
    )
    path = write(tmp_path, "ok.md.j2", f'---\nid: ok\nserves: ["*"]\n---\n{body}\n')
    assert render(load_template(path), SAMPLE_CONTEXT) == (
        "DANA 7 1, 2 You can track... abab [0, 1, 2] 3 Dono 5000 4"
    )


def test_customer_text_that_looks_like_a_bomb_is_only_data(tmp_path: Path) -> None:
    template = load_template(write(tmp_path, "a.md.j2", GOOD))
    hostile = "{{ 'x' * 2000000000 }}{% for a in range(99) %}"
    context = dict(SAMPLE_CONTEXT) | {"customer_name": hostile, "customer_handle": hostile}
    assert hostile in render(template, context)

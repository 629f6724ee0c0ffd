"""`socialops check` on response templates a careless admin wrote: one clear line, quickly."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from tests.runtime.test_cli import socialops

FAQ = "id: order-tracking\nquestion: Where is my order?\nanswer: Track it online.\ntags: [orders]\n"


def assert_responses_problem(checked: subprocess.CompletedProcess[str], *needles: str) -> None:
    """check reports the templates' problem in one line, then its summary of the parts."""
    assert checked.returncode == 2, checked.stderr
    assert "Traceback" not in checked.stderr
    problem, summary = checked.stderr.strip().splitlines()
    assert problem.startswith("socialops: responses: ")
    for needle in needles:
        assert needle in problem
    assert summary == "socialops: 1 part(s) need attention: responses"


def folder_with(tmp_path: Path, front_matter: str, body: str = "Hi {{ customer_name }}") -> Path:
    (tmp_path / "faq").mkdir()
    (tmp_path / "faq" / "orders.yml").write_text(FAQ, encoding="utf-8")
    (tmp_path / "responses").mkdir()
    path = tmp_path / "responses" / "a.md.j2"
    path.write_text(f"---\n{front_matter}---\n{body}\n", encoding="utf-8")
    assert socialops(tmp_path, "db", "upgrade").returncode == 0
    return path


@pytest.mark.parametrize(
    ("front_matter", "needles"),
    [
        (
            'id: a\nserves: [orders]\ncrisis: "false"\n',
            ["a.md.j2:4:", "crisis must be true or false without quotes"],
        ),
        ("id: a\nserves: [orders]\nnetworks: [twitter]\n", ["a.md.j2:4:", "'twitter'", "'x'"]),
        ("id: a\nserves: [order-trackin]\n", ["a.md.j2:3:", "serves 'order-trackin'"]),
    ],
)
def test_check_refuses_a_misread_front_matter(
    tmp_path: Path, front_matter: str, needles: list[str]
) -> None:
    folder_with(tmp_path, front_matter)
    checked = socialops(tmp_path, "check", SOCIALOPS_MATCHER="offline")
    assert "responses: ok" not in checked.stdout
    assert_responses_problem(checked, *needles)


@pytest.mark.parametrize(
    "body",
    [
        "{{ 'x' * 2000000000 }}",
        "{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}"
        "{% endfor %}{% endfor %}{% endfor %}",
    ],
)
def test_check_refuses_a_template_that_would_exhaust_the_machine(tmp_path: Path, body: str) -> None:
    folder_with(tmp_path, 'id: a\nserves: ["*"]\n', body)
    started = time.monotonic()
    checked = socialops(tmp_path, "check", SOCIALOPS_MATCHER="offline")
    assert time.monotonic() - started < 30
    assert_responses_problem(checked, "a.md.j2:5:", "the template")

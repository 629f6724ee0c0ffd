"""`socialops check` renders the digest template: the team's own, else the shipped sample."""

from __future__ import annotations

from pathlib import Path

from tests.runtime.test_cli import socialops


def team_folder(tmp_path: Path, digest: str | None) -> Path:
    responses = tmp_path / "responses"
    responses.mkdir()
    if digest is not None:
        (responses / "digest").mkdir()
        (responses / "digest" / "digest.md.j2").write_text(digest, encoding="utf-8")
    return responses


def test_without_a_team_digest_template_the_sample_is_checked(tmp_path: Path) -> None:
    team_folder(tmp_path, None)
    result = socialops(tmp_path, "check")
    assert result.returncode == 0, result.stderr
    [line] = [x for x in result.stdout.splitlines() if x.startswith("digest template:")]
    assert line.startswith("digest template: ok (")
    assert line.endswith("bot/content/responses/digest/digest.md.j2)")


def test_a_teams_good_digest_template_is_reported_ok(tmp_path: Path) -> None:
    team_folder(tmp_path, "{{ title }}: {{ approvals.approved }} approved\n")
    result = socialops(tmp_path, "check")
    assert result.returncode == 0, result.stderr
    assert "digest template: ok (responses/digest/digest.md.j2)" in result.stdout


def test_a_broken_team_digest_template_is_one_clear_line(tmp_path: Path) -> None:
    team_folder(tmp_path, "{{ title }}\n{% if not quiet %}{{ approvals.aproved }}{% endif %}\n")
    result = socialops(tmp_path, "check")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("socialops: digest template: responses/digest/digest.md.j2:2: ")
    assert "aproved" in lines[0]
    assert lines[-1] == "socialops: 1 part(s) need attention: digest template"
    # The reply templates' check is not confused by the digest's folder.
    assert "responses: ok (" in result.stdout


def test_a_digest_template_with_a_syntax_error_is_reported(tmp_path: Path) -> None:
    team_folder(tmp_path, "{% for x in %}\n")
    result = socialops(tmp_path, "check")
    assert result.returncode == 2
    assert "socialops: digest template: responses/digest/digest.md.j2:1: " in result.stderr

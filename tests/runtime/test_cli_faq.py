"""`socialops faq sync|export`: all or nothing, one line on a mistake."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.runtime.test_cli import socialops as run_socialops

ENTRY = "- id: {id}\n  question: Q {id}?\n  answer: A {id}.\n"


def socialops(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_socialops(tmp_path, *args, SOCIALOPS_FAQ_DIR=str(tmp_path / "faq"))


def test_sync_then_export_round_trips(tmp_path: Path) -> None:
    faq = tmp_path / "faq"
    faq.mkdir()
    (faq / "a.yml").write_text(ENTRY.format(id="one") + ENTRY.format(id="two"), encoding="utf-8")
    synced = socialops(tmp_path, "faq", "sync")
    assert synced.returncode == 0, synced.stderr
    assert "2 entries" in synced.stdout
    assert "2 added" in synced.stdout
    exported = socialops(tmp_path, "faq", "export", "out")
    assert exported.returncode == 0, exported.stderr
    assert "id: one" in (tmp_path / "out" / "faq.yml").read_text(encoding="utf-8")


def test_a_broken_file_syncs_nothing(tmp_path: Path) -> None:
    faq = tmp_path / "faq"
    faq.mkdir()
    (faq / "a.yml").write_text(ENTRY.format(id="one"), encoding="utf-8")
    assert socialops(tmp_path, "faq", "sync").returncode == 0
    (faq / "a.yml").write_text(ENTRY.format(id="one") + ENTRY.format(id="new"), encoding="utf-8")
    (faq / "b.yml").write_text(ENTRY.format(id="one"), encoding="utf-8")  # duplicate id
    failed = socialops(tmp_path, "faq", "sync")
    assert failed.returncode == 2
    assert len(failed.stderr.strip().splitlines()) == 1
    assert "entry 'one'" in failed.stderr
    assert "b.yml" in failed.stderr
    socialops(tmp_path, "faq", "export", "out")
    assert "new" not in (tmp_path / "out" / "faq.yml").read_text(encoding="utf-8")


def test_export_into_the_faq_folder_is_refused_and_leaves_it_syncable(tmp_path: Path) -> None:
    faq = tmp_path / "faq"
    faq.mkdir()
    (faq / "a.yml").write_text(ENTRY.format(id="one") + ENTRY.format(id="two"), encoding="utf-8")
    assert socialops(tmp_path, "faq", "sync").returncode == 0
    # faq.yml beside a.yml would hold every id twice, and every later sync would refuse.
    refused = socialops(tmp_path, "faq", "export", "faq")
    assert refused.returncode == 2
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1, refused.stderr
    assert "already holds FAQ files (a.yml)" in lines[0]
    assert sorted(p.name for p in faq.iterdir()) == ["a.yml"]
    assert socialops(tmp_path, "faq", "sync").returncode == 0
    # A folder holding only an earlier export is replaced: a sync reads it once.
    assert socialops(tmp_path, "faq", "export", "out").returncode == 0
    again = socialops(tmp_path, "faq", "export", "out")
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["faq.yml"]

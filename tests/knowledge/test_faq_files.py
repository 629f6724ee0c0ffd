"""Reading faq/*.yml: every mistake names the file and the entry; nothing half-read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.content import SAMPLE_FAQ_DIR
from bot.knowledge.faq_files import FaqEntry, FaqFileError, dump_faq, load_faq_dir, load_faq_file

GOOD = """
- id: order-tracking
  question: Where is my order?
  answer: Track it at https://example.com/track.
  variants: [where's my parcel, tracking number]
  tags: [Orders]
  owner: logistics
  review_by: 2027-03-31
- id: returns
  question: How do I return something?
  answer: You have 30 days.
  handoff: support
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_list_and_a_single_mapping_are_both_read(tmp_path: Path) -> None:
    write(tmp_path, "a.yml", GOOD)
    write(tmp_path, "b.yaml", "id: gift-cards\nquestion: Gift cards?\nanswer: Yes.\n")
    entries = load_faq_dir(tmp_path)
    assert [e.id for e in entries] == ["order-tracking", "returns", "gift-cards"]
    first = entries[0]
    assert first.tags == ("orders",)
    assert first.review_by == date(2027, 3, 31)
    assert entries[1].handoff == "support"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- question: Q\n  answer: A\n", "entry 1: id must be a slug"),
        ("- id: Bad Id\n  question: Q\n  answer: A\n", "entry 'Bad Id': id must be a slug"),
        ("- id: x\n  answer: A\n", "entry 'x': question is required"),
        ("- id: x\n  question: Q\n  answer: ''\n", "entry 'x': answer is required"),
        (
            "- id: x\n  question: Q\n  answer: A\n  handoff: legal\n",
            "handoff must be support or sales",
        ),
        ("- id: x\n  question: Q\n  answer: A\n  review_by: soon\n", "review_by must be a date"),
        ("- id: x\n  question: Q\n  answer: A\n  variants: one\n", "variants must be a list"),
        ("- id: x\n  question: Q\n  answer: A\n  colour: red\n", "unknown key(s) colour"),
        ("- just a string\n", "entry 1: must be a mapping"),
        ("- id: x\n  question: [unclosed\n", "is not valid YAML"),
        # Two equal keys: PyYAML kept the last one without a word, like a doubled CSV column.
        (
            "- id: x\n  question: Q\n  answer: Old.\n  answer: New.\n",
            "line 4 is not valid YAML: the key 'answer' appears twice",
        ),
    ],
)
def test_mistakes_name_the_file_and_the_entry(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "broken.yml", text)
    with pytest.raises(FaqFileError) as raised:
        load_faq_file(path, display="faq/broken.yml")
    assert str(raised.value).startswith("faq/broken.yml")
    assert message in str(raised.value)


def test_a_duplicate_id_across_files_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "a.yml", GOOD)
    write(tmp_path, "b.yml", "- id: returns\n  question: Again?\n  answer: Again.\n")
    with pytest.raises(FaqFileError, match="entry 'returns': the id is also used in"):
        load_faq_dir(tmp_path)


def test_a_missing_folder_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FaqFileError, match="not a folder"):
        load_faq_dir(tmp_path / "nope")


def test_dump_and_load_round_trip(tmp_path: Path) -> None:
    write(tmp_path, "a.yml", GOOD)
    entries = load_faq_dir(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    write(out, "all.yml", dump_faq(entries))
    assert load_faq_dir(out) == entries


def test_hostile_text_is_kept_verbatim(tmp_path: Path) -> None:
    write(tmp_path, "a.yml", "- id: x\n  question: '{{ 7*7 }} <!channel>'\n  answer: '&lt; ok'\n")
    [entry] = load_faq_dir(tmp_path)
    assert entry == FaqEntry(id="x", question="{{ 7*7 }} <!channel>", answer="&lt; ok")


def test_the_shipped_faq_folder_is_valid() -> None:
    shipped = SAMPLE_FAQ_DIR
    if not any(shipped.glob("*.yml")):
        pytest.skip("no sample FAQ files yet")
    entries = load_faq_dir(shipped)
    assert len(entries) >= 25

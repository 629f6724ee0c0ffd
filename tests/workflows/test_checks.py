"""The pre-flight checks, as tables: each rule at its edges, plus properties on arbitrary text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.workflows.checks import CheckPolicy, add_utm, run_checks, weighted_length

POLICY = CheckPolicy(
    banned_words=("guaranteed", "free money", "ass"),
    brand_domains=("example.com",),
    risk_keywords=("pricing", "giveaway", "legal"),
)
LONG_URL = "https://example.org/" + "a" * 300


def codes(text: str, networks: tuple[str, ...] = ("x",), campaign: str | None = None) -> list[str]:
    return [f.code for f in run_checks(text, networks, campaign=campaign, policy=POLICY).findings]


@pytest.mark.parametrize(
    ("text", "networks", "expected"),
    [
        ("a" * 280, ("x",), []),
        ("a" * 281, ("x",), ["too_long"]),
        (f"Read this {LONG_URL}", ("x",), []),  # the link counts as 23
        ("a" * 500, ("threads",), []),
        ("a" * 501, ("threads",), ["too_long"]),
        ("a" * 2_200, ("instagram",), []),
        ("a" * 2_201, ("instagram", "tiktok"), ["too_long", "too_long"]),
        ("a" * 3_001, ("linkedin",), ["too_long"]),
        ("a" * 63_206, ("facebook",), []),
        ("a" * 63_207, ("facebook",), ["too_long"]),
        (" ".join(f"#tag{i}" for i in range(30)), ("instagram",), []),
        (" ".join(f"#tag{i}" for i in range(31)), ("instagram",), ["too_many_hashtags"]),
        (" ".join(f"#tag{i}" for i in range(31)), ("x", "linkedin"), []),  # Instagram's rule only
        ("", ("x",), ["empty_text"]),
        ("  \n\t", ("x",), ["empty_text"]),
        ("hello", (), ["no_network"]),
        ("hello", ("myspace",), ["unknown_network"]),
    ],
)
def test_lengths_hashtags_and_networks(
    text: str, networks: tuple[str, ...], expected: list[str]
) -> None:
    assert codes(text, networks) == expected


def test_the_length_error_says_how_far_over() -> None:
    [finding] = run_checks("a" * 291, ("x",), campaign=None, policy=POLICY).findings
    assert finding.message == "X: 291 of 280 characters."
    assert finding.network == "x"
    # X's link rule is named only when the text has a link, where it explains the count.
    with_link = "a" * 270 + " https://example.org/a-long-path-that-counts-as-23"
    [finding] = run_checks(with_link, ("x",), campaign=None, policy=POLICY).findings
    assert finding.message == "X: 294 of 280 characters (links count as 23)."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This is GUARANTEED to work", ["banned_word"]),
        ("Free   money for all", ["banned_word"]),
        ("A first-class product", []),  # "ass" inside a word is not the word
        ("Our pricing changes", ["risky_topic"]),
        ("A GIVEAWAY! And legal terms apply", ["risky_topic", "risky_topic"]),
        ("Guaranteed pricing", ["banned_word", "risky_topic"]),  # errors before warnings
    ],
)
def test_banned_words_and_risky_topics(text: str, expected: list[str]) -> None:
    assert codes(text) == expected


def test_risky_topics_are_listed_in_policy_order() -> None:
    report = run_checks("legal and pricing", ("x",), campaign=None, policy=POLICY)
    assert report.risky_topics == ("pricing", "legal")


TAG = "utm_source=x&utm_medium=social&utm_campaign=autumn-sale"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://example.com/a", f"https://example.com/a?{TAG}"),
        ("https://example.com/a?ref=1", f"https://example.com/a?ref=1&{TAG}"),
        ("https://example.com/a#top", f"https://example.com/a?{TAG}#top"),
        ("https://example.com/a?ref=1#top", f"https://example.com/a?ref=1&{TAG}#top"),
        ("https://shop.example.com/b", f"https://shop.example.com/b?{TAG}"),
        ("https://example.com/a?utm_source=news", "https://example.com/a?utm_source=news"),
        ("https://example.com.evil.net/a", "https://example.com.evil.net/a"),
        ("https://notexample.com/a", "https://notexample.com/a"),
        ("See https://example.com/a.", f"See https://example.com/a?{TAG}."),
        ("(https://example.com/a)", f"(https://example.com/a?{TAG})"),
        ("https://", "https://"),
        ("http://[::1", "http://[::1"),
    ],
)
def test_utm_tagging(text: str, expected: str) -> None:
    assert add_utm(text, network="x", campaign="Autumn Sale", brand_domains=["example.com"]) == (
        expected
    )


def test_utm_without_a_campaign_and_per_network() -> None:
    report = run_checks(
        "New: https://example.com/new", ("x", "linkedin"), campaign=None, policy=POLICY
    )
    assert report.texts["x"].endswith("?utm_source=x&utm_medium=social")
    assert report.texts["linkedin"].endswith("?utm_source=linkedin&utm_medium=social")
    assert [f.code for f in report.warnings] == ["utm_added"]


def test_x_counts_links_as_23_even_when_tagged() -> None:
    assert weighted_length("https://example.com/a", "x") == 23
    assert weighted_length("go https://example.com/a now", "x") == len("go ") + 23 + len(" now")
    assert weighted_length("go https://example.com/a now", "linkedin") == 28


@given(st.text(max_size=500))
def test_checks_never_raise(text: str) -> None:
    report = run_checks(text, ("x", "instagram"), campaign="c", policy=POLICY)
    assert report.ok == (not report.errors)


@given(st.text(alphabet=st.characters(blacklist_characters=":/"), max_size=200))
def test_text_without_links_is_never_changed(text: str) -> None:
    assert add_utm(text, network="x", campaign="c", brand_domains=["example.com"]) == text


@given(
    st.sampled_from(
        ["https://example.com/a", "https://example.com/?q=1#f", "x https://a.example.com"]
    )
)
def test_tagging_twice_changes_nothing_more(text: str) -> None:
    once = add_utm(text, network="x", campaign="c", brand_domains=["example.com"])
    assert add_utm(once, network="x", campaign="c", brand_domains=["example.com"]) == once


def test_hostile_and_huge_text() -> None:
    report = run_checks(
        "<!channel> {{ 7*7 }} " + "x" * 1_000_000, ("x",), campaign=None, policy=POLICY
    )
    assert [f.code for f in report.errors] == ["too_long"]

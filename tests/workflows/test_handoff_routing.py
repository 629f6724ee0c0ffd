"""Handoff routing: explicit team > FAQ hint > model > keyword rules > support, with the reason
a person reads in the packet."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.knowledge.faq_files import HANDOFF_TEAMS
from bot.workflows.handoffs.routing import (
    DEFAULT_RULES,
    Route,
    RoutingRules,
    UnknownTeam,
    by_keywords,
    route,
)

NO_RULE = "no rule matched; support takes what is unclear"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("I want a refund for the jacket", "matched 'refund'"),
        ("Refunded? Still nothing on my card", "matched 'refund'"),
        ("The zip is BROKEN after one walk", "matched 'broken'"),
        ("my boots arrived damaged and muddy", "matched 'damaged'"),
        ("I can't log in to the app since yesterday", "matched 'log in'"),
        ("forgot my password and the reset email never comes", "matched 'password'"),
        ("where is my order?? it's been 2 weeks", "matched 'my order'"),
        ("My parcel never arrived", "matched 'parcel' and 'never arrived'"),
        ("one glove is missing from the pack", "matched 'missing'"),
        ("How do I return these trousers?", "matched 'return'"),
        ("I was charged twice for the same order", "matched 'charged twice'"),
        ("You overcharged me!", "matched 'overcharged'"),
        ("please cancel my order", "matched 'cancel' and 'my order'"),
        ("Got the wrong size, can I exchange it", "matched 'wrong size' and 'exchange'"),
        ("is the zip covered by the warranty?", "matched 'warranty'"),
        ("checkout gives an error every time", "matched 'error'"),
        ("my account got locked out", "matched 'account' and 'locked out'"),
        ("The delivery guy left it in the rain", "matched 'delivery'"),
        ("Réfund please, the tent is défective", "matched 'refund' and 'defective'"),
    ],
)
def test_support_cases_go_to_support(text: str, reason: str) -> None:
    assert route(text) == Route("support", reason)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Do you sell wholesale? We run a small outdoor shop", "matched 'wholesale'"),
        ("Can I order in bulk?", "matched 'bulk'"),
        ("What's your pricing for 200 fleeces?", "matched 'pricing'"),
        ("could you send us a quote for 50 jackets", "matched 'quote'"),
        ("We'd love a partnership for our hiking festival", "matched 'partnership'"),
        ("interested in becoming a reseller in Austria", "matched 'reseller'"),
        ("Do you do a discount for teams?", "matched 'discount for teams'"),
        (
            "Looking for jackets with our logo for our staff",
            "matched 'with our logo' and 'for our staff'",
        ),
        (
            "Is there an enterprise plan for corporate gifts?",
            "matched 'enterprise' and 'corporate'",
        ),
        ("we'd like to become a stockist", "matched 'stockist'"),
        ("Open to a collab? 80k followers, hiking content", "matched 'collab'"),
        ("Can we pay by purchase order?", "matched 'purchase order'"),
        ("WHOLESALE PRICE LIST please", "matched 'wholesale' and 'price list'"),
        ("Can I get a business account?", "matched 'business account'"),
    ],
)
def test_sales_leads_go_to_sales(text: str, reason: str) -> None:
    assert route(text) == Route("sales", reason)


@pytest.mark.parametrize(
    ("text", "team", "reason"),
    [
        # More distinct keywords win.
        (
            "My bulk order arrived damaged and I want a refund",
            "support",
            "matched 'damaged' and 'refund' (more than sales: 'bulk')",
        ),
        (
            "Wholesale pricing for our club? Last time the delivery was fine",
            "sales",
            "matched 'wholesale', 'pricing' and 'for our club' (more than support: 'delivery')",
        ),
        # A tie goes to support, whoever came first, and says so.
        (
            "Interested in a partnership, but first: I need a refund",
            "support",
            "matched 'refund' (sales too: 'partnership'; a tie goes to support)",
        ),
        # The longer phrase keeps its words: "business account" is not support's "account".
        ("Can I get a business account?", "sales", "matched 'business account'"),
        # A keyword counts once however often it is repeated.
        (
            "bulk bulk bulk, and my refund",
            "support",
            "matched 'refund' (sales too: 'bulk'; a tie goes to support)",
        ),
    ],
)
def test_both_teams_matching_is_decided_and_explained(text: str, team: str, reason: str) -> None:
    assert route(text) == Route(team, reason)


@pytest.mark.parametrize(
    "text",
    [
        "hi there",
        "",
        "   ",
        "Do you ship to Canada?",
        "love the new colours!",
        # Whole words only: "ordering", "bulky", "quoted", "partnerships" are other words.
        "reorder is bulky",
        "https://shop.example/refund @refund",
    ],
)
def test_nothing_matching_goes_to_support(text: str) -> None:
    assert route(text) == Route("support", NO_RULE)


def test_many_keywords_are_summed_up() -> None:
    found = by_keywords("refund, broken, damaged, missing and lost, and an error")
    assert found == Route("support", "matched 'refund', 'broken', 'damaged' and 3 more")


@pytest.mark.parametrize(
    ("explicit", "team"),
    [("sales", "sales"), ("Support", "support"), (" SALES ", "sales")],
)
def test_an_explicit_team_wins_over_everything(explicit: str, team: str) -> None:
    asked: list[str] = []

    def model(text: str) -> str:
        asked.append(text)
        return "support" if team == "sales" else "sales"

    decided = route(
        "a refund for my wholesale order", explicit=explicit, faq_team="support", classify=model
    )
    assert decided == Route(team, f"asked for {team}")
    assert asked == []


@pytest.mark.parametrize("explicit", ["marketing", "sale", "support,sales"])
def test_an_unknown_explicit_team_is_an_error_naming_the_teams(explicit: str) -> None:
    with pytest.raises(UnknownTeam, match=rf"^'{explicit}' is not a team: use support or sales$"):
        route("refund", explicit=explicit)


def test_unknown_team_is_a_value_error() -> None:
    assert issubclass(UnknownTeam, ValueError)


@pytest.mark.parametrize("blank", [None, "", "  "])
def test_a_blank_explicit_team_is_none(blank: str | None) -> None:
    assert route("wholesale please", explicit=blank) == Route("sales", "matched 'wholesale'")


@pytest.mark.parametrize("faq_team", HANDOFF_TEAMS)
def test_the_faq_hint_comes_before_the_model_and_the_rules(faq_team: str) -> None:
    asked: list[str] = []

    def model(text: str) -> str:
        asked.append(text)
        return "sales"

    decided = route("my refund", faq_team=faq_team, classify=model)
    assert decided == Route(faq_team, f"the FAQ entry says {faq_team}")
    assert asked == []


def test_a_faq_hint_that_is_no_team_is_passed_over() -> None:
    assert route("wholesale", faq_team="marketing") == Route("sales", "matched 'wholesale'")


@pytest.mark.parametrize("answer", HANDOFF_TEAMS)
def test_the_model_comes_before_the_rules(answer: str) -> None:
    asked: list[str] = []

    def model(text: str) -> str:
        asked.append(text)
        return answer

    text = "a refund for my wholesale order"
    assert route(text, classify=model) == Route(answer, "chosen by the model")
    assert asked == [text]


def _raises(text: str) -> str | None:
    raise TimeoutError("the model did not answer")


@pytest.mark.parametrize(
    "model",
    [
        lambda text: None,
        lambda text: "marketing",
        lambda text: "Sales.",  # the classifier normalises; route takes teams exactly
        lambda text: "",
        _raises,
        lambda text: 1 / 0,  # a bug in the classifier is still no reason to lose a handoff
    ],
)
def test_a_model_without_a_team_leaves_it_to_the_rules(
    model: Callable[[str], str | None],
) -> None:
    assert route("Do you sell wholesale?", classify=model) == Route("sales", "matched 'wholesale'")


def test_the_model_is_not_asked_about_an_empty_message() -> None:
    asked: list[str] = []

    def model(text: str) -> str:
        asked.append(text)
        return "sales"

    assert route("  ", classify=model) == Route("support", NO_RULE)
    assert asked == []


def test_rules_from_settings_replace_the_defaults() -> None:
    rules = RoutingRules(support=("stuck",), sales=("team kit", "sponsor"))
    assert route("We need team kit for 30 riders", rules=rules) == Route(
        "sales", "matched 'team kit'"
    )
    assert route("my order is stuck", rules=rules) == Route("support", "matched 'stuck'")
    # The defaults are gone: "refund" is no rule of this team's.
    assert route("refund", rules=rules) == Route("support", NO_RULE)
    assert route("wholesale", rules=rules) == Route("support", NO_RULE)


def test_the_default_rules_name_each_keyword_once() -> None:
    for keywords in (DEFAULT_RULES.support, DEFAULT_RULES.sales):
        assert len(set(keywords)) == len(keywords)
    assert not set(DEFAULT_RULES.support) & set(DEFAULT_RULES.sales)

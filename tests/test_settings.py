"""Settings: names, defaults, and errors that name the variable but never echo a secret."""

from __future__ import annotations

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest

from bot.content import SAMPLE_FAQ_DIR, SAMPLE_RESPONSES_DIR
from bot.services import Services, handoff_rules
from bot.settings import DEFAULT_DATABASE_URL, Settings, SettingsError, load_settings, require
from bot.workflows.handoffs.routing import DEFAULT_RULES, Route, RoutingRules, route

SECRET_TOKEN = "xoxb-1234-5678-supersecretvalue"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in Settings.model_fields:
        alias = Settings.model_fields[name].validation_alias
        monkeypatch.delenv(str(alias.choices[0]), raising=False)  # type: ignore[union-attr]


def env_settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return load_settings(_env_file=None)


def test_defaults_need_no_configuration(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    settings = env_settings(monkeypatch)
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.port == 3000
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.faq_dir == str(SAMPLE_FAQ_DIR)
    assert settings.responses_dir == str(SAMPLE_RESPONSES_DIR)
    assert settings.approvers == []


def test_every_documented_variable_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = env_settings(
        monkeypatch,
        SLACK_BOT_TOKEN=SECRET_TOKEN,
        SLACK_SIGNING_SECRET="signing-secret-value",
        SLACK_APP_TOKEN="xapp-1-abc",
        SLACK_API_URL="http://127.0.0.1:9999/api",
        DATABASE_URL="postgresql://u:p@db/socialops",
        PORT="8080",
        OPENAI_API_KEY="sk-test-openai-key",
        OPENAI_BASE_URL="http://127.0.0.1:8000/v1",
        OPENAI_MODEL="local-model",
        SOCIALOPS_FAQ_DIR="content/faq",
        SOCIALOPS_RESPONSES_DIR="content/responses",
        SOCIALOPS_APPROVALS_CHANNEL="C0APPROVALS",
        SOCIALOPS_APPROVERS="U0LEAD, S0LEGAL",
        SOCIALOPS_ADMINS="U0ADMIN",
        SOCIALOPS_SUPPORT_CHANNEL="C0SUPPORT",
        SOCIALOPS_SALES_CHANNEL="C0SALES",
        SOCIALOPS_ESCALATION_CHANNEL="G0ESCALATE",
    )
    assert settings.secret("slack_bot_token") == SECRET_TOKEN
    assert settings.slack_api_url == "http://127.0.0.1:9999/api/"
    # Plain postgresql:// would mean psycopg2 to SQLAlchemy; we ship psycopg 3.
    assert settings.database_url == "postgresql+psycopg://u:p@db/socialops"
    assert settings.port == 8080
    assert settings.openai_model == "local-model"
    assert settings.faq_dir == "content/faq"
    assert settings.approvals_channel == "C0APPROVALS"
    assert settings.approvers == ["U0LEAD", "S0LEGAL"]
    assert settings.admins == ["U0ADMIN"]
    assert settings.escalation_channel == "G0ESCALATE"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("PORT", "eighty", "PORT is malformed"),
        ("PORT", "70000", "PORT is malformed"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL is malformed"),
        ("SLACK_API_URL", "slack.com/api", "SLACK_API_URL is malformed"),
        ("SOCIALOPS_APPROVERS", "U0LEAD,@maria", "SOCIALOPS_APPROVERS is malformed"),
        ("SOCIALOPS_APPROVALS_CHANNEL", "#approvals", "SOCIALOPS_APPROVALS_CHANNEL is malformed"),
    ],
)
def test_malformed_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        env_settings(monkeypatch, **{name: value})
    message = str(caught.value)
    assert message.startswith(expected)
    assert "\n" not in message


def test_serve_names_every_missing_credential_and_points_to_the_demo(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(SettingsError) as caught:
        require(env_settings(monkeypatch), "serve")
    message = str(caught.value)
    assert "SLACK_BOT_TOKEN" in message
    assert "SLACK_SIGNING_SECRET" in message
    assert "socialops demo" in message


def test_socket_mode_needs_the_app_token(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = env_settings(monkeypatch, SLACK_BOT_TOKEN=SECRET_TOKEN)
    with pytest.raises(SettingsError, match="SLACK_APP_TOKEN"):
        require(settings, "socket")


def test_a_wrong_kind_of_token_is_refused_without_echoing_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wrong = "xoxp-user-token-that-is-secret"
    settings = env_settings(monkeypatch, SLACK_BOT_TOKEN=wrong, SLACK_SIGNING_SECRET="s" * 32)
    with pytest.raises(SettingsError) as caught:
        require(settings, "serve")
    assert "SLACK_BOT_TOKEN" in str(caught.value)
    assert wrong not in str(caught.value)


def test_secrets_never_appear_in_repr_or_dump(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = env_settings(
        monkeypatch,
        SLACK_BOT_TOKEN=SECRET_TOKEN,
        SLACK_SIGNING_SECRET="signing-secret-value",
        OPENAI_API_KEY="sk-test-openai-key",
    )
    shown = repr(settings) + str(settings) + str(settings.model_dump())
    for secret in (SECRET_TOKEN, "signing-secret-value", "sk-test-openai-key"):
        assert secret not in shown


def test_malformed_secret_like_values_are_not_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    # A password in a malformed URL must not end up in the one-line error either.
    with pytest.raises(SettingsError) as caught:
        env_settings(monkeypatch, DATABASE_URL="mysql://admin:hunter2-secret@db/x")
    assert "hunter2-secret" not in str(caught.value)


def test_a_dot_env_file_is_read_and_the_environment_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text(
        "SOCIALOPS_APPROVALS_CHANNEL=C0FROMFILE\nPORT=4000\n# a comment\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PORT", "5000")
    settings = load_settings()
    assert settings.approvals_channel == "C0FROMFILE"
    assert settings.port == 5000


def test_approval_settings_parse_lists_durations_and_zones(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = env_settings(
        monkeypatch,
        SOCIALOPS_RISK_APPROVERS="U0LEGAL, S0LEGAL",
        SOCIALOPS_BANNED_WORDS="Guaranteed, free money",
        SOCIALOPS_BRAND_DOMAINS="www.Example.com,shop.example.com",
        SOCIALOPS_DEFAULT_NETWORK="LinkedIn",
        SOCIALOPS_TIMEZONE="Europe/Berlin",
        SOCIALOPS_APPROVAL_REMIND_AFTER="30m",
        SOCIALOPS_APPROVAL_EXPIRE_AFTER="3d",
    )
    assert settings.risk_approvers == ["U0LEGAL", "S0LEGAL"]
    assert settings.banned_words == ["guaranteed", "free money"]
    assert settings.brand_domains == ["example.com", "shop.example.com"]
    assert settings.default_network == "linkedin"
    assert str(settings.zone) == "Europe/Berlin"
    assert settings.approval_remind_after == timedelta(minutes=30)
    assert settings.approval_expire_after == timedelta(days=3)
    assert "giveaway" in env_settings(monkeypatch).risk_keywords


def test_crisis_and_digest_settings_parse_durations_ids_and_limits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = env_settings(
        monkeypatch,
        SOCIALOPS_DIGEST_GRACE="90m",
        SOCIALOPS_CRISIS_APPROVERS="U0LEGAL, S0PR",
        SOCIALOPS_CRISIS_UPDATE_EVERY="2h",
        SOCIALOPS_MONITORED_CHANNELS="C0SOCIAL, G0VIP, C0SOCIAL",
        SOCIALOPS_SPIKE_RATIO="3",
        SOCIALOPS_SPIKE_MIN_MESSAGES="25",
    )
    # "90m" was refused before: the digest grace was not among the duration fields.
    assert settings.digest_grace == timedelta(minutes=90)
    assert settings.crisis_approvers == ["U0LEGAL", "S0PR"]
    assert settings.crisis_update_every == timedelta(hours=2)
    assert settings.monitored_channels == ["C0SOCIAL", "G0VIP"]
    assert settings.spike_ratio == 3.0
    assert settings.spike_min_messages == 25
    fields = Settings.model_fields
    assert fields["crisis_update_every"].default == timedelta(hours=4)
    assert (fields["spike_ratio"].default, fields["spike_min_messages"].default) == (2.0, 10)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SOCIALOPS_DEFAULT_NETWORK", "myspace"),
        ("SOCIALOPS_TIMEZONE", "Mars/Olympus"),
        ("SOCIALOPS_APPROVAL_REMIND_AFTER", "soon"),
        ("SOCIALOPS_APPROVAL_EXPIRE_AFTER", "0h"),
        ("SOCIALOPS_BRAND_DOMAINS", "https://example.com/"),
        ("SOCIALOPS_RISK_APPROVERS", "@legal"),
        ("SOCIALOPS_CRISIS_APPROVERS", "@legal"),
        ("SOCIALOPS_CRISIS_UPDATE_EVERY", "often"),
        ("SOCIALOPS_MONITORED_CHANNELS", "#social"),
        ("SOCIALOPS_SPIKE_RATIO", "0.5"),
        ("SOCIALOPS_SPIKE_MIN_MESSAGES", "0"),
    ],
)
def test_malformed_approval_settings_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    with pytest.raises(SettingsError, match=f"^{name} is malformed"):
        env_settings(monkeypatch, **{name: value})


def test_a_teams_own_folders_where_the_bot_runs_come_before_the_samples(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "faq").mkdir()
    (tmp_path / "responses").mkdir()
    settings = env_settings(monkeypatch)
    assert (settings.faq_dir, settings.responses_dir) == ("faq", "responses")


def test_brand_handles_are_set_or_guessed_from_the_brand_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert env_settings(monkeypatch).own_handles == ()
    named = env_settings(monkeypatch, SOCIALOPS_BRAND_NAME="Northwind Outfitters")
    assert named.own_handles == ("northwind", "northwindoutfitters", "northwind_outfitters")
    given = env_settings(
        monkeypatch, SOCIALOPS_BRAND_NAME="Northwind", SOCIALOPS_BRAND_HANDLES="@NW_Help, nwshop"
    )
    assert given.own_handles == ("nw_help", "nwshop")
    with pytest.raises(SettingsError, match=r"^SOCIALOPS_BRAND_HANDLES is malformed"):
        env_settings(monkeypatch, SOCIALOPS_BRAND_HANDLES="north wind")


@pytest.mark.parametrize(
    ("support", "sales", "rules"),
    [
        # Unset: the defaults.
        (None, None, DEFAULT_RULES),
        # Comma lists, trimmed, lower case, inner spaces collapsed, each keyword once.
        (
            "Refund, Broken ,  money   back,refund",
            None,
            RoutingRules(("refund", "broken", "money back"), DEFAULT_RULES.sales),
        ),
        (
            None,
            "wholesale,Team Kit,",
            RoutingRules(DEFAULT_RULES.support, ("wholesale", "team kit")),
        ),
        # Empty: no keyword sends a message to that team.
        ("", " , ", RoutingRules((), ())),
    ],
)
def test_handoff_keywords_parse_into_routing_rules(
    monkeypatch: pytest.MonkeyPatch, support: str | None, sales: str | None, rules: RoutingRules
) -> None:
    env = {
        name: value
        for name, value in (
            ("SOCIALOPS_HANDOFF_SUPPORT_KEYWORDS", support),
            ("SOCIALOPS_HANDOFF_SALES_KEYWORDS", sales),
        )
        if value is not None
    }
    assert handoff_rules(env_settings(monkeypatch, **env)) == rules


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SOCIALOPS_HANDOFF_SUPPORT_KEYWORDS", "refund,🙂"),
        ("SOCIALOPS_HANDOFF_SALES_KEYWORDS", "wholesale, !!"),
    ],
)
def test_a_handoff_keyword_without_a_word_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    with pytest.raises(SettingsError, match=rf"^{name} is malformed: '.+' has no word to match"):
        env_settings(monkeypatch, **{name: value})


def test_services_route_handoffs_by_the_configured_keywords(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = env_settings(
        monkeypatch,
        DATABASE_URL=f"sqlite:///{tmp_path / 'socialops.db'}",
        SOCIALOPS_HANDOFF_SALES_KEYWORDS="team kit",
    )
    services = Services.build(settings)
    try:
        rules = services.handoff_rules
    finally:
        services.close()
    assert route("Team kit for 30 riders?", rules=rules) == Route("sales", "matched 'team kit'")
    assert route("wholesale?", rules=rules).team == "support"


def test_every_documented_setting_is_read_somewhere_or_marked_planned() -> None:
    # A setting the README documents but no code reads (the handoff channels) looked like a
    # feature that silently did nothing; until its feature lands, its row says "planned".
    root = Path(__file__).resolve().parent.parent
    code = "\n".join(
        path.read_text(encoding="utf-8")
        for path in (root / "bot").rglob("*.py")
        if path.name != "settings.py"
    )
    rows = {
        line.split("`")[1]: line
        for line in (root / "README.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| `")
    }
    readers = _properties_reading(root / "bot" / "settings.py")
    unread = []
    for name, field in Settings.model_fields.items():
        env_name = str(field.validation_alias.choices[0])  # type: ignore[union-attr]
        assert env_name in rows, f"{env_name} is missing from the README's configuration table"
        # Read directly, or through a Settings property that derives from it (own_handles).
        names = [name, *readers.get(name, ())]
        read = any(re.search(rf"\.{n}\b", code) for n in names)
        if not read and "planned" not in rows[env_name].lower():
            unread.append(env_name)
    assert unread == []


def _properties_reading(settings_py: Path) -> dict[str, list[str]]:
    """Field name → the Settings properties whose body reads ``self.<field>``."""
    readers: dict[str, list[str]] = {}
    for node in ast.walk(ast.parse(settings_py.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef) and any(
            isinstance(d, ast.Name) and d.id == "property" for d in node.decorator_list
        ):
            for inner in ast.walk(node):
                if (
                    isinstance(inner, ast.Attribute)
                    and isinstance(inner.value, ast.Name)
                    and inner.value.id == "self"
                ):
                    readers.setdefault(inner.attr, []).append(node.name)
    return readers

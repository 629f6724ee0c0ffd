"""Typed settings read from the environment and an optional ``.env`` file.

The variable names are part of the public interface (README, manifest, Procfile), so every field
carries its exact environment name as an alias. Secrets are ``SecretStr``: their repr is masked, so a
settings object can be logged without leaking a token.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.content import SAMPLE_FAQ_DIR, SAMPLE_RESPONSES_DIR
from bot.core.errors import SettingsError as SettingsError  # its public home for callers
from bot.core.networks import NETWORK_IDS, NETWORKS
from bot.knowledge.text_normal import words
from bot.workflows.handoffs.routing import DEFAULT_RULES

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///socialops.db"

# Slack ids: users (U…/W…), user groups (S…), conversations (C…/G…/D…).
_USER_OR_GROUP_ID = re.compile(r"^[UWS][A-Z0-9]{2,}$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")

# Topics that need a second, specialist approval unless SOCIALOPS_RISK_KEYWORDS says otherwise.
DEFAULT_RISK_KEYWORDS = (
    "pricing,price,discount,legal,lawsuit,health,medical,giveaway,contest,sweepstakes"
)
_DURATION = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")
_DURATION_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
_HANDLE = re.compile(r"^[a-z0-9_.]{1,64}$")
_DEFAULT_BRAND_NAME = "our team"
# Reminders and expiry beyond a year are a typo, and a number of days this large would overflow
# timedelta (and the scheduler's date arithmetic) instead of reading as a mistake.
MAX_DURATION = timedelta(days=365)
_OPTIONAL_DURATIONS = frozenset({"handoff_resolve_sla_support", "handoff_resolve_sla_sales"})
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$")

Command = Literal["serve", "run", "socket", "clock", "db", "check", "demo", "import"]


def _team_folder(name: str, sample: Path) -> str:
    """``name`` in the working directory when the team keeps one there, else the shipped sample."""
    return name if Path(name).is_dir() else str(sample)


def _env(name: str) -> AliasChoices:
    return AliasChoices(name)


class Settings(BaseSettings):
    """Every knob of socialops. Field docs double as the README's configuration table."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
        # Field names are Python names; the environment names are the aliases.
        case_sensitive=True,
    )

    slack_bot_token: SecretStr | None = Field(
        default=None, validation_alias=_env("SLACK_BOT_TOKEN")
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias=_env("SLACK_SIGNING_SECRET")
    )
    slack_app_token: SecretStr | None = Field(
        default=None, validation_alias=_env("SLACK_APP_TOKEN")
    )
    slack_api_url: str = Field(
        default=DEFAULT_SLACK_API_URL, validation_alias=_env("SLACK_API_URL")
    )
    database_url: str = Field(default=DEFAULT_DATABASE_URL, validation_alias=_env("DATABASE_URL"))
    port: int = Field(default=3000, ge=1, le=65535, validation_alias=_env("PORT"))
    openai_api_key: SecretStr | None = Field(default=None, validation_alias=_env("OPENAI_API_KEY"))
    openai_base_url: str | None = Field(default=None, validation_alias=_env("OPENAI_BASE_URL"))
    openai_model: str = Field(default="gpt-4o-mini", validation_alias=_env("OPENAI_MODEL"))
    # Seconds for one model call; one retry follows a failure, then the template text is used.
    llm_timeout: float = Field(
        default=8.0, gt=0, le=120, validation_alias=_env("SOCIALOPS_LLM_TIMEOUT")
    )
    brand_name: str = Field(
        default=_DEFAULT_BRAND_NAME, max_length=80, validation_alias=_env("SOCIALOPS_BRAND_NAME")
    )
    sign_off: str = Field(default="", max_length=80, validation_alias=_env("SOCIALOPS_SIGN_OFF"))
    emoji: bool = Field(default=True, validation_alias=_env("SOCIALOPS_EMOJI"))
    # The brand's own @handles, so "@northwind hi …" is not greeted as "Hi northwind!".
    brand_handles: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias=_env("SOCIALOPS_BRAND_HANDLES")
    )
    # The team's own folders; unset, ./faq and ./responses where the bot runs, else the samples
    # that ship inside the package.
    faq_dir: str = Field(
        default_factory=lambda: _team_folder("faq", SAMPLE_FAQ_DIR),
        validation_alias=_env("SOCIALOPS_FAQ_DIR"),
    )
    responses_dir: str = Field(
        default_factory=lambda: _team_folder("responses", SAMPLE_RESPONSES_DIR),
        validation_alias=_env("SOCIALOPS_RESPONSES_DIR"),
    )
    approvals_channel: str | None = Field(
        default=None, validation_alias=_env("SOCIALOPS_APPROVALS_CHANNEL")
    )
    approvers: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias=_env("SOCIALOPS_APPROVERS")
    )
    admins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias=_env("SOCIALOPS_ADMINS")
    )
    support_channel: str | None = Field(
        default=None, validation_alias=_env("SOCIALOPS_SUPPORT_CHANNEL")
    )
    sales_channel: str | None = Field(
        default=None, validation_alias=_env("SOCIALOPS_SALES_CHANNEL")
    )
    escalation_channel: str | None = Field(
        default=None, validation_alias=_env("SOCIALOPS_ESCALATION_CHANNEL")
    )
    # Keyword rules for handoffs that name no team (and no model or FAQ hint decided).
    handoff_support_keywords: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_RULES.support),
        validation_alias=_env("SOCIALOPS_HANDOFF_SUPPORT_KEYWORDS"),
    )
    handoff_sales_keywords: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_RULES.sales),
        validation_alias=_env("SOCIALOPS_HANDOFF_SALES_KEYWORDS"),
    )

    risk_approvers: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias=_env("SOCIALOPS_RISK_APPROVERS")
    )
    risk_keywords: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: DEFAULT_RISK_KEYWORDS.split(","),
        validation_alias=_env("SOCIALOPS_RISK_KEYWORDS"),
    )
    banned_words: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias=_env("SOCIALOPS_BANNED_WORDS")
    )
    brand_domains: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias=_env("SOCIALOPS_BRAND_DOMAINS")
    )
    default_network: str = Field(default="x", validation_alias=_env("SOCIALOPS_DEFAULT_NETWORK"))
    # FAQ matching: "auto" is the semantic matcher when its extra is installed, else offline.
    matcher: Literal["auto", "offline", "semantic"] = Field(
        default="auto", validation_alias=_env("SOCIALOPS_MATCHER")
    )
    timezone: str = Field(default="UTC", validation_alias=_env("SOCIALOPS_TIMEZONE"))
    approval_remind_after: timedelta = Field(
        default=timedelta(hours=4), validation_alias=_env("SOCIALOPS_APPROVAL_REMIND_AFTER")
    )
    approval_expire_after: timedelta = Field(
        default=timedelta(hours=72), validation_alias=_env("SOCIALOPS_APPROVAL_EXPIRE_AFTER")
    )
    # Handoff SLAs: time to claim per team, and an optional time to resolve (unset: none).
    handoff_sla_support: timedelta = Field(
        default=timedelta(hours=1), validation_alias=_env("SOCIALOPS_HANDOFF_SLA_SUPPORT")
    )
    handoff_sla_sales: timedelta = Field(
        default=timedelta(hours=4), validation_alias=_env("SOCIALOPS_HANDOFF_SLA_SALES")
    )
    handoff_resolve_sla_support: timedelta | None = Field(
        default=None, validation_alias=_env("SOCIALOPS_HANDOFF_RESOLVE_SLA_SUPPORT")
    )
    handoff_resolve_sla_sales: timedelta | None = Field(
        default=None, validation_alias=_env("SOCIALOPS_HANDOFF_RESOLVE_SLA_SALES")
    )
    # Digests: the 7-day chart in the digest's thread, and how late a missed digest may still go
    # out after downtime (later than that it is skipped, and logged).
    digest_chart: bool = Field(default=True, validation_alias=_env("SOCIALOPS_DIGEST_CHART"))
    digest_grace: timedelta = Field(
        default=timedelta(hours=3), validation_alias=_env("SOCIALOPS_DIGEST_GRACE")
    )
    # Crisis mode: who gives the extra approval every draft needs while a crisis (or drill)
    # runs, and how often the war room hears a short status.
    crisis_approvers: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias=_env("SOCIALOPS_CRISIS_APPROVERS")
    )
    crisis_update_every: timedelta = Field(
        default=timedelta(hours=4), validation_alias=_env("SOCIALOPS_CRISIS_UPDATE_EVERY")
    )
    # The spike detector reads these channels' messages (Events API) besides the reply requests
    # and handoffs it handles, and alerts when the last hour's negative share is ``spike_ratio``
    # times the previous 7 days' share, on at least ``spike_min_messages`` messages that hour.
    monitored_channels: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias=_env("SOCIALOPS_MONITORED_CHANNELS")
    )
    spike_ratio: float = Field(
        default=2.0, ge=1.0, le=100.0, validation_alias=_env("SOCIALOPS_SPIKE_RATIO")
    )
    spike_min_messages: int = Field(
        default=10, ge=1, le=100_000, validation_alias=_env("SOCIALOPS_SPIKE_MIN_MESSAGES")
    )

    @field_validator(
        "approvers",
        "admins",
        "risk_approvers",
        "crisis_approvers",
        "monitored_channels",
        "risk_keywords",
        "banned_words",
        "brand_domains",
        "brand_handles",
        "handoff_support_keywords",
        "handoff_sales_keywords",
        mode="before",
    )
    @classmethod
    def _split_comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("risk_keywords", "banned_words")
    @classmethod
    def _lowercase_phrases(cls, value: list[str]) -> list[str]:
        return [phrase.lower() for phrase in value]

    @field_validator("handoff_support_keywords", "handoff_sales_keywords")
    @classmethod
    def _check_keywords(cls, value: list[str]) -> list[str]:
        # Matched on words, so one without any ("🙂", "!!") would silently never match.
        for keyword in value:
            if not words(keyword):
                raise ValueError(f"'{keyword[:40]}' has no word to match; use words or phrases")
        return list(dict.fromkeys(" ".join(keyword.lower().split()) for keyword in value))

    @field_validator("brand_handles")
    @classmethod
    def _check_handles(cls, value: list[str]) -> list[str]:
        handles = [h.removeprefix("@").lower() for h in value]
        for handle in handles:
            if not _HANDLE.match(handle):
                raise ValueError(f"'{handle[:40]}' is not an @handle such as northwind")
        return handles

    @field_validator("brand_domains")
    @classmethod
    def _check_domains(cls, value: list[str]) -> list[str]:
        domains = [d.lower().removeprefix("www.") for d in value]
        for domain in domains:
            if not _DOMAIN.match(domain):
                raise ValueError(f"'{domain}' is not a domain name such as example.com")
        return domains

    @field_validator("default_network")
    @classmethod
    def _check_network(cls, value: str) -> str:
        if value.lower() not in NETWORKS:
            raise ValueError(f"'{value}' is not one of {', '.join(NETWORK_IDS)}")
        return value.lower()

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{value}' is not an IANA time zone such as Europe/Berlin") from None
        return value

    @field_validator(
        "approval_remind_after",
        "approval_expire_after",
        "handoff_sla_support",
        "handoff_sla_sales",
        "handoff_resolve_sla_support",
        "handoff_resolve_sla_sales",
        "digest_grace",
        "crisis_update_every",
        mode="before",
    )
    @classmethod
    def _parse_duration(cls, value: object, info: ValidationInfo) -> object:
        if value == "" and info.field_name in _OPTIONAL_DURATIONS:
            return None  # left empty in .env: no such timer
        if not isinstance(value, str):
            return value
        match = _DURATION.match(value)
        if match is None or int(match.group(1)) == 0:
            raise ValueError("must be a duration such as 30m, 4h or 3d")
        seconds = int(match.group(1)) * _DURATION_UNITS[match.group(2)]
        if seconds > MAX_DURATION.total_seconds():
            raise ValueError(f"must be at most {MAX_DURATION.days}d")
        return timedelta(seconds=seconds)

    @field_validator("approvers", "admins", "risk_approvers", "crisis_approvers")
    @classmethod
    def _check_user_or_group_ids(cls, value: list[str]) -> list[str]:
        for item in value:
            if not _USER_OR_GROUP_ID.match(item):
                raise ValueError(
                    f"'{item}' is not a Slack user id (U…/W…) or user-group id (S…); "
                    "use ids, not @names"
                )
        return value

    @field_validator("monitored_channels")
    @classmethod
    def _check_channel_ids(cls, value: list[str]) -> list[str]:
        for item in value:
            if not _CHANNEL_ID.match(item):
                raise ValueError(
                    f"'{item[:40]}' is not a Slack channel id (C…/G…); use ids, not #names"
                )
        return list(dict.fromkeys(value))

    @field_validator("approvals_channel", "support_channel", "sales_channel", "escalation_channel")
    @classmethod
    def _check_channel_id(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not _CHANNEL_ID.match(value):
            raise ValueError(f"'{value}' is not a Slack channel id (C…/G…); use the id, not #name")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _check_api_url(cls, value: str) -> str:
        _check_http_url(value, "https://slack.com/api/")
        # slack_sdk joins the method name onto the base URL, so it must end with a slash.
        return value if value.endswith("/") else value + "/"

    @field_validator("openai_base_url")
    @classmethod
    def _check_model_url(cls, value: str | None) -> str | None:
        if value:
            _check_http_url(value, "http://127.0.0.1:8000/v1")
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite:///", "postgresql+psycopg://", "postgresql://")):
            raise ValueError("must be sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST/DB")
        # SQLAlchemy's bare postgresql:// means psycopg2, which we do not ship; psycopg 3 it is.
        if value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        _check_database_parts(value)
        return value

    def secret(
        self, name: Literal["slack_bot_token", "slack_signing_secret", "slack_app_token"]
    ) -> str:
        """The plain value of a required secret; call only after :func:`require` checked it."""
        value = getattr(self, name)
        if value is None:
            raise SettingsError(f"{_ENV_NAMES[name]} is not set")
        return str(value.get_secret_value())

    @property
    def zone(self) -> ZoneInfo:
        """Where the team lives: quick-form and CSV times without an offset are read here."""
        return ZoneInfo(self.timezone)

    @property
    def own_handles(self) -> tuple[str, ...]:
        """SOCIALOPS_BRAND_HANDLES, else guessed from SOCIALOPS_BRAND_NAME ("Northwind
        Outfitters": northwind, northwindoutfitters, northwind_outfitters); none for the default
        name, which is no brand's."""
        if self.brand_handles:
            return tuple(self.brand_handles)
        if self.brand_name == _DEFAULT_BRAND_NAME:
            return ()
        words = re.findall(r"[a-z0-9]+", self.brand_name.lower())
        guesses = [words[0], "".join(words), "_".join(words)] if words else []
        return tuple(dict.fromkeys(g for g in guesses if g))

    @property
    def llm_configured(self) -> bool:
        """Reply polish is on when a key or an OpenAI-compatible server is configured."""
        return self.openai_api_key is not None or bool(self.openai_base_url)

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _check_http_url(value: str, example: str) -> None:
    """An http(s) URL whose host and port urllib can read: otherwise the first request raised."""
    if not re.match(r"^https?://[^\s/]+", value):
        raise ValueError(f"must be an http(s) URL such as {example}")
    try:
        urlsplit(value).port  # noqa: B018 (reading it is the check: a bad port or IPv6 raises)
    except ValueError:
        raise ValueError(
            f"cannot be read as a URL (port 1-65535; an IPv6 host goes in brackets): {example}"
        ) from None


def _check_database_parts(value: str) -> None:
    """Read the URL as the engine will, so a mistake is a settings error and not a traceback later.

    The messages never repeat the URL: it may hold a password.
    """
    try:
        url = make_url(value)
        port = url.port  # parsed lazily for some shapes: a broken IPv6 host fails only here
    except (ArgumentError, ValueError):
        raise ValueError(
            "cannot be read as a URL (an IPv6 host goes in brackets: postgresql+psycopg://USER@[::1]:5432/DB)"
        ) from None
    if url.drivername.startswith("sqlite"):
        database = url.database or ""
        # sqlite:/// and :memory: are a database that vanishes with the process (and differs per
        # connection): every draft and decision would be lost without a word.
        if not database or database == ":memory:" or url.query.get("mode") == "memory":
            raise ValueError(
                "names an in-memory SQLite database; give a file: sqlite:///socialops.db"
            )
        return
    if port is not None and not 1 <= port <= 65535:
        raise ValueError("its port must be between 1 and 65535")


# Python field name → environment variable, for error messages.
_ENV_NAMES: dict[str, str] = {
    name: str(field.validation_alias.choices[0])  # type: ignore[union-attr]
    for name, field in Settings.model_fields.items()
}

_HINTS: dict[str, str] = {
    "SLACK_BOT_TOKEN": "set it to the app's Bot User OAuth Token (xoxb-…) from api.slack.com/apps",
    "SLACK_SIGNING_SECRET": "set it to the Signing Secret under Basic Information at api.slack.com/apps",
    "SLACK_APP_TOKEN": "set it to an app-level token (xapp-…) with connections:write for Socket Mode",
    "SOCIALOPS_APPROVALS_CHANNEL": "set it to the id (C…) of the channel where approval cards go",
}

_TOKEN_PREFIXES: dict[str, str] = {"slack_bot_token": "xoxb-", "slack_app_token": "xapp-"}

# What each command needs beyond the defaults.
_REQUIRED: dict[str, tuple[str, ...]] = {
    "serve": ("slack_bot_token", "slack_signing_secret"),
    "run": ("slack_bot_token", "slack_signing_secret"),
    "socket": ("slack_bot_token", "slack_app_token"),
    "import": ("slack_bot_token", "approvals_channel"),
}


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment (and ``.env``); raise :class:`SettingsError` on bad values.

    The error names the variable and what is wrong, never the value: it could be a secret.
    """
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        env_name = _ENV_NAMES.get(field, field)
        reason = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{env_name} is malformed: {reason}") from None


def require(settings: Settings, command: Command) -> None:
    """Check that ``settings`` hold what ``command`` needs; raise one :class:`SettingsError` naming all gaps."""
    missing = [name for name in _REQUIRED.get(command, ()) if getattr(settings, name) is None]
    if missing:
        env_names = [_ENV_NAMES[name] for name in missing]
        hint = _HINTS.get(env_names[0], "set it in the environment or .env")
        raise SettingsError(
            f"{', '.join(env_names)} {'is' if len(env_names) == 1 else 'are'} not set: {hint}. "
            "To try socialops without a Slack workspace, run `socialops demo`."
        )
    for name in _REQUIRED.get(command, ()):
        prefix = _TOKEN_PREFIXES.get(name)
        value = getattr(settings, name)
        if prefix and value is not None and not value.get_secret_value().startswith(prefix):
            raise SettingsError(f"{_ENV_NAMES[name]} is malformed: it should start with '{prefix}'")


def get_settings() -> Settings:
    """The settings for this process; tests build their own ``Settings`` instead of patching this."""
    return load_settings()

"""The dependencies a listener or job needs, built once per process and passed down explicitly."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Engine

from bot.content import SAMPLE_RESPONSES_DIR
from bot.core.clock import Clock, system_clock
from bot.core.expiring_cache import ExpiringCache
from bot.knowledge.library import KnowledgeCache
from bot.knowledge.matchers import matcher_factory
from bot.llm import LanguageModel, OfflineDrafter, OpenAIDrafter
from bot.settings import Settings
from bot.store.db import SessionFactory, create_db_engine, make_session_factory
from bot.workflows.checks import CheckPolicy
from bot.workflows.handoffs.routing import RoutingRules
from bot.workflows.handoffs.sla import TeamSla
from bot.workflows.reply_templates import BrandVoice

# Group membership changes rarely and a click must stay fast: a lookup is good for minutes.
GROUP_CACHE_TTL = timedelta(minutes=5)
# Channel names typed into /social digest: channels are renamed rarely, and a name missing from
# the cached list reads it again (bot/slack/channel_names.py).
CHANNEL_NAME_CACHE_TTL = timedelta(minutes=5)


@dataclass(frozen=True)
class Services:
    """What the bot's code may reach: settings, the store and the time. Nothing global."""

    settings: Settings
    engine: Engine
    sessions: SessionFactory
    clock: Clock
    # Per-process cache of user-group members (approvers); not shared between processes.
    groups: ExpiringCache[frozenset[str]] = field(
        default_factory=lambda: ExpiringCache(ttl=GROUP_CACHE_TTL)
    )
    # Per-process cache of channel ids by name (conversations.list).
    channel_names: ExpiringCache[Mapping[str, str]] = field(
        default_factory=lambda: ExpiringCache(ttl=CHANNEL_NAME_CACHE_TTL)
    )
    # The FAQ matcher (SOCIALOPS_MATCHER) and templates, rebuilt when the store's FAQ changes.
    knowledge: KnowledgeCache = field(
        default_factory=lambda: KnowledgeCache.from_folder(str(SAMPLE_RESPONSES_DIR))
    )
    # Reply polish: an OpenAI-compatible model when configured, else the template text as is.
    drafter: LanguageModel = field(default_factory=OfflineDrafter)

    @classmethod
    def build(cls, settings: Settings, *, clock: Clock = system_clock) -> Services:
        engine = create_db_engine(settings.database_url)
        return cls(
            settings=settings,
            engine=engine,
            sessions=make_session_factory(engine),
            clock=clock,
            knowledge=KnowledgeCache.from_folder(
                settings.responses_dir, matcher=matcher_factory(settings.matcher, engine=engine)
            ),
            drafter=build_drafter(settings),
        )

    @property
    def check_policy(self) -> CheckPolicy:
        """The pre-flight check rules the team configured, as the workflows take them."""
        return check_policy(self.settings)

    @property
    def brand_voice(self) -> BrandVoice:
        """How replies, holding replies and holding statements speak (SOCIALOPS_BRAND_*)."""
        settings = self.settings
        return BrandVoice(
            name=settings.brand_name,
            sign_off=settings.sign_off,
            emoji=settings.emoji,
            banned_phrases=tuple(settings.banned_words),
        )

    def team_channel(self, team: str) -> str | None:
        """Where a team's handoff packets go (SOCIALOPS_SUPPORT_CHANNEL / _SALES_CHANNEL)."""
        return {"support": self.settings.support_channel, "sales": self.settings.sales_channel}[
            team
        ]

    def team_sla(self, team: str) -> TeamSla:
        """A team's time to claim, and to resolve if set (SOCIALOPS_HANDOFF_*SLA_*)."""
        settings = self.settings
        if team == "sales":
            return TeamSla(settings.handoff_sla_sales, settings.handoff_resolve_sla_sales)
        return TeamSla(settings.handoff_sla_support, settings.handoff_resolve_sla_support)

    @property
    def handoff_rules(self) -> RoutingRules:
        """The keyword rules that route a handoff no one named a team for."""
        return handoff_rules(self.settings)

    def close(self) -> None:
        self.engine.dispose()


def check_policy(settings: Settings) -> CheckPolicy:
    """The pre-flight check rules the team configured."""
    return CheckPolicy(
        banned_words=tuple(settings.banned_words),
        brand_domains=tuple(settings.brand_domains),
        risk_keywords=tuple(settings.risk_keywords),
    )


def handoff_rules(settings: Settings) -> RoutingRules:
    """SOCIALOPS_HANDOFF_SUPPORT_KEYWORDS and _SALES_KEYWORDS (unset: the defaults)."""
    return RoutingRules(
        support=tuple(settings.handoff_support_keywords),
        sales=tuple(settings.handoff_sales_keywords),
    )


def build_drafter(settings: Settings) -> LanguageModel:
    """The model that polishes replies when one is configured, else the template text as is."""
    if not settings.llm_configured:
        return OfflineDrafter()
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    return OpenAIDrafter(
        api_key=key,
        base_url=settings.openai_base_url,
        model=settings.openai_model,
        timeout=settings.llm_timeout,
    )

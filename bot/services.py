"""The dependencies a listener or job needs, built once per process and passed down explicitly."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from bot.approvers import UserGroupCache
from bot.clock import Clock, system_clock
from bot.db import SessionFactory, create_db_engine, make_session_factory
from bot.knowledge.library import KnowledgeCache
from bot.knowledge.matchers import matcher_factory
from bot.llm import Drafter, OfflineDrafter, build_drafter
from bot.settings import Settings


@dataclass(frozen=True)
class Services:
    """What the bot's code may reach: settings, the store and the time. Nothing global."""

    settings: Settings
    engine: Engine
    sessions: SessionFactory
    clock: Clock
    # Per-process cache of user-group members (approvers); not shared between processes.
    groups: UserGroupCache = field(default_factory=UserGroupCache)
    # The FAQ matcher (SOCIALOPS_MATCHER) and templates, rebuilt when the store's FAQ changes.
    knowledge: KnowledgeCache = field(
        default_factory=lambda: KnowledgeCache.from_folder("responses")
    )
    # Reply polish: an OpenAI-compatible model when configured, else the template text as is.
    drafter: Drafter = field(default_factory=OfflineDrafter)

    @classmethod
    def build(cls, settings: Settings, *, clock: Clock = system_clock) -> Services:
        engine = create_db_engine(settings.database_url)
        return cls(
            settings=settings,
            engine=engine,
            sessions=make_session_factory(engine),
            clock=clock,
            knowledge=KnowledgeCache.from_folder(
                settings.responses_dir, matcher=matcher_factory(settings.matcher)
            ),
            drafter=build_drafter(settings),
        )

    def close(self) -> None:
        self.engine.dispose()

"""Reading what people type (the quick form, ids, weeks, CSV cells) into drafts' plain data.

Every mistake is an :class:`InputError` with a sentence for the person, and ``field`` saying
which input it belongs to (a modal block id or a CSV column).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.networks import NETWORK_IDS, NETWORKS, in_order
from bot.workflows.drafts.inputs import DraftInput

MAX_DRAFT_ID = 2**31 - 1
_DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


class InputError(ValueError):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def parse_quick_draft(text: str, *, author_id: str, default_network: str) -> DraftInput:
    """``/social draft <text>``: a post for the default network, submitted as typed."""
    return DraftInput(
        kind="post", text=text.strip(), networks=(default_network,), author_id=author_id
    )


def parse_draft_id(text: str) -> int:
    """``12`` or ``#12``; anything else is a clear mistake."""
    cleaned = text.strip().removeprefix("#")
    if not cleaned:
        raise InputError("Which draft? Give its number, like `12`.")
    if not cleaned.isdigit() or int(cleaned) > MAX_DRAFT_ID:
        shown = cleaned[:20].replace("`", "'")
        raise InputError(f"`{shown}` is not a draft number; give one like `12`.")
    return int(cleaned)


def parse_networks(value: str, *, field: str = "networks") -> tuple[str, ...]:
    """``x, LinkedIn`` or ``x;linkedin`` → ("x", "linkedin"); unknown names are refused."""
    names = [part.strip().lower() for part in re.split(r"[,;\s]+", value) if part.strip()]
    if not names:
        raise InputError("Name at least one network.", field=field)
    unknown = [name for name in names if name not in NETWORKS]
    if unknown:
        shown = ", ".join(name[:20] for name in unknown[:3])
        raise InputError(f"Unknown network {shown}; use {', '.join(NETWORK_IDS)}.", field=field)
    return in_order(names)


def parse_local_time(value: str, *, zone: ZoneInfo, field: str = "scheduled_at") -> datetime:
    """``2026-11-24 09:30`` in the team's zone, or ISO 8601 with an offset.

    A date without a time is refused (it would go out at midnight), and so is a wall-clock time
    the zone skips or repeats when its clocks change: nothing is silently shifted or guessed.
    """
    cleaned = value.strip()
    shown = cleaned[:30]
    if _is_date_only(cleaned):
        raise InputError(
            f"'{shown}' has no time of day; add one, like {cleaned} 09:30.", field=field
        )
    try:
        parsed = datetime.fromisoformat(cleaned)
    except ValueError:
        parsed = None
        for fmt in _DATE_FORMATS:
            try:
                parsed = datetime.strptime(cleaned, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        raise InputError(f"'{shown}' is not a date and time; use YYYY-MM-DD HH:MM.", field=field)
    if parsed.tzinfo is not None:
        return parsed
    return _in_zone(parsed, zone=zone, shown=shown, field=field)


def _is_date_only(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _in_zone(naive: datetime, *, zone: ZoneInfo, shown: str, field: str) -> datetime:
    """``naive`` as a wall-clock time in ``zone``, refusing the hour a clock change skips or repeats."""
    earlier = naive.replace(tzinfo=zone, fold=0)
    later = naive.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() == later.utcoffset():
        return earlier
    back = earlier.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if back != naive:
        raise InputError(
            f"'{shown}' does not exist in {zone.key}: the clocks go forward then; "
            "pick a time outside that hour.",
            field=field,
        )
    first, second = _offset(earlier), _offset(later)
    raise InputError(
        f"'{shown}' happens twice in {zone.key} (the clocks go back); say which with its "
        f"offset: {naive:%Y-%m-%d %H:%M}{first} or {naive:%Y-%m-%d %H:%M}{second}.",
        field=field,
    )


def _offset(moment: datetime) -> str:
    minutes = int((moment.utcoffset() or timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@dataclass(frozen=True)
class CalendarWindow:
    first_day: date
    start_utc: datetime
    end_utc: datetime
    label: str


def calendar_window(args: str, *, now: datetime, zone: ZoneInfo) -> CalendarWindow:
    """``this week`` (default) or ``next week``: Monday to Sunday in the team's zone."""
    words = args.strip().lower().split()
    which = words[0] if words else "this"
    if which not in ("this", "next") or words[1:] not in ([], ["week"]):
        raise InputError("Try `/social calendar`, `/social calendar this week` or `next week`.")
    today = now.astimezone(zone).date()
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1 if which == "next" else 0)
    start = datetime.combine(monday, time(0), tzinfo=zone)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone)
    sunday = monday + timedelta(days=6)
    label = f"{'This' if which == 'this' else 'Next'} week, {monday:%d %b} to {sunday:%d %b}"
    return CalendarWindow(monday, start, end, label)


def parse_since(value: str, *, zone: ZoneInfo) -> datetime:
    """``2026-11-01`` (midnight in the team's zone) or a full date and time."""
    cleaned = value.strip()
    try:
        day = date.fromisoformat(cleaned)
    except ValueError:
        return parse_local_time(cleaned, zone=zone, field="since")
    return datetime.combine(day, time(0), tzinfo=zone)

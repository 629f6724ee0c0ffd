"""The 7-day chart: a real PNG of the right size, one group per local day, DST weeks included."""

from __future__ import annotations

import struct
import threading
from datetime import date, timedelta

from bot.blocks.digest_chart import DPI, HEIGHT_INCHES, WIDTH_INCHES, day_label, draw_week_chart
from bot.workflows.digests.history import DayRow

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def week(first: date, *, scale: int = 1) -> list[DayRow]:
    return [
        DayRow(
            day=first + timedelta(days=i),
            submitted=i,
            approved=i * scale,
            rejected=0,
            expired=0,
            median_time_to_approve=None,
            handoffs_opened=(7 - i) * scale,
            handoffs_claimed=0,
            handoffs_resolved=0,
            sla_breaches=0,
            median_time_to_claim=None,
            suggestions=3 * i * scale,
            answered_from_faq=0,
            sent_for_approval=0,
        )
        for i in range(7)
    ]


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_SIGNATURE)
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_chart_is_a_png_of_the_expected_size() -> None:
    data = draw_week_chart(week(date(2026, 11, 23)), title="Last 7 days")
    assert png_size(data) == (int(WIDTH_INCHES * DPI), int(HEIGHT_INCHES * DPI))
    assert data.endswith(b"IEND\xaeB`\x82")
    assert 5_000 < len(data) < 500_000


def test_a_dst_week_still_has_its_seven_local_days() -> None:
    # Europe/Berlin falls back on Sunday 2026-10-25: that day has 25 hours, still one day.
    rows = week(date(2026, 10, 19))
    assert [day_label(row) for row in rows] == [
        "Mon 19", "Tue 20", "Wed 21", "Thu 22", "Fri 23", "Sat 24", "Sun 25",
    ]  # fmt: skip
    assert png_size(draw_week_chart(rows, title="DST week")) == (900, 450)


def test_an_empty_week_and_a_huge_week_both_draw() -> None:
    assert draw_week_chart(week(date(2026, 3, 2), scale=0), title="quiet").startswith(PNG_SIGNATURE)
    assert draw_week_chart(week(date(2026, 3, 2), scale=10**6), title="busy").startswith(
        PNG_SIGNATURE
    )


def test_charts_drawn_in_threads_at_once_are_each_whole() -> None:
    # No pyplot: every chart has its own Figure, so threads do not draw into each other's.
    results: list[bytes] = []
    lock = threading.Lock()

    def draw(scale: int) -> None:
        data = draw_week_chart(week(date(2026, 3, 2), scale=scale), title=f"scale {scale}")
        with lock:
            results.append(data)

    threads = [threading.Thread(target=draw, args=(s,)) for s in range(1, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 4
    assert all(png_size(data) == (900, 450) for data in results)
    sequential = draw_week_chart(week(date(2026, 3, 2), scale=3), title="scale 3")
    assert sequential in results

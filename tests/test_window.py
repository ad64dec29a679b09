from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from analyzer.errors import UsageError
from analyzer.window import day_bounds, parse_zone, resolve_selection

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 1, 11, 9, 0, tzinfo=SHANGHAI)


def select(**options):
    defaults = dict(day=None, since=None, until=None, revision_range=None, branch="HEAD", zone=SHANGHAI, all_commits=False, now=NOW)
    defaults.update(options)
    return resolve_selection(**defaults)


def test_default_is_yesterday() -> None:
    selection = select()
    assert selection.label == "2026-01-10"
    assert selection.since == datetime(2026, 1, 10, tzinfo=SHANGHAI)
    assert selection.until == datetime(2026, 1, 11, tzinfo=SHANGHAI)
    assert selection.first_parent


def test_today_and_all_commits() -> None:
    selection = select(day="today", all_commits=True)
    assert selection.label == "2026-01-11"
    assert not selection.first_parent


def test_range_has_no_window() -> None:
    selection = select(revision_range="v1.0..main")
    assert selection.revisions == ("v1.0..main",)
    assert selection.since is None


def test_since_until_bare_dates_cover_whole_days() -> None:
    selection = select(since="2026-01-01", until="2026-01-07")
    assert selection.since == datetime(2026, 1, 1, tzinfo=SHANGHAI)
    assert selection.until == datetime(2026, 1, 8, tzinfo=SHANGHAI)


def test_dst_day_is_23_hours() -> None:
    start, end = day_bounds(datetime(2026, 3, 8).date(), ZoneInfo("America/New_York"))
    assert end.timestamp() - start.timestamp() == 23 * 3600


@pytest.mark.parametrize(
    ("options", "key"),
    [
        ({"day": "2026-13-01"}, "window.bad_date"),
        ({"day": "soon"}, "window.bad_date"),
        ({"since": "2026-01-02", "until": "2026-01-01"}, "window.reversed"),
        ({"since": "2026-01-02"}, "window.needs_both"),
        ({"since": "yesterday-ish", "until": "2026-01-03"}, "window.bad_time"),
        ({"day": "2026-01-01", "revision_range": "a..b"}, "window.conflict"),
        ({"revision_range": "main"}, "window.bad_range"),
    ],
)
def test_bad_window_options(options, key) -> None:
    with pytest.raises(UsageError) as raised:
        select(**options)
    assert raised.value.key == key
    assert raised.value.exit_code == 2


def test_unknown_zone() -> None:
    with pytest.raises(UsageError) as raised:
        parse_zone("Mars/Olympus")
    assert raised.value.key == "tz.unknown"

"""Which commits a run covers: a day, a time window or a revision range, in a time zone."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from analyzer.errors import UsageError


@dataclass(frozen=True, slots=True)
class Selection:
    """The commits of one run, as arguments for `git log` plus an optional time window."""

    revisions: tuple[str, ...]
    """Revision arguments for git log: ("HEAD",), ("A..B",) or ("<sha>", "--not", "--remotes")."""
    timezone: ZoneInfo
    """Zone of the window and of every printed time."""
    since: datetime | None = None
    """Start of the window by committer date, inclusive; None for no lower bound."""
    until: datetime | None = None
    """End of the window by committer date, exclusive; None for no upper bound."""
    first_parent: bool = True
    """Follow first parents only, so a day shows what landed on the branch."""
    label: str = ""
    """What the report title shows: a date, a window or a range."""


def local_zone() -> ZoneInfo:
    """Return the machine's IANA zone: `$TZ`, then /etc/timezone, then /etc/localtime; UTC if none names one."""
    candidates: list[str] = []
    if os.environ.get("TZ"):
        candidates.append(os.environ["TZ"].lstrip(":"))

    timezone_file = Path("/etc/timezone")
    if timezone_file.is_file():
        candidates.append(timezone_file.read_text(encoding="utf-8", errors="replace").strip())

    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])

    for name in candidates:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return ZoneInfo("UTC")


def parse_zone(name: str | None) -> ZoneInfo:
    """Return the zone named `name`, or the machine's zone when None."""
    if name is None:
        return local_zone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, IsADirectoryError):
        raise UsageError("tz.unknown", value=name) from None


def parse_day(value: str, zone: ZoneInfo, now: datetime) -> date:
    """Parse `YYYY-MM-DD`, `today` or `yesterday` (relative to `now` in `zone`)."""
    today = now.astimezone(zone).date()
    if value == "today":
        return today
    if value == "yesterday":
        return today - timedelta(days=1)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError("window.bad_date", value=value) from None


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Return [00:00, next day 00:00) of `day` in `zone`, correct across DST changes."""
    try:
        start = datetime.combine(day, time.min, tzinfo=zone)
        end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
        # git receives Unix times, and computing one overflows at the ends of the calendar.
        start.timestamp(), end.timestamp()
    except (OverflowError, ValueError):
        raise UsageError("window.out_of_range", value=day.isoformat()) from None
    return start, end


def parse_instant(value: str, zone: ZoneInfo, *, end_of_day: bool) -> datetime:
    """Parse a `--since`/`--until` value; a bare date means its start, or with `end_of_day` its end."""
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            start, end = day_bounds(day, zone)
            return end if end_of_day else start
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError("window.bad_time", value=value) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    try:
        moment.timestamp()
    except (OverflowError, ValueError):
        raise UsageError("window.out_of_range", value=value) from None
    return moment


def resolve_selection(
    *,
    day: str | None,
    since: str | None,
    until: str | None,
    revision_range: str | None,
    branch: str,
    zone: ZoneInfo,
    all_commits: bool,
    now: datetime | None = None,
) -> Selection:
    """Turn the window options of `analyzer report` into a Selection; no window means yesterday."""
    now = now or datetime.now(tz=zone)
    chosen = sum(option is not None for option in (day, revision_range)) + (since is not None or until is not None)
    if chosen > 1:
        raise UsageError("window.conflict")

    first_parent = not all_commits
    if branch.startswith("-"):
        # No ref name starts with a dash; git log would take it as an option
        # (for example --output=FILE, which writes a file).
        raise UsageError("window.bad_branch", value=branch)

    if revision_range is not None:
        if ".." not in revision_range or revision_range.startswith("-"):
            raise UsageError("window.bad_range", value=revision_range)
        start, _, end = revision_range.partition("..")
        if not end.lstrip(".") and not start:
            raise UsageError("window.bad_range", value=revision_range)
        return Selection(
            revisions=(revision_range,),
            timezone=zone,
            first_parent=first_parent,
            label=revision_range,
        )

    if since is not None or until is not None:
        if since is None or until is None:
            raise UsageError("window.needs_both")
        start_time = parse_instant(since, zone, end_of_day=False)
        end_time = parse_instant(until, zone, end_of_day=True)
        if start_time >= end_time:
            raise UsageError("window.reversed", since=since, until=until)
        return Selection(
            revisions=(branch,),
            timezone=zone,
            since=start_time,
            until=end_time,
            first_parent=first_parent,
            label=f"{since} – {until}",
        )

    chosen_day = parse_day(day or "yesterday", zone, now)
    start_time, end_time = day_bounds(chosen_day, zone)
    return Selection(
        revisions=(branch,),
        timezone=zone,
        since=start_time,
        until=end_time,
        first_parent=first_parent,
        label=chosen_day.isoformat(),
    )

"""The report as data: what every renderer (Markdown, JSON, terminal) shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from analyzer.pipeline import RepositoryAnalysis

if TYPE_CHECKING:
    from analyzer.llm.stage import ModelSummary


@dataclass(slots=True)
class Report:
    """One run's report over one or more repositories."""

    label: str
    """The date (`2026-01-10`), window or range the report covers."""
    single_day: bool
    """True when the report covers one calendar day; titles and stats then say 每日/本日."""
    timezone: str
    """IANA name of the zone every time is printed in."""
    generated_at: datetime
    since: datetime | None
    until: datetime | None
    model: ModelSummary | None
    """The model run, or None when no model wrote anything (`--no-llm`)."""
    repositories: list[RepositoryAnalysis]

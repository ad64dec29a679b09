"""The analysis pipeline for one repository: read, facts, rating, text."""

from __future__ import annotations

from dataclasses import dataclass, field

from analyzer.commit import Commit
from analyzer.facts import CommitFacts
from analyzer.rating import Rating
from analyzer.sections import Sections


@dataclass(slots=True)
class AnalyzedCommit:
    """A commit with its facts, rating and the text of every section."""

    commit: Commit
    facts: CommitFacts
    rating: Rating
    sections: Sections
    written_by: dict[str, str] = field(default_factory=dict)
    """Section name to `rules` or `model`."""
    coverage: str | None = None
    """What part of the diff the model saw (files whole, clipped, skipped); None without a model."""

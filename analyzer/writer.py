"""Deterministic writer: Chinese text for every section from facts alone."""

from __future__ import annotations

from analyzer.commit import Commit
from analyzer.facts import CommitFacts
from analyzer.rating import Rating
from analyzer.rules import RuleSet
from analyzer.sections import Sections


def write_sections(commit: Commit, facts: CommitFacts, rating: Rating, rules: RuleSet) -> Sections:
    """Write every section of `commit` from its facts, so a report is complete without a model."""
    # NOTE: placeholder until the rules engine lands.
    return Sections(summary=f"{rating.change_type}：{facts.conventional.description}", scope="、".join(facts.components))

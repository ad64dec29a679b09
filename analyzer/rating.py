"""Rating: importance level and change type from a commit's facts and the rules.

The score is the sum of the points of every scoring rule whose condition holds;
`[thresholds]` turns it into 高/中/低. The change type comes from the first
change-type rule that holds. Both are fully determined by the rule files, so
`Rating.fired` explains every level; the model never decides it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from analyzer.commit import Commit
from analyzer.facts import CommitFacts, subject_has_keyword
from analyzer.rules import Condition, RuleSet

NOT_CONVENTIONAL = "none"
"""The `types` value that stands for a subject without a conventional type."""


class Importance(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def label(self) -> str:
        """Chinese label as the report prints it."""
        return {"high": "高", "medium": "中", "low": "低"}[self.value]


@dataclass(slots=True)
class FiredRule:
    """One rule that contributed to a rating."""

    name: str
    points: int
    reason: str
    """Chinese sentence saying why the rule applies."""
    block: bool = False
    """The pre-push review blocks the branch when this rule fires."""


@dataclass(slots=True)
class Rating:
    """The rating of one commit and the rules behind it."""

    importance: Importance
    change_type: str
    """Chinese change type, for example 功能增强 or Bug修复."""
    score: int = 0
    fired: list[FiredRule] = field(default_factory=list)
    type_rule: str = ""
    """Name of the change-type rule that chose `change_type`."""

    @property
    def blocked(self) -> bool:
        return any(rule.block for rule in self.fired)


def condition_holds(condition: Condition, commit: Commit, facts: CommitFacts, rules: RuleSet) -> bool:
    """True when every condition that is set holds for the commit."""
    # Each check is a pure test, so returning at the first one that fails
    # gives the same result as evaluating them all.
    kind = facts.conventional.type or NOT_CONVENTIONAL

    # What the author declared in the subject.
    if condition.types and kind not in condition.types:
        return False
    if condition.not_types and kind in condition.not_types:
        return False
    if condition.scopes and (facts.conventional.scope or "").lower() not in condition.scopes:
        return False
    if condition.breaking is not None and facts.conventional.breaking != condition.breaking:
        return False
    if condition.revert is not None and facts.conventional.revert != condition.revert:
        return False
    if condition.merge is not None and facts.merge != condition.merge:
        return False

    # Which paths changed.
    if condition.categories:
        if not any(name in facts.categories for name in condition.categories):
            return False
        if condition.min_category_files:
            members = {path for name in condition.categories for path in facts.category_files.get(name, [])}
            if len(members) < condition.min_category_files:
                return False
    if condition.only_categories:
        allowed = {path for name in condition.only_categories for path in facts.category_files.get(name, [])}
        if not facts.paths or not all(path in allowed for path in facts.paths):
            return False

    # What the diff lines and the size show.
    if condition.detectors and not facts.hit_kinds() & set(condition.detectors):
        return False
    if condition.min_lines and facts.lines_counted < condition.min_lines:
        return False
    if condition.max_lines is not None and facts.lines_counted > condition.max_lines:
        return False
    if condition.min_files and len(facts.paths) < condition.min_files:
        return False
    if condition.min_components and len(facts.components) < condition.min_components:
        return False
    # The keyword test costs the most, so it runs last.
    if condition.keywords:
        return subject_has_keyword(facts.conventional.description or commit.subject, condition.keywords)
    return True


def rate(commit: Commit, facts: CommitFacts, rules: RuleSet) -> Rating:
    """Rate `commit` from `facts` under `rules`."""
    fired: list[FiredRule] = []
    for rule in rules.rules.values():
        if rule.enabled and condition_holds(rule.condition, commit, facts, rules):
            fired.append(FiredRule(rule.name, rule.points, rule.reason, rule.block))
    score = sum(rule.points for rule in fired)

    if score >= rules.thresholds.high:
        importance = Importance.HIGH
    elif score >= rules.thresholds.medium:
        importance = Importance.MEDIUM
    else:
        importance = Importance.LOW

    change_type, type_rule = "功能增强", ""
    for candidate in rules.types:
        if candidate.enabled and condition_holds(candidate.condition, commit, facts, rules):
            change_type, type_rule = candidate.change_type, candidate.name
            break
    # NOTE: with every default type rule disabled, 功能增强 is the built-in fallback.

    return Rating(importance=importance, change_type=change_type, score=score, fired=fired, type_rule=type_rule)

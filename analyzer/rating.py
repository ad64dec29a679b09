"""Rating: importance level and change type from a commit's facts and the rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from analyzer.commit import Commit
from analyzer.facts import CommitFacts
from analyzer.rules import RuleSet


class Importance(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(slots=True)
class FiredRule:
    """One rule that contributed to a rating."""

    name: str
    points: int
    reason: str
    """Chinese sentence saying why the rule applies."""


@dataclass(slots=True)
class Rating:
    """The rating of one commit and the rules behind it."""

    importance: Importance
    change_type: str
    """Chinese change type, for example 功能增强 or Bug修复."""
    score: int = 0
    fired: list[FiredRule] = field(default_factory=list)


_TYPES = {"feat": "功能增强", "fix": "Bug修复", "docs": "文档更新", "ci": "CI/自动化", "test": "测试修改", "perf": "性能优化", "refactor": "重构"}


def rate(commit: Commit, facts: CommitFacts, rules: RuleSet) -> Rating:
    """Rate `commit` from `facts` under `rules`."""
    # NOTE: placeholder until the rules engine lands.
    change_type = _TYPES.get(facts.conventional.type or "", "配置变更")
    importance = Importance.HIGH if facts.conventional.type == "feat" else Importance.LOW
    return Rating(importance=importance, change_type=change_type)

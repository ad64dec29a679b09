"""Push gating: which findings of a review stop a push."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from analyzer.facts import DetectorHit
from analyzer.pipeline import AnalyzedCommit
from analyzer.rating import FiredRule, Importance


class FailOn(StrEnum):
    """Lowest importance level that blocks a push on its own (`none`: importance never blocks)."""

    HIGH = "high"
    MEDIUM = "medium"
    NONE = "none"


class FindingSource(StrEnum):
    DETECTOR = "detector"
    RULE = "rule"
    IMPORTANCE = "importance"


@dataclass(frozen=True, slots=True)
class Finding:
    """One reason to block a push, safe to print (detector details are already redacted)."""

    source: FindingSource
    kind: str
    """Detector kind (`secret`, ...), rule name, or the importance level."""
    sha: str
    path: str | None = None
    line: int | None = None
    detail: str = ""

    @property
    def short_sha(self) -> str:
        return self.sha[:7]


def hit_blocks(hit: DetectorHit) -> bool:
    """Return True when a detector hit blocks a push (by default only `secret` detectors block)."""
    return bool(hit.blocking)


def rule_blocks(rule: FiredRule) -> bool:
    """Return True when a fired rule is marked to block a push."""
    return rule.block


def importance_blocks(importance: Importance, fail_on: FailOn) -> bool:
    """Return True when `importance` reaches the `fail_on` threshold."""
    if fail_on is FailOn.HIGH:
        return importance is Importance.HIGH
    if fail_on is FailOn.MEDIUM:
        return importance in (Importance.HIGH, Importance.MEDIUM)
    return False


def find_blocking(commits: Iterable[AnalyzedCommit], fail_on: FailOn = FailOn.NONE) -> list[Finding]:
    """List every finding in `commits` that blocks the push, in commit order."""
    findings: list[Finding] = []
    for analyzed in commits:
        sha = analyzed.commit.sha

        for hit in analyzed.facts.hits:
            if hit_blocks(hit):
                findings.append(Finding(FindingSource.DETECTOR, hit.kind, sha, hit.path, hit.line, hit.detail))

        for rule in analyzed.rating.fired:
            if rule_blocks(rule):
                findings.append(Finding(FindingSource.RULE, rule.name, sha, detail=rule.reason))

        if importance_blocks(analyzed.rating.importance, fail_on):
            findings.append(Finding(FindingSource.IMPORTANCE, analyzed.rating.importance.value, sha))
    return findings

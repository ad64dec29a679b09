"""Facts about one commit: conventional header, path categories, components, detector hits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from analyzer.commit import Commit
from analyzer.rules import RuleSet


@dataclass(slots=True)
class Conventional:
    """The parsed conventional-commit header of a subject."""

    type: str | None
    """`feat`, `fix`, ... in lower case; None when the subject is not conventional."""
    scope: str | None = None
    breaking: bool = False
    """True for `type!:` or a `BREAKING CHANGE:` footer."""
    description: str = ""
    """The subject after `type(scope): `."""
    revert: bool = False


@dataclass(slots=True)
class DetectorHit:
    """One finding of a line detector, safe to show (secrets already redacted)."""

    kind: str
    """Detector id, for example `secret` or `cli-flag-removed`."""
    path: str
    """File the finding is in."""
    line: int | None
    """Line number in the new file (old file for removed lines); None when unknown."""
    detail: str
    """Short, redacted description of what was found."""


@dataclass(slots=True)
class CommitFacts:
    """Everything the rating and the writers know about a commit besides its text."""

    conventional: Conventional
    categories: list[str] = field(default_factory=list)
    """Names of the path categories that matched (ci, docs, tests, ...)."""
    components: list[str] = field(default_factory=list)
    """Components touched, for 影响范围."""
    hits: list[DetectorHit] = field(default_factory=list)


_HEADER = re.compile(r"^(?P<type>[a-zA-Z]+)(?:\((?P<scope>[^)]*)\))?(?P<bang>!)?:\s*(?P<desc>.*)$")


def build_facts(commit: Commit, rules: RuleSet) -> CommitFacts:
    """Collect the facts of `commit` under `rules`."""
    # NOTE: placeholder until the rules engine lands.
    match = _HEADER.match(commit.subject)
    if match is None:
        return CommitFacts(conventional=Conventional(type=None, description=commit.subject))
    conventional = Conventional(
        type=match["type"].lower(),
        scope=match["scope"],
        breaking=bool(match["bang"]),
        description=match["desc"],
    )
    components = sorted({"/".join(change.path.split("/")[:2]) for change in commit.files})
    return CommitFacts(conventional=conventional, components=components)

"""Conventional-commit parsing: type, scope, `!`, breaking-change footers and reverts."""

from __future__ import annotations

import re
from dataclasses import dataclass

# `type(scope)!: description`; types are letters, scopes anything but `)`.
_HEADER = re.compile(r"^(?P<type>[A-Za-z][A-Za-z-]*)(?:\((?P<scope>[^()]*)\))?(?P<bang>!)?: ?(?P<desc>.*)$")
# Footers per the Conventional Commits 1.0 spec: the token must start a line.
_BREAKING_FOOTER = re.compile(r"^BREAKING[ -]CHANGE: ?\S", re.MULTILINE)
# git's own revert subject, possibly nested: Revert "Revert "feat: x"".
_GIT_REVERT = re.compile(r'^Revert "(?P<inner>.*)"$')

# Types from the Conventional Commits and Angular conventions, with common
# spellings mapped to one name. Other `word: text` subjects, such as git.git's
# `area: description`, are not conventional.
TYPE_ALIASES = {
    "feat": "feat", "feature": "feat",
    "fix": "fix", "bugfix": "fix", "hotfix": "fix",
    "perf": "perf",
    "docs": "docs", "doc": "docs",
    "ci": "ci",
    "test": "test", "tests": "test",
    "refactor": "refactor",
    "style": "style",
    "chore": "chore",
    "build": "build",
    "deps": "chore",
    "revert": "revert",
}


@dataclass(slots=True)
class Conventional:
    """The parsed conventional-commit header of a subject."""

    type: str | None
    """`feat`, `fix`, ... in lower case; None when the subject is not conventional."""
    scope: str | None = None
    breaking: bool = False
    """True for `type!:` or a `BREAKING CHANGE:` / `BREAKING-CHANGE:` footer."""
    description: str = ""
    """The subject after `type(scope): `, or the whole subject when not conventional."""
    revert: bool = False
    """True for `revert:` subjects and git's `Revert "..."` subjects."""
    reverted_subject: str | None = None
    """For git's `Revert "..."`: the subject of the reverted commit."""


def parse_conventional(subject: str, body: str = "") -> Conventional:
    """Parse `subject` (and the footers in `body`) as a conventional commit."""
    subject = subject.strip()
    breaking_footer = bool(_BREAKING_FOOTER.search(body))

    revert = _GIT_REVERT.match(subject)
    if revert is not None:
        return Conventional(
            type="revert", breaking=breaking_footer, description=subject,
            revert=True, reverted_subject=revert["inner"],
        )

    header = _HEADER.match(subject)
    if header is None or not header["desc"].strip():
        return Conventional(type=None, breaking=breaking_footer, description=subject)

    kind = TYPE_ALIASES.get(header["type"].lower())
    if kind is None:
        return Conventional(type=None, breaking=breaking_footer, description=subject)
    scope = header["scope"].strip() if header["scope"] else None
    return Conventional(
        type=kind,
        scope=scope or None,
        breaking=bool(header["bang"]) or breaking_footer,
        description=header["desc"].strip(),
        revert=kind == "revert",
    )

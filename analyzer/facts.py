"""Facts about one commit: conventional header, path categories, components, detector hits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from analyzer.commit import Commit
from analyzer.components import components_of
from analyzer.conventional import Conventional, parse_conventional
from analyzer.detectors import DetectorHit, is_code, run_detectors
from analyzer.rules import RuleSet, normalise_path

__all__ = ["CommitFacts", "Conventional", "DetectorHit", "build_facts"]

# Tools rewrite these files in bulk, so their line counts do not measure the human change.
UNCOUNTED_CATEGORIES = frozenset({"lockfiles", "generated"})


@dataclass(slots=True)
class CommitFacts:
    """Everything the rating and the writers know about a commit besides its text."""

    conventional: Conventional
    categories: list[str] = field(default_factory=list)
    """Names of the path categories that matched (ci, docs, tests, ...), in rule-file order."""
    components: list[str] = field(default_factory=list)
    """Components touched, most files first, for 影响范围."""
    hits: list[DetectorHit] = field(default_factory=list)
    category_files: dict[str, list[str]] = field(default_factory=dict)
    """Category name to the paths that belong to it."""
    paths: list[str] = field(default_factory=list)
    """Every path the commit touches (new names of renames), repository-relative."""
    code_paths: list[str] = field(default_factory=list)
    """Paths of source code that is not a test, documentation or a generated file."""
    lines_added: int = 0
    lines_removed: int = 0
    lines_counted: int = 0
    """Added plus removed lines outside lockfiles and generated files, which tools rewrite in bulk."""
    files_added: int = 0
    files_deleted: int = 0
    files_renamed: int = 0
    binary_files: int = 0
    merge: bool = False
    """The commit is a merge; its facts describe the diff against the first parent."""

    @property
    def lines_changed(self) -> int:
        return self.lines_added + self.lines_removed

    @property
    def blocking_hits(self) -> list[DetectorHit]:
        return [hit for hit in self.hits if hit.blocking]

    def hit_kinds(self) -> set[str]:
        return {hit.kind for hit in self.hits}


def build_facts(commit: Commit, rules: RuleSet) -> CommitFacts:
    """Collect the facts of `commit` under `rules`."""
    paths = [normalise_path(change.path) for change in commit.files]

    # Category membership per file, then per commit with each category's quantifiers.
    per_file: dict[str, set[str]] = {path: set() for path in paths}
    category_files: dict[str, list[str]] = {}
    matched: list[str] = []
    for name, category in rules.categories.items():
        if not category.enabled:
            continue
        members = [path for path in paths if category.file_matches(path)]
        for path in members:
            per_file[path].add(name)
        if members:
            category_files[name] = members
        if category.matches(paths):
            matched.append(name)

    facts = CommitFacts(
        conventional=parse_conventional(commit.subject, commit.body),
        categories=matched,
        components=components_of(paths, rules),
        category_files=category_files,
        paths=paths,
        code_paths=[path for path in paths if is_code(path, per_file[path])],
        lines_added=sum(change.added for change in commit.files),
        lines_removed=sum(change.removed for change in commit.files),
        files_added=sum(1 for change in commit.files if change.status == "A"),
        files_deleted=sum(1 for change in commit.files if change.status == "D"),
        files_renamed=sum(1 for change in commit.files if change.status.startswith("R")),
        binary_files=sum(1 for change in commit.files if change.binary),
        merge=commit.is_merge,
    )
    facts.lines_counted = sum(
        change.added + change.removed for change in commit.files
        if not per_file[normalise_path(change.path)] & UNCOUNTED_CATEGORIES
    )
    facts.hits = run_detectors(commit, rules, per_file)
    return facts


_WORD = re.compile(r"[a-z0-9]+")


def subject_has_keyword(subject: str, keywords: tuple[str, ...]) -> bool:
    """True when `subject` contains one of `keywords`: whole words for ASCII, substrings for CJK."""
    lowered = subject.lower()
    words = set(_WORD.findall(lowered))
    joined = " ".join(_WORD.findall(lowered))
    for keyword in keywords:
        if keyword.isascii():
            # "pre-commit" and "clean up" match as phrases of whole words.
            phrase = " ".join(_WORD.findall(keyword))
            if (" " in phrase and f" {phrase} " in f" {joined} ") or phrase in words:
                return True
        elif keyword in lowered:
            return True
    return False

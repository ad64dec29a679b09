"""The analysis pipeline for one repository: read, facts, rating, text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from analyzer.commit import Commit
from analyzer.detectors import DetectorHit
from analyzer.facts import CommitFacts, build_facts
from analyzer.log import PATCH_TEXT_BUDGET, read_commits
from analyzer.rating import Rating, rate
from analyzer.repo import Repository
from analyzer.redact import find_secrets, redact
from analyzer.rules import RuleSet
from analyzer.sections import SECTION_NAMES, WRITER_RULES, Sections
from analyzer.store import CommitStore
from analyzer.window import Selection
from analyzer.writer import write_sections


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
    """Coverage line of the diff the model read (files whole, clipped, skipped); None without a model."""


@dataclass(slots=True)
class RepositoryAnalysis:
    """All analyzed commits of one repository in the selection."""

    repository: Repository
    commits: CommitStore
    """Newest first, in git log order; on disk except those the model stage rewrites."""
    shallow_boundary: list[str] = field(default_factory=list)
    """Short ids of commits at a shallow clone's boundary, whose diff is unknown."""


MESSAGE_PATH = "提交信息"
"""`DetectorHit.path` of a finding in the commit message rather than in a file."""


def redact_message(commit: Commit, rules: RuleSet) -> list[DetectorHit]:
    """Replace credentials in the subject and body with markers; return one finding per credential.

    Every later stage and renderer gets only the redacted text, so a token
    pasted into a commit message reaches no report, prompt or log.
    """
    labels = rules.text.get("secret_kinds", {})
    template = rules.text.get("detail", {}).get("secret", "{label}")
    hits: list[DetectorHit] = []
    for text in (commit.subject, commit.body):
        for kind, _start, _end in find_secrets(text):
            detail = template.format(label=labels.get(kind, kind))
            hits.append(DetectorHit("secret", MESSAGE_PATH, None, detail, rules.detectors["secret"].blocking))
    if hits:
        commit.subject = redact(commit.subject)
        commit.body = redact(commit.body)
    return hits


def analyze_commit(commit: Commit, rules: RuleSet) -> AnalyzedCommit:
    """Run facts, rating and the deterministic writer on one commit."""
    message_hits = redact_message(commit, rules)
    facts = build_facts(commit, rules)
    facts.hits[:0] = message_hits
    rating = rate(commit, facts, rules)
    sections = write_sections(commit, facts, rating, rules)
    written_by = {name: WRITER_RULES for name in SECTION_NAMES}
    return AnalyzedCommit(commit=commit, facts=facts, rating=rating, sections=sections, written_by=written_by)


def analyze_repository(
    repository: Repository,
    selection: Selection,
    rules: RuleSet,
    keep_content: Callable[[AnalyzedCommit], bool] | None = None,
    text_budget: int | None = PATCH_TEXT_BUDGET,
) -> RepositoryAnalysis:
    """Read and analyze every commit of `selection` in `repository`.

    Each commit goes to the store's temporary file right after it is analyzed,
    without its patch and line text, so memory stays flat however long the
    range. Commits for which `keep_content` returns True stay in memory with
    their diff, because the model stage reads the diff and rewrites their text.
    `text_budget` caps the patch bytes kept per commit (None: no cap).
    """
    # NOTE: with a model, the commits it rewrites stay in memory with their
    # diffs, so a model run over a very long range is not flat. Such a run
    # would take hours of model time anyway.
    store = CommitStore()
    boundary: list[str] = []

    for commit in read_commits(repository, selection, text_budget):
        result = analyze_commit(commit, rules)
        keep = keep_content is not None and keep_content(result)
        if not keep:
            commit.drop_content()
        if commit.shallow_boundary:
            boundary.append(commit.short_sha)
        store.append(result, keep=keep)

    return RepositoryAnalysis(repository=repository, commits=store, shallow_boundary=boundary)

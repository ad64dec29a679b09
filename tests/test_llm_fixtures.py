"""Shared helpers for the model-stage tests: real git repositories and the embedded model.

This module contains no tests. The model is loaded once per test session through
`embedded_engine()`, whichever test file calls it first.
"""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

from analyzer.commit import Commit
from analyzer.llm.catalog import resolve_model
from analyzer.llm.engine import Engine
from analyzer.log import read_commits
from analyzer.pipeline import AnalyzedCommit, RepositoryAnalysis, analyze_commit
from analyzer.rating import Importance
from analyzer.repo import open_repository
from analyzer.rules import load_rules
from analyzer.store import CommitStore
from analyzer.window import Selection
from analyzer.writer import write_sections

# Wall-clock limit for model calls in tests that are not about timeouts: the
# tests must pass on a slow or heavily loaded machine, and speed is measured
# by the benchmarks instead.
GENEROUS_TIMEOUT_S = 900.0


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def make_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.name", "Test Author")
    git(path, "config", "user.email", "author@example.com")
    git(path, "config", "commit.gpgsign", "false")
    return path


def commit_files(repo: Path, message: str, files: dict[str, str | bytes | None]) -> str:
    """Write (str, bytes) or delete (None) files, commit them, return the new sha."""
    for name, content in files.items():
        target = repo / name
        if content is None:
            git(repo, "rm", "-q", name)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        git(repo, "add", name)
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def read_commit(repo: Path, sha: str) -> Commit:
    """Read one commit with the analyzer's own git log reader."""
    selection = Selection(revisions=(sha,), timezone=ZoneInfo("UTC"))
    for commit in read_commits(open_repository(repo), selection):
        if commit.sha == sha:
            return commit
    raise LookupError(sha)


def analyze(repo: Path, sha: str, importance: Importance) -> AnalyzedCommit:
    """Analyze a commit with the real pipeline, then force its importance and rewrite its rules text."""
    rules = load_rules(repo)
    analyzed = analyze_commit(read_commit(repo, sha), rules)
    analyzed.rating.importance = importance
    analyzed.sections = write_sections(analyzed.commit, analyzed.facts, analyzed.rating, rules)
    return analyzed


def repository_analysis(repo: Path, commits: list[AnalyzedCommit]) -> RepositoryAnalysis:
    return RepositoryAnalysis(repository=open_repository(repo), commits=CommitStore(commits))


@functools.cache
def embedded_engine() -> Engine:
    """Load the embedded model once per session (assembled into the user's data folder if needed)."""
    return Engine(resolve_model("gemma3-270m"))

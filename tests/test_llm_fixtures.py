"""Shared helpers for the model-stage tests: real git repositories and the embedded model.

This module contains no tests. The model is loaded once per test session through
`embedded_engine()`, whichever test file asks first.
"""

from __future__ import annotations

import functools
import subprocess
from datetime import datetime
from pathlib import Path

from analyzer.commit import Commit, FileChange
from analyzer.facts import build_facts
from analyzer.llm.catalog import resolve_model
from analyzer.llm.engine import Engine
from analyzer.pipeline import AnalyzedCommit
from analyzer.rating import Importance, Rating
from analyzer.rules import load_rules
from analyzer.writer import write_sections


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
    """Read one commit with git's raw, numstat and patch output (one process per part; tests only)."""
    meta = git(repo, "show", "-s", "--format=%P%x00%an%x00%ae%x00%aI%x00%cI%x00%s%x00%b", sha)
    parents, author, email, author_time, committer_time, subject, body = meta.split("\x00")

    changes: dict[str, FileChange] = {}
    for line in git(repo, "show", "--format=", "--raw", "--no-abbrev", "-M", sha).splitlines():
        info, *paths = line.split("\t")
        old_mode, new_mode, _old, _new, status = info.lstrip(":").split()
        path = paths[-1]
        changes[path] = FileChange(
            path=path,
            status=status[0],
            old_path=paths[0] if len(paths) == 2 else None,
            old_mode=old_mode,
            new_mode=new_mode,
        )

    for line in git(repo, "show", "--format=", "--numstat", "-M", sha).splitlines():
        added, removed, path = line.split("\t")
        path = path.split(" => ")[-1].rstrip("}")
        change = changes.get(path)
        if change is None:
            continue
        change.binary = added == "-"
        change.added = 0 if change.binary else int(added)
        change.removed = 0 if change.binary else int(removed)

    for change in changes.values():
        paths = [change.path] if change.old_path is None else [change.old_path, change.path]
        change.patch = git(repo, "show", "--format=", "-M", sha, "--", *paths)
        for line in change.patch.splitlines():
            if line.startswith("+") and not line.startswith("+++"):
                change.added_lines.append(line[1:])
            elif line.startswith("-") and not line.startswith("---"):
                change.removed_lines.append(line[1:])

    return Commit(
        sha=sha,
        parents=tuple(parents.split()),
        author_name=author,
        author_email=email,
        author_time=datetime.fromisoformat(author_time),
        committer_time=datetime.fromisoformat(committer_time),
        subject=subject,
        body=body.strip(),
        files=list(changes.values()),
    )


def analyze(repo: Path, sha: str, importance: Importance, change_type: str = "功能增强") -> AnalyzedCommit:
    """Build an AnalyzedCommit with the deterministic writer's sections and the given rating."""
    rules = load_rules(repo)
    commit = read_commit(repo, sha)
    facts = build_facts(commit, rules)
    rating = Rating(importance=importance, change_type=change_type)
    sections = write_sections(commit, facts, rating, rules)
    return AnalyzedCommit(commit=commit, facts=facts, rating=rating, sections=sections)


@functools.cache
def embedded_engine() -> Engine:
    """Load the embedded model once per session (assembled into the user's data folder if needed)."""
    return Engine(resolve_model("gemma3-270m"))

"""The commit store: analyzed commits on disk, read back in git log order or by level."""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from analyzer.errors import AnalyzerError
from analyzer.pipeline import AnalyzedCommit, analyze_repository
from analyzer.repo import open_repository
from analyzer.rules import load_rules
from analyzer.store import LEVELS, CommitStore
from analyzer.window import Selection
from tests.gitrepo import GitRepo

# Subjects that the default rules rate at all three levels.
SUBJECTS = [
    ("feat: add the router", "src/router/route.py", "def route():\n    return 1\n"),
    ("docs: explain setup", "docs/setup.md", "# Setup\n"),
    ("ci: run tests on push", ".github/workflows/test.yml", "on: push\n"),
    ("fix: handle empty input", "src/router/route.py", "def route():\n    return 2\n"),
    ("docs: typo", "docs/setup.md", "# Set up\n"),
]


@pytest.fixture
def analyzed(tmp_path: Path) -> list[AnalyzedCommit]:
    """The commits of a real repository, analyzed and kept in memory, newest first."""
    repo = GitRepo(tmp_path / "repo")
    for index, (subject, path, content) in enumerate(SUBJECTS):
        repo.write(path, content)
        repo.commit(subject, when=f"2026-01-10T{10 + index:02d}:00:00+00:00")
    repository = open_repository(repo.path)
    selection = Selection(revisions=("HEAD",), timezone=ZoneInfo("UTC"), first_parent=True, label="HEAD")
    keep_all = analyze_repository(repository, selection, load_rules(repository.path), keep_content=lambda _: True)
    return keep_all.commits.kept()


def spilled(items: list[AnalyzedCommit]) -> CommitStore:
    store = CommitStore()
    for item in items:
        store.append(copy.deepcopy(item))
    return store


def test_store_keeps_git_log_order(analyzed: list[AnalyzedCommit]) -> None:
    store = spilled(analyzed)

    assert len(store) == len(SUBJECTS)
    assert [item.commit.sha for item in store] == [item.commit.sha for item in analyzed]
    assert [item.sections for item in store] == [item.sections for item in analyzed]
    assert [item.facts.paths for item in store] == [item.facts.paths for item in analyzed]
    assert list(store) == analyzed
    assert store.kept() == []


def test_store_levels_and_heads(analyzed: list[AnalyzedCommit]) -> None:
    store = spilled(analyzed)
    levels = {item.rating.importance for item in analyzed}
    assert len(levels) >= 2, "the fixture should cover several levels"

    for level in LEVELS:
        expected = [item.commit.sha for item in analyzed if item.rating.importance is level]
        assert [item.commit.sha for item in store.at_level(level)] == expected
        assert [head.sha for head in store.heads(level)] == expected
        assert store.count(level) == len(expected)

    heads = list(store.heads())
    assert [head.subject for head in heads] == [item.commit.subject for item in analyzed]
    assert [head.committer_time for head in heads] == [item.commit.committer_time for item in analyzed]


def test_store_keeps_same_objects(analyzed: list[AnalyzedCommit]) -> None:
    store = CommitStore()
    for number, item in enumerate(analyzed):
        store.append(item, keep=number % 2 == 0)

    in_memory = store.kept()
    assert in_memory == analyzed[::2]
    assert all(a is b for a, b in zip(in_memory, analyzed[::2]))

    # A change to a commit held in memory shows when the store is read; a change to a
    # copy read back from disk does not.
    in_memory[0].sections.summary = "rewritten"
    next(item for item in store if item.commit.sha == analyzed[1].commit.sha).sections.summary = "lost"
    read = {item.commit.sha: item.sections.summary for item in store}
    assert read[analyzed[0].commit.sha] == "rewritten"
    assert read[analyzed[1].commit.sha] == analyzed[1].sections.summary

    for level in LEVELS:
        expected = [item.commit.sha for item in analyzed if item.rating.importance is level]
        assert [item.commit.sha for item in store.at_level(level)] == expected


def test_store_readers_do_not_disturb_appends(analyzed: list[AnalyzedCommit]) -> None:
    store = spilled(analyzed[:2])
    reader = iter(store)
    first = next(reader)

    for item in analyzed[2:]:
        store.append(copy.deepcopy(item))

    assert first.commit.sha == analyzed[0].commit.sha
    # Two readers at once, each from the start.
    assert [(a.commit.sha, b.commit.sha) for a, b in zip(store, store)] == [
        (item.commit.sha, item.commit.sha) for item in analyzed
    ]


def test_store_close_empties(analyzed: list[AnalyzedCommit]) -> None:
    store = spilled(analyzed)
    store.close()

    assert len(store) == 0
    assert not store
    assert list(store) == []
    assert all(store.count(level) == 0 for level in LEVELS)


def test_store_unwritable_temporary_folder(analyzed: list[AnalyzedCommit], monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    store = CommitStore()

    with pytest.raises(AnalyzerError) as raised:
        store.append(copy.deepcopy(analyzed[0]))

    assert raised.value.key == "store.failed"
    assert len(store) == 0

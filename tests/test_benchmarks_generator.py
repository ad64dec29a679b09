"""The synthetic history generator used by the benchmarks, checked against git itself."""

from __future__ import annotations

import subprocess
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import pytest

from benchmarks.synth import COMMIT_KINDS, SynthSpec, ensure_history, generate


def git(repository: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", "-C", str(repository), *args], check=True, capture_output=True, text=True
    )
    return completed.stdout


def status_counts(repository: Path) -> Counter[str]:
    """Count name-status letters over the first parent of every non-merge commit."""
    output = git(repository, "log", "--no-merges", "-M", "--name-status", "--format=")
    return Counter(line[0] for line in output.splitlines() if line)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    path = tmp_path_factory.mktemp("synth") / "repo"
    summary = generate(path, SynthSpec(commits=400, seed=7, merge_every=20))
    return path, asdict(summary)


def test_synth_commit_count(history: tuple[Path, dict]) -> None:
    path, summary = history

    assert int(git(path, "rev-list", "--count", "HEAD")) == 400
    assert summary["commits"] == 400
    assert int(git(path, "rev-list", "--count", "--first-parent", "HEAD")) == summary["first_parent_commits"]
    assert int(git(path, "rev-list", "--count", "--merges", "HEAD")) == summary["merges"]
    assert summary["merges"] > 0


def test_synth_head_matches(history: tuple[Path, dict]) -> None:
    path, summary = history

    assert git(path, "rev-parse", "HEAD").strip() == summary["head"]


def test_synth_every_kind(history: tuple[Path, dict]) -> None:
    _, summary = history

    assert set(summary["kinds"]) == set(COMMIT_KINDS)
    assert all(count > 0 for count in summary["kinds"].values())


def test_synth_operations_match_git(history: tuple[Path, dict]) -> None:
    path, summary = history
    statuses = status_counts(path)
    operations = summary["operations"]

    # Merge commits repeat their side commit's change, so `--no-merges` counts each once.
    assert statuses["R"] == operations["R"]
    assert statuses["D"] == operations["D"]
    assert statuses["A"] == operations["A"]


def test_synth_file_kinds(history: tuple[Path, dict]) -> None:
    path, _ = history
    names = git(path, "log", "--no-merges", "--name-only", "--format=").splitlines()
    numstat = git(path, "log", "--no-merges", "--numstat", "--format=").splitlines()
    summary_lines = git(path, "log", "--no-merges", "--summary", "--format=")

    assert any(name.startswith(".github/workflows/") for name in names)
    assert "requirements.txt" in names
    assert any(name.endswith(".md") for name in names)
    assert any(name.startswith("src/") and name.endswith(".py") for name in names)
    assert any(line.startswith("-\t-\t") and line.endswith(".png") for line in numstat)
    assert "mode change 100644 => 100755" in summary_lines or "mode change 100755 => 100644" in summary_lines


def test_synth_deps_bump_subject(history: tuple[Path, dict]) -> None:
    path, summary = history
    subjects = git(path, "log", "--no-merges", "--format=%s", "--", "requirements.txt").splitlines()

    # The root commit adds the file; every other commit that touches it is a bump.
    bumps = [subject for subject in subjects if subject.startswith("build(deps): bump ")]
    assert len(bumps) == len(subjects) - 1
    assert len(bumps) <= summary["kinds"]["deps"]


def test_synth_spreads_days(history: tuple[Path, dict]) -> None:
    path, summary = history
    days = set(git(path, "log", "--format=%cd", "--date=format-local:%Y-%m-%d").split())

    # 400 commits at a mean of 20 a day span about 20 days.
    expected_days = summary["commits"] / summary["spec"]["per_day"]
    assert len(days) >= expected_days / 2


def test_synth_deterministic(tmp_path: Path) -> None:
    spec = SynthSpec(commits=60, seed=3)
    first = generate(tmp_path / "first", spec)
    second = generate(tmp_path / "second", spec)
    other = generate(tmp_path / "other", SynthSpec(commits=60, seed=4))

    assert first.head == second.head
    assert first.head != other.head


def test_synth_existing_folder(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()

    with pytest.raises(FileExistsError):
        generate(tmp_path / "taken", SynthSpec(commits=5))


def test_ensure_history_reuses(tmp_path: Path) -> None:
    spec = SynthSpec(commits=30, seed=5)
    built = ensure_history(tmp_path / "repo", spec)
    marker = tmp_path / "repo" / "untracked-marker"
    marker.write_text("kept when the history is reused\n")

    reused = ensure_history(tmp_path / "repo", spec)
    assert reused == built
    assert marker.exists()

    rebuilt = ensure_history(tmp_path / "repo", SynthSpec(commits=31, seed=5))
    assert rebuilt["commits"] == 31
    assert not marker.exists()


def test_ensure_history_foreign_folder(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("not a synthetic history\n")

    with pytest.raises(FileExistsError):
        ensure_history(tmp_path / "mine", SynthSpec(commits=5))
    assert (tmp_path / "mine" / "notes.txt").exists()


def test_reader_matches_numstat(history: tuple[Path, dict], monkeypatch: pytest.MonkeyPatch) -> None:
    from zoneinfo import ZoneInfo

    import analyzer.log
    from analyzer.log import read_commits
    from analyzer.repo import open_repository
    from analyzer.window import Selection

    path, summary = history

    # Small chunks make commits straddle chunk borders and fill the read-ahead queue.
    monkeypatch.setattr(analyzer.log, "READ_CHUNK_BYTES", 4096)
    selection = Selection(revisions=("HEAD",), timezone=ZoneInfo("UTC"), first_parent=False)
    commits = list(read_commits(open_repository(path), selection))

    numstat = git(path, "log", "-z", "-M", "-C", "--diff-merges=first-parent", "--numstat", "--format=@%H")
    tokens = iter(numstat.split("\0"))
    expected: dict[tuple[str, str], tuple[int, int, bool]] = {}
    sha = ""
    for token in tokens:
        token = token.lstrip("\n")
        if token.startswith("@"):
            sha = token[1:]
            continue
        if not token:
            continue
        added, removed, name = token.split("\t", 2)
        if not name:
            # A rename or copy: the old and the new path follow as their own fields.
            next(tokens)
            name = next(tokens)
        binary = added == "-"
        expected[(sha, name)] = (0 if binary else int(added), 0 if binary else int(removed), binary)

    read = {
        (commit.sha, change.path): (change.added, change.removed, change.binary)
        for commit in commits
        for change in commit.files
    }
    assert len(commits) == summary["commits"]
    assert read == expected

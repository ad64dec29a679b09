from __future__ import annotations

import os
import subprocess
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from analyzer.errors import AnalyzerError
from analyzer.log import read_commits, split_message
from analyzer.repo import open_repository
from analyzer.window import Selection, resolve_selection
from tests.gitrepo import GitRepo

UTC = ZoneInfo("UTC")


def read_all(repo: GitRepo, *, first_parent: bool = True, revisions: tuple[str, ...] = ("HEAD",)):
    selection = Selection(revisions=revisions, timezone=UTC, first_parent=first_parent)
    return list(read_commits(open_repository(repo.path), selection))


def by_path(commit):
    return {change.path: change for change in commit.files}


def test_read_statuses_counts_and_lines(repo: GitRepo) -> None:
    repo.write("keep.txt", "one\ntwo\nthree\n")
    repo.write("gone.txt", "bye\n")
    repo.write("old name.txt", "a\nb\nc\nd\ne\n")
    repo.commit("root commit", when="2026-01-09T10:00:00+00:00")

    repo.write("keep.txt", "one\n2\nthree\nfour\n")
    (repo.path / "gone.txt").unlink()
    repo.git("mv", "old name.txt", "new name.txt")
    repo.write("bin.dat", b"\x00\x01\x02binary")
    repo.commit("feat(core): change things\n\nA body line.\n\nBREAKING CHANGE: yes", when="2026-01-10T10:00:00+00:00")

    newest, root = read_all(repo)
    assert newest.subject == "feat(core): change things"
    assert newest.body == "A body line.\n\nBREAKING CHANGE: yes"
    assert root.is_root
    assert newest.parents == (root.sha,)

    files = by_path(newest)
    assert set(files) == {"keep.txt", "gone.txt", "new name.txt", "bin.dat"}
    assert files["keep.txt"].status == "M"
    assert (files["keep.txt"].added, files["keep.txt"].removed) == (2, 1)
    assert files["keep.txt"].added_lines == ["2", "four"]
    assert files["keep.txt"].removed_lines == ["two"]
    assert files["gone.txt"].status == "D"
    assert files["gone.txt"].removed_lines == ["bye"]
    assert files["new name.txt"].status == "R"
    assert files["new name.txt"].old_path == "old name.txt"
    assert files["new name.txt"].similarity == 100
    assert files["bin.dat"].binary
    assert files["bin.dat"].added == 0
    assert files["bin.dat"].patch.startswith("diff --git ")


def test_read_mode_change_and_symlink(repo: GitRepo) -> None:
    repo.write("run.sh", "echo hi\n")
    repo.write("target.txt", "x\n")
    repo.commit("root")
    os.chmod(repo.path / "run.sh", 0o755)
    (repo.path / "target.txt").unlink()
    os.symlink("run.sh", repo.path / "target.txt")
    repo.commit("mode and type change")

    newest = read_all(repo)[0]
    files = by_path(newest)
    assert files["run.sh"].mode_changed
    assert files["run.sh"].new_mode == "100755"
    assert files["target.txt"].status == "T"
    assert files["target.txt"].is_symlink
    assert files["target.txt"].added_lines == ["run.sh"]
    assert files["target.txt"].removed_lines == ["x"]


def test_read_non_utf8_path_and_content(repo: GitRepo) -> None:
    name = b"caf\xe9.txt"
    (repo.path / os.fsdecode(name)).write_bytes(b"latin \xe9\n")
    repo.commit("add latin-1 file")

    commit = read_all(repo)[0]
    assert len(commit.files) == 1
    change = commit.files[0]
    assert change.path == "caf\ufffd.txt"
    assert change.added_lines == ["latin \ufffd"]


def test_merge_diff_against_first_parent(repo: GitRepo) -> None:
    repo.write("base.txt", "base\n")
    repo.commit("root", when="2026-01-10T01:00:00+00:00")
    repo.git("checkout", "-q", "-b", "topic")
    repo.write("topic.txt", "topic work\n")
    repo.commit("topic work", when="2026-01-10T02:00:00+00:00")
    repo.git("checkout", "-q", "main")
    repo.write("main.txt", "main work\n")
    repo.commit("main work", when="2026-01-10T03:00:00+00:00")
    repo.git(
        "merge", "-q", "--no-ff", "-m", "Merge topic", "topic",
        env={"GIT_COMMITTER_DATE": "2026-01-10T04:00:00+00:00", "GIT_AUTHOR_DATE": "2026-01-10T04:00:00+00:00"},
    )

    first_parent = read_all(repo)
    assert [commit.subject for commit in first_parent] == ["Merge topic", "main work", "root"]
    merge = first_parent[0]
    assert merge.is_merge
    assert [change.path for change in merge.files] == ["topic.txt"]
    assert merge.files[0].added_lines == ["topic work"]

    every = read_all(repo, first_parent=False)
    assert {commit.subject for commit in every} == {"Merge topic", "main work", "topic work", "root"}


def test_empty_commit_has_no_files(repo: GitRepo) -> None:
    repo.write("a.txt", "a\n")
    repo.commit("root")
    repo.commit("nothing changed", allow_empty=True)

    newest, root = read_all(repo)
    assert newest.subject == "nothing changed"
    assert newest.files == []
    assert [change.path for change in root.files] == ["a.txt"]


def test_day_window_matches_rev_list(repo: GitRepo) -> None:
    times = [
        "2026-01-09T15:59:59+00:00",  # 23:59:59 on Jan 9 in Shanghai
        "2026-01-09T16:00:00+00:00",  # 00:00:00 on Jan 10 in Shanghai
        "2026-01-10T12:00:00+00:00",
        "2026-01-10T15:59:59+00:00",  # 23:59:59 on Jan 10 in Shanghai
        "2026-01-10T16:00:00+00:00",  # 00:00:00 on Jan 11 in Shanghai
    ]
    for index, when in enumerate(times):
        repo.write("file.txt", f"{index}\n")
        repo.commit(f"commit {index}", when=when)

    zone = ZoneInfo("Asia/Shanghai")
    selection = resolve_selection(
        day="2026-01-10", since=None, until=None, revision_range=None, branch="HEAD", zone=zone, all_commits=False
    )
    got = [commit.subject for commit in read_commits(open_repository(repo.path), selection)]
    assert got == ["commit 3", "commit 2", "commit 1"]

    expected = subprocess.run(
        ["git", "rev-list", "--first-parent", "--since=2026-01-10T00:00:00+08:00", "--until=2026-01-10T23:59:59+08:00", "HEAD"],
        cwd=repo.path, capture_output=True, text=True, check=True,
    ).stdout.split()
    got_ids = [commit.sha for commit in read_commits(open_repository(repo.path), selection)]
    assert got_ids == expected

    utc_selection = resolve_selection(
        day="2026-01-10", since=None, until=None, revision_range=None, branch="HEAD", zone=UTC, all_commits=False
    )
    utc_subjects = [commit.subject for commit in read_commits(open_repository(repo.path), utc_selection)]
    assert utc_subjects == ["commit 4", "commit 3", "commit 2"]


def test_bare_clone_reads_the_same(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("a.txt", "a\n")
    repo.commit("root")
    repo.write("a.txt", "b\n")
    repo.commit("second")
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo.path), str(bare)], check=True)

    repository = open_repository(bare)
    assert repository.bare
    commits = list(read_commits(repository, Selection(revisions=("HEAD",), timezone=UTC)))
    assert [commit.subject for commit in commits] == ["second", "root"]


def test_unknown_ref_is_reported(repo: GitRepo) -> None:
    repo.write("a.txt", "a\n")
    repo.commit("root")
    with pytest.raises(AnalyzerError) as raised:
        read_all(repo, revisions=("no-such-branch",))
    assert raised.value.key == "repo.bad_ref"
    assert raised.value.values["ref"] == "no-such-branch"


def test_empty_repository_is_reported(repo: GitRepo) -> None:
    with pytest.raises(AnalyzerError) as raised:
        read_all(repo)
    assert raised.value.key == "repo.empty"


def test_split_message_joins_subject_lines() -> None:
    assert split_message("first\nline\n\nbody\n") == ("first line", "body")
    assert split_message("only subject\n") == ("only subject", "")


def test_committer_time_is_aware(repo: GitRepo) -> None:
    repo.write("a.txt", "a\n")
    repo.commit("root", when="2026-01-10T08:30:00+05:30")
    commit = read_all(repo)[0]
    assert commit.committer_time == datetime(2026, 1, 10, 3, 0, tzinfo=UTC)
    assert commit.committer_time.utcoffset() is not None

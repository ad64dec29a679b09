"""The per-commit patch text budget: reports count huge diffs without holding them; reviews scan everything."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console

from analyzer.log import PATCH_TEXT_BUDGET, read_commits
from analyzer.repo import open_repository
from analyzer.review import OutputFormat, ReviewOptions, review_range
from analyzer.window import Selection
from tests.gitrepo import GitRepo
from tests.pushrepo import make_push_repos
from tests.test_cli import run_cli
from tests.test_review import AWS_KEY


def numstat(repo: Path, revision: str) -> dict[str, tuple[int, int]]:
    output = subprocess.run(
        ["git", "show", "--numstat", "--format=", revision], cwd=repo, capture_output=True, text=True, check=True
    ).stdout
    counts = {}
    for line in output.splitlines():
        added, removed, path = line.split("\t")
        counts[path] = (int(added), int(removed))
    return counts


def test_budget_omits_blocks_that_do_not_fit(repo: GitRepo) -> None:
    repo.write("a_big.txt", "".join(f"line {number}\n" for number in range(5000)))
    repo.write("b_small.txt", "small\n")
    repo.commit("feat: add files")
    selection = Selection(revisions=("HEAD",), timezone=ZoneInfo("UTC"), first_parent=True)

    [cut] = read_commits(open_repository(repo.path), selection, text_budget=2000)
    [whole] = read_commits(open_repository(repo.path), selection, text_budget=None)

    files = {change.path: change for change in cut.files}
    assert files["a_big.txt"].patch_omitted and files["a_big.txt"].patch == ""
    assert files["a_big.txt"].added_lines == []
    assert not files["b_small.txt"].patch_omitted
    assert files["b_small.txt"].added_lines == ["small"]
    expected = numstat(repo.path, "HEAD")
    assert {change.path: (change.added, change.removed) for change in cut.files} == expected
    assert {change.path: (change.added, change.removed) for change in whole.files} == expected
    assert not any(change.patch_omitted for change in whole.files)
    assert len(whole.files[0].added_lines) == 5000


@pytest.fixture
def huge_secret_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A pushable commit whose one file is longer than the budget, with a credential on its last line."""
    repos = make_push_repos(tmp_path)
    for key, value in repos.env.items():
        monkeypatch.setenv(key, value)
    line = "filler text for a generated data file\n"
    text = line * (PATCH_TEXT_BUDGET // len(line) + 1000) + f"AWS_ACCESS_KEY_ID={AWS_KEY}\n"
    repos.commit("data/generated.txt", text, "chore: regenerate data")
    return repos


def test_report_skips_omitted_file_scan(huge_secret_commit) -> None:
    repos = huge_secret_commit
    arguments = ("report", "--repo", str(repos.work), "--range", "origin/main..HEAD", "--no-llm", "-q")

    data = json.loads(run_cli(*arguments, "--format", "json").stdout)
    markdown = run_cli(*arguments).stdout

    [commit] = data["repositories"][0]["commits"]
    [change] = [change for change in commit["files"] if change["path"] == "data/generated.txt"]
    assert change["patch_omitted"] is True
    assert change["added"] == numstat(repos.work, "HEAD")["data/generated.txt"][0]
    assert not [hit for hit in commit["findings"] if hit["kind"] == "secret"]
    assert "1 个文件只统计了行数" in markdown
    assert AWS_KEY not in markdown


def test_review_scans_past_the_budget(huge_secret_commit) -> None:
    out = Console(file=io.StringIO(), width=200)
    err = Console(file=io.StringIO(), width=200)

    status = review_range(huge_secret_commit.work, "origin/main..HEAD", ReviewOptions(output=OutputFormat.JSON), out, err)

    assert status == 1
    report = json.loads(out.file.getvalue())
    [commit] = report["repositories"][0]["commits"]
    assert [hit["kind"] for hit in commit["findings"]].count("secret") == 1
    assert all(change["patch_omitted"] is False for change in commit["files"])

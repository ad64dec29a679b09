from __future__ import annotations

import json
import subprocess
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from analyzer.commit import Commit
from analyzer.log import read_commits
from analyzer.repo import open_repository
from analyzer.window import Selection
from tests.hard_history import GBK_MESSAGE, GENERATED_LINES, LONG_SUBJECT, HardHistory, build_hard_history
from tests.test_cli import run_cli

WIDE = ("--since", "2026-03-01", "--until", "2026-03-31")


@pytest.fixture(scope="module")
def hard(tmp_path_factory: pytest.TempPathFactory) -> HardHistory:
    return build_hard_history(tmp_path_factory.mktemp("history"))


def report_json(path: Path, *arguments: str) -> dict:
    result = run_cli("report", "--repo", str(path), "--no-llm", "-q", "--format", "json", *arguments)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


def git_lines(path: Path, *arguments: str) -> list[str]:
    output = subprocess.run(["git", *arguments], cwd=path, capture_output=True, check=True).stdout
    return output.decode("utf-8", "replace").splitlines()


def reader_commits(path: Path) -> dict[str, Commit]:
    selection = Selection(revisions=("HEAD",), timezone=ZoneInfo("UTC"))
    # Every patch whole: the multi-MB generated file is larger than a report's patch budget.
    return {commit.sha: commit for commit in read_commits(open_repository(path), selection, text_budget=None)}


def test_report_every_commit(hard: HardHistory) -> None:
    data = report_json(hard.repo.path, *WIDE, "--tz", "UTC")
    shas = [commit["sha"] for commit in data["repositories"][0]["commits"]]
    assert shas == git_lines(hard.repo.path, "rev-list", "--first-parent", "HEAD")
    assert hard.side not in shas

    everything = report_json(hard.repo.path, *WIDE, "--tz", "UTC", "--all-commits")
    all_shas = [commit["sha"] for commit in everything["repositories"][0]["commits"]]
    assert sorted(all_shas) == sorted(git_lines(hard.repo.path, "rev-list", "HEAD"))


def test_report_markdown_anchors(hard: HardHistory) -> None:
    result = run_cli("report", "--repo", str(hard.repo.path), "--no-llm", "-q", *WIDE, "--tz", "UTC")
    assert result.returncode == 0, result.stderr
    for sha in git_lines(hard.repo.path, "rev-list", "--first-parent", "HEAD"):
        assert f'<a id="{sha[:7]}"></a>' in result.stdout


@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai", "America/Los_Angeles"])
@pytest.mark.parametrize("day", ["2026-03-13", "2026-03-14", "2026-03-15"])
def test_day_counts_match_git(hard: HardHistory, zone: str, day: str) -> None:
    data = report_json(hard.repo.path, "--date", day, "--tz", zone)
    shas = [commit["sha"] for commit in data["repositories"][0]["commits"]]

    start = datetime.combine(date.fromisoformat(day), time.min, tzinfo=ZoneInfo(zone))
    end = datetime.combine(date.fromisoformat(day) + timedelta(days=1), time.min, tzinfo=ZoneInfo(zone))
    expected = git_lines(
        hard.repo.path,
        "rev-list",
        "--first-parent",
        f"--since=@{int(start.timestamp())}",
        f"--until=@{int(end.timestamp()) - 1}",
        "HEAD",
    )
    assert shas == expected


def test_midnight_splits_days_by_zone(hard: HardHistory) -> None:
    # The submodule commit lands at 16:00 UTC, which is midnight in Shanghai.
    utc = report_json(hard.repo.path, "--date", "2026-03-14", "--tz", "UTC")
    shanghai = report_json(hard.repo.path, "--date", "2026-03-15", "--tz", "Asia/Shanghai")
    submodule = hard.commits["submodule"]
    assert submodule in [commit["sha"] for commit in utc["repositories"][0]["commits"]]
    assert submodule in [commit["sha"] for commit in shanghai["repositories"][0]["commits"]]
    times = {commit["sha"]: commit["time"] for commit in shanghai["repositories"][0]["commits"]}
    assert times[submodule] == "2026-03-15T00:00:00+08:00"


def numstat(path: Path, sha: str, parents: list[str]) -> list[tuple[str, str]]:
    base = ["diff-tree", "-r", "--no-commit-id", "--numstat", "-M", "-C", "--no-ext-diff", "--no-textconv"]
    arguments = [*base, parents[0], sha] if parents else [*base, "--root", sha]
    return sorted(tuple(line.split("\t")[:2]) for line in git_lines(path, *arguments) if "\t" in line)


def changed_paths(path: Path, sha: str, parents: list[str]) -> list[str]:
    base = ["-c", "core.quotePath=false", "diff-tree", "-r", "-z", "--no-commit-id", "--name-only", "-M", "-C"]
    arguments = [*base, parents[0], sha] if parents else [*base, "--root", sha]
    output = subprocess.run(["git", *arguments], cwd=path, capture_output=True, check=True).stdout
    return sorted(part.decode("utf-8", "replace") for part in output.split(b"\x00") if part)


def test_file_and_line_counts_match_git(hard: HardHistory) -> None:
    data = report_json(hard.repo.path, *WIDE, "--tz", "UTC")
    assert data["repositories"][0]["commits"]
    for commit in data["repositories"][0]["commits"]:
        expected_counts = numstat(hard.repo.path, commit["sha"], commit["parents"])
        counts = sorted(
            ("-", "-") if change["binary"] else (str(change["added"]), str(change["removed"]))
            for change in commit["files"]
        )
        assert counts == expected_counts, commit["subject"]
        paths = sorted(change["path"] for change in commit["files"])
        assert paths == changed_paths(hard.repo.path, commit["sha"], commit["parents"]), commit["subject"]


def test_cases_read_right(hard: HardHistory) -> None:
    commits = reader_commits(hard.repo.path)
    files = {name: {change.path: change for change in commits[sha].files} for name, sha in hard.commits.items()}

    assert commits[hard.commits["root"]].is_root
    assert files["root"]["empty.txt"].status == "A"
    assert files["root"]["assets/logo.bin"].binary
    assert files["mode"]["script.sh"].mode_changed
    assert (files["mode"]["script.sh"].added, files["mode"]["script.sh"].removed) == (0, 0)

    renamed = files["rename"]["new/source.py"]
    assert (renamed.status, renamed.old_path, renamed.similarity) == ("R", "old/source.py", 100)
    arrow = files["rename"]["arrow/{x => z}.txt"]
    assert (arrow.status, arrow.old_path) == ("R", "arrow/x => y.txt")
    copied = files["rename"]["copy/duplicate.py"]
    assert (copied.status, copied.old_path) == ("C", "copy/original.py")
    assert files["rename"]["copy/original.py"].added_lines == ["value_extra = 99"]

    assert files["paths"]["dir with space/file name.txt"].added_lines == ["spaces"]
    assert files["paths"]["unicode/中文文件.md"].added_lines == ["中文内容"]

    edits = files["edits"]
    assert edits["assets/logo.bin"].binary
    assert edits["windows.txt"].added_lines == ["SECOND"]
    assert edits["windows.txt"].removed_lines == ["second"]
    assert edits["no-newline.txt"].added_lines == ["beta", "gamma"]
    assert edits["one-line.txt"].added_lines == ["the only line"]
    assert "@@ -1 +1 @@" in edits["one-line.txt"].patch

    assert commits[hard.commits["empty"]].files == []
    assert files["submodule"]["deps/sub"].is_submodule
    assert files["symlink"]["link-to-readme"].is_symlink
    assert files["symlink"]["one-line.txt"].status == "T"
    assert files["generated"]["generated/data.lock"].added == GENERATED_LINES
    assert len(files["generated"]["generated/data.lock"].added_lines) == GENERATED_LINES

    merge = commits[hard.commits["merge"]]
    assert merge.is_merge
    assert [change.path for change in merge.files] == ["side/feature.txt"]

    assert {change.status for change in commits[hard.commits["delete"]].files} == {"D"}
    assert commits[hard.commits["long"]].subject == LONG_SUBJECT
    assert len(LONG_SUBJECT) == 300
    gbk = commits[hard.commits["gbk"]]
    assert gbk.subject == GBK_MESSAGE.split("\n")[0]
    assert gbk.body == GBK_MESSAGE.split("\n\n")[1]


def test_twin_paths_keep_their_counts(hard: HardHistory) -> None:
    commit = reader_commits(hard.repo.path)[hard.commits["paths"]]
    twins = [change for change in commit.files if change.path.startswith("twins/")]
    assert sorted((change.added, change.added_lines) for change in twins) == [(1, ["three"]), (2, ["one", "two"])]


@pytest.mark.parametrize(
    ("key", "value"),
    [("diff.submodule", "log"), ("log.showRoot", "false"), ("diff.noprefix", "true"), ("diff.relative", "true")],
)
def test_user_config_does_not_change_reading(hard: HardHistory, monkeypatch: pytest.MonkeyPatch, key: str, value: str) -> None:
    plain = reader_commits(hard.repo.path)
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", key)
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", value)
    configured = reader_commits(hard.repo.path)
    for sha, commit in plain.items():
        seen = [(change.path, change.added_lines, change.removed_lines) for change in configured[sha].files]
        assert seen == [(change.path, change.added_lines, change.removed_lines) for change in commit.files]
    update = {change.path: change for change in configured[hard.commits["submodule-update"]].files}
    assert update["a-first.txt"].added_lines == ["before the submodule"]
    assert update["z-last.txt"].added_lines == ["after the submodule"]
    assert configured[hard.commits["root"]].files


def test_shallow_clone_boundary(hard: HardHistory, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", f"file://{hard.repo.path}", str(clone)], check=True, capture_output=True
    )
    boundary = (clone / ".git" / "shallow").read_text(encoding="ascii").split()
    data = report_json(clone, *WIDE, "--tz", "UTC")
    commits = {commit["sha"]: commit for commit in data["repositories"][0]["commits"]}
    assert list(commits) == git_lines(clone, "rev-list", "--first-parent", "HEAD")
    for sha in boundary:
        if sha in commits:
            assert commits[sha]["files"] == []
    assert data["repositories"][0]["shallow_boundary"] == [sha[:7] for sha in boundary if sha in commits]

    result = run_cli("report", "--repo", str(clone), "--no-llm", *WIDE, "--tz", "UTC")
    assert result.returncode == 0, result.stderr
    assert "浅克隆" in result.stdout
    assert "浅克隆" in result.stderr


def test_counts_without_text_match(hard: HardHistory) -> None:
    # A budget of 0 leaves every block out, so every count comes from the byte scan.
    selection = Selection(revisions=("HEAD",), timezone=ZoneInfo("UTC"), first_parent=False)
    repository = open_repository(hard.repo.path)
    whole = list(read_commits(repository, selection, text_budget=None))
    counted = list(read_commits(repository, selection, text_budget=0))

    assert [commit.sha for commit in counted] == [commit.sha for commit in whole]
    for before, after in zip(whole, counted):
        assert [(f.path, f.added, f.removed, f.binary) for f in after.files] == [
            (f.path, f.added, f.removed, f.binary) for f in before.files
        ], before.subject
        assert all(f.patch_omitted for f in after.files if f.patch or f.added or f.removed)
    assert sum(f.added + f.removed for commit in whole for f in commit.files) > 0

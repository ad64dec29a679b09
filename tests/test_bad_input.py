"""Bad input: one line naming the value and the fix, the right exit code, no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitrepo import GitRepo
from tests.test_cli import PROJECT_ROOT, run_cli

NO_MODEL = ("--no-llm",)


@pytest.fixture
def day_repo(repo: GitRepo) -> GitRepo:
    repo.write("src/app.py", "print('hi')\n")
    repo.commit("feat: first", when="2026-01-10T08:00:00+00:00")
    return repo


def check_failure(result: subprocess.CompletedProcess[str], code: int, *fragments: str) -> None:
    assert result.returncode == code, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    # Progress lines may come first; the error itself is one line.
    lines = [line for line in result.stderr.splitlines() if line.startswith(("错误: ", "error: "))]
    assert len(lines) == 1, result.stderr
    assert result.stderr.rstrip("\n").endswith(lines[0])
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize(
    ("arguments", "code", "zh", "en"),
    [
        (["--date", "2026-13-01"], 2, "2026-13-01", "invalid date"),
        (["--date", "9999-12-31"], 2, "9999-12-31", "9999-12-31"),
        (["--tz", "Mars/Base"], 2, "Mars/Base", "IANA"),
        (["--tz", "A" * 300], 2, "未知时区", "unknown time zone"),
        (["--since", "2026-01-05", "--until", "2026-01-01"], 2, "--since", "Swap"),
        (["--since", "yesterday-ish", "--until", "2026-01-01"], 2, "yesterday-ish", "invalid time"),
        (["--since", "2026-01-01"], 2, "--until", "--until"),
        (["--branch", "no-such-branch"], 2, "no-such-branch", "git branch -a"),
        (["--range", "v9.9..HEAD"], 2, "v9.9", "unknown branch or revision"),
        (["--range", "HEAD"], 2, "HEAD", "A..B"),
        (["--branch", "--output=stolen.txt"], 2, "--output=stolen.txt", "--output=stolen.txt"),
    ],
)
def test_bad_value_message(day_repo: GitRepo, arguments: list[str], code: int, zh: str, en: str) -> None:
    check_failure(run_cli("report", "--repo", str(day_repo.path), *NO_MODEL, *arguments, cwd=day_repo.path), code, zh)
    check_failure(
        run_cli("report", "--repo", str(day_repo.path), *NO_MODEL, "--lang", "en", *arguments, cwd=day_repo.path),
        code,
        en,
    )
    assert not (day_repo.path / "stolen.txt").exists()


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    check_failure(run_cli("report", "--repo", str(missing), *NO_MODEL), 2, str(missing), "--repo")
    check_failure(run_cli("report", "--repo", str(missing), *NO_MODEL, "--lang", "en"), 2, "not found", "--repo")


def test_not_a_repository(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    check_failure(run_cli("report", "--repo", str(plain), *NO_MODEL), 2, str(plain), "git")
    file_path = tmp_path / "file.txt"
    file_path.write_text("x", encoding="utf-8")
    check_failure(run_cli("report", "--repo", str(file_path), *NO_MODEL, "--lang", "en"), 2, "not a git repository")


def test_empty_repository(repo: GitRepo) -> None:
    check_failure(run_cli("report", "--repo", str(repo.path), *NO_MODEL), 1, str(repo.path), "没有任何提交")
    check_failure(run_cli("report", "--repo", str(repo.path), *NO_MODEL, "--lang", "en"), 1, "no commits")


@pytest.mark.parametrize("where", ["under-file", "missing-folder"])
def test_unwritable_output(day_repo: GitRepo, tmp_path: Path, where: str) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a regular file", encoding="utf-8")
    target = blocker / "report.md" if where == "under-file" else tmp_path / "missing" / "report.md"
    result = run_cli("report", "--repo", str(day_repo.path), *NO_MODEL, "--date", "2026-01-10", "-o", str(target))
    # A path that cannot take the report is a wrong command-line value.
    check_failure(result, 2, str(target))
    english = run_cli(
        "report", "--repo", str(day_repo.path), *NO_MODEL, "--date", "2026-01-10", "-o", str(target), "--lang", "en"
    )
    check_failure(english, 2, "cannot write output file")
    assert blocker.read_text(encoding="utf-8") == "a regular file"


def test_full_stdout_is_one_line(day_repo: GitRepo) -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "analyzer", "report", "--repo", str(day_repo.path), *NO_MODEL, "--date", "2026-01-10"],
            cwd=PROJECT_ROOT, stdout=full, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        )

    assert result.returncode == 1
    assert "无法写入标准输出" in result.stderr
    assert "内部错误" not in result.stderr
    assert "Traceback" not in result.stderr


def test_closed_stdout_is_one_line(day_repo: GitRepo) -> None:
    command = f"{sys.executable} -m analyzer report --repo {day_repo.path} --no-llm --date 2026-01-10 >&-"
    result = subprocess.run(
        ["bash", "-c", command], cwd=PROJECT_ROOT, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )

    assert result.returncode == 1
    assert "标准输出已关闭" in result.stderr
    assert "Traceback" not in result.stderr


def test_debug_shows_traceback(tmp_path: Path) -> None:
    result = run_cli("report", "--repo", str(tmp_path / "nowhere"), *NO_MODEL, "--debug")
    assert result.returncode == 2
    assert "Traceback" in result.stderr


def test_failed_second_repository_keeps_output(day_repo: GitRepo, tmp_path: Path) -> None:
    other = GitRepo(tmp_path / "other")
    other.write("x.txt", "x\n")
    other.commit("chore: other", when="2026-01-10T10:00:00+00:00")
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "report.md"
    target.write_text("previous report", encoding="utf-8")

    result = run_cli(
        "report", "--repo", str(day_repo.path), "--repo", str(other.path), *NO_MODEL,
        "--range", "main~5..main", "-o", str(target),
    )

    assert result.returncode == 2
    assert "main~5" in result.stderr
    assert "Traceback" not in result.stderr
    assert target.read_text(encoding="utf-8") == "previous report"
    assert [path.name for path in folder.iterdir()] == ["report.md"]


def test_window_before_1973(repo: GitRepo) -> None:
    # git reads `@N` as a Unix time only for large N; early dates need the `@N +0000` form.
    old = repo.commit("feat: old", when="1972-06-01T00:00:00+00:00", allow_empty=True)
    new = repo.commit("feat: new", when="2026-01-10T08:00:00+00:00", allow_empty=True)

    def shas(since: str, until: str) -> list[str]:
        result = run_cli(
            "report", "--repo", str(repo.path), *NO_MODEL, "-q", "--format", "json", "--tz", "UTC",
            "--since", since, "--until", until,
        )
        assert result.returncode == 0, result.stderr
        return [commit["sha"] for commit in json.loads(result.stdout)["repositories"][0]["commits"]]

    assert shas("1970-01-01", "1972-12-31") == [old]
    assert shas("1900-01-01", "2030-01-01") == [new, old]
    assert shas("2026-01-10", "2026-01-10") == [new]


def test_repository_of_another_user(day_repo: GitRepo, tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("changing a folder's owner needs root")
    home = tmp_path / "home"
    home.mkdir()
    os.chown(day_repo.path, 65534, 65534)
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(home)}
    check_failure(run_cli("report", "--repo", str(day_repo.path), *NO_MODEL, env=env), 1, "safe.directory")
    check_failure(run_cli("report", "--repo", str(day_repo.path), *NO_MODEL, "--lang", "en", env=env), 1, "another user")


def test_output_to_dev_stdout_pipe(day_repo: GitRepo) -> None:
    result = run_cli("report", "--repo", str(day_repo.path), *NO_MODEL, "--date", "2026-01-10", "-q", "-o", "/dev/stdout")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# 每日更新报告")


@pytest.mark.parametrize("command", [("explain", "HEAD"), ("review", "HEAD~1..HEAD")])
def test_full_stdout_other_commands(day_repo: GitRepo, command: tuple[str, str]) -> None:
    day_repo.write("src/app.py", "print('hello')\n")
    day_repo.commit("fix: second", when="2026-01-10T09:00:00+00:00")
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "analyzer", *command, "--repo", str(day_repo.path)],
            cwd=PROJECT_ROOT, stdout=full, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        )

    assert result.returncode == 1
    assert "无法写入标准输出" in result.stderr
    assert "内部错误" not in result.stderr

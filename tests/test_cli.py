from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitrepo import GitRepo

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def run_cli(*arguments: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "LANG": "C.UTF-8", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "analyzer", *arguments],
        cwd=cwd or PROJECT_ROOT,
        env=full_env,
        capture_output=True,
        text=True,
    )


@pytest.fixture
def day_repo(repo: GitRepo) -> GitRepo:
    repo.git("remote", "add", "origin", "git@github.com:acme/widget.git")
    repo.write("src/app.py", "print('hi')\n")
    repo.commit("feat: first", when="2026-01-10T08:00:00+00:00")
    repo.write("README.md", "# widget\n")
    repo.commit("docs: readme", when="2026-01-10T09:00:00+00:00")
    return repo


def test_report_markdown_to_stdout(day_repo: GitRepo) -> None:
    result = run_cli("report", "--repo", str(day_repo.path), "--date", "2026-01-10", "--tz", "UTC", "--no-llm", "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# 每日更新报告（2026-01-10）")
    assert "## acme/widget" in result.stdout
    assert result.stderr == ""


def test_report_json_fields(day_repo: GitRepo) -> None:
    result = run_cli("report", "--repo", str(day_repo.path), "--date", "2026-01-10", "--tz", "UTC", "--no-llm", "--format", "json", "-q")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["date"] == "2026-01-10"
    assert data["timezone"] == "UTC"
    assert data["model"] is None
    repository = data["repositories"][0]
    assert repository["name"] == "acme/widget"
    assert repository["remote_url"] == "git@github.com:acme/widget.git"
    subjects = [commit["subject"] for commit in repository["commits"]]
    assert subjects == ["docs: readme", "feat: first"]
    commit = repository["commits"][0]
    assert commit["importance"] in ("high", "medium", "low")
    assert commit["files"][0]["path"] == "README.md"
    assert set(commit["sections"]) >= {"summary", "scope", "architecture", "performance", "security", "maintainability", "risks", "suggestions"}
    assert set(commit["written_by"].values()) == {"rules"}


def test_two_repositories_get_two_sections(day_repo: GitRepo, tmp_path: Path) -> None:
    other = GitRepo(tmp_path / "other")
    other.write("x.txt", "x\n")
    other.commit("chore: other", when="2026-01-10T10:00:00+00:00")
    result = run_cli("report", "--repo", str(day_repo.path), "--repo", str(other.path), "--date", "2026-01-10", "--tz", "UTC", "--no-llm", "-q")
    assert result.returncode == 0, result.stderr
    assert "## acme/widget" in result.stdout
    assert "## other" in result.stdout


def test_output_file_written_atomically(day_repo: GitRepo, tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.md"
    target.parent.mkdir()
    target.write_text("previous report", encoding="utf-8")
    result = run_cli("report", "--repo", str(day_repo.path), "--date", "2026-01-10", "--tz", "UTC", "--no-llm", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("# 每日更新报告")
    assert [path.name for path in target.parent.iterdir()] == ["report.md"]


def test_failed_run_keeps_previous_output(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("previous report", encoding="utf-8")
    result = run_cli("report", "--repo", str(tmp_path / "missing"), "--no-llm", "-o", str(target))
    assert result.returncode == 2
    assert target.read_text(encoding="utf-8") == "previous report"


@pytest.mark.parametrize(
    ("arguments", "code", "fragment"),
    [
        (["--date", "2026-02-30"], 2, "2026-02-30"),
        (["--tz", "Mars/Base"], 2, "Mars/Base"),
        (["--since", "2026-01-05", "--until", "2026-01-01"], 2, "--since"),
        (["--branch", "nope"], 2, "nope"),
        (["--format", "yaml"], 2, "yaml"),
    ],
)
def test_bad_input_one_line_no_traceback(day_repo: GitRepo, arguments: list[str], code: int, fragment: str) -> None:
    result = run_cli("report", "--repo", str(day_repo.path), "--no-llm", *arguments)
    assert result.returncode == code
    assert "Traceback" not in result.stderr
    assert fragment in result.stderr
    assert result.stdout == ""


def test_messages_in_english_with_lang(tmp_path: Path) -> None:
    result = run_cli("report", "--repo", str(tmp_path / "missing"), "--no-llm", "--lang", "en")
    assert result.returncode == 2
    assert "repository path not found" in result.stderr


def test_messages_in_chinese_by_default(tmp_path: Path) -> None:
    result = run_cli("report", "--repo", str(tmp_path), "--no-llm")
    assert result.returncode == 2
    assert "不是 git 仓库" in result.stderr


def test_repo_given_as_git_folder(day_repo: GitRepo) -> None:
    result = run_cli("report", "--repo", str(day_repo.path / ".git"), "--date", "2026-01-10", "--tz", "UTC", "--no-llm", "-q")
    assert result.returncode == 0, result.stderr
    assert "## acme/widget" in result.stdout
    assert "docs: readme" in result.stdout


def test_report_utf8_under_ascii_locale(day_repo: GitRepo) -> None:
    result = run_cli(
        "report", "--repo", str(day_repo.path), "--date", "2026-01-10", "--tz", "UTC", "--no-llm", "-q",
        env={"LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": "ascii"},
    )
    assert result.returncode == 0, result.stderr
    assert "每日更新报告" in result.stdout


def test_version_without_command() -> None:
    result = run_cli("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("analyzer ")
    assert "Missing command" not in result.stderr


@pytest.mark.parametrize(
    "arguments",
    [
        ("report", "--no-llm", "--repo"),
        ("explain", "HEAD", "--repo"),
        ("models", "check"),
    ],
)
def test_root_lang_reaches_commands(tmp_path: Path, arguments: tuple[str, ...]) -> None:
    result = run_cli("--lang", "en", *arguments, str(tmp_path / "missing"))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "not found" in result.stderr
    assert "不存在" not in result.stderr


def test_models_list_missing_repo(tmp_path: Path) -> None:
    result = run_cli("models", "list", "--no-verify", "--repo", str(tmp_path / "missing"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "仓库路径不存在" in result.stderr
    assert "gemma3-270m" not in result.stderr


def test_models_list_repo_subfolder(day_repo: GitRepo) -> None:
    day_repo.write(".analyzer/models.txt", "local-model  local.gguf  -  2048  auto  listed by the repository\n")
    day_repo.write("src/deep/x.py", "x = 1\n")
    # A wide terminal keeps rich from cutting the name column.
    result = run_cli("models", "list", "--no-verify", "--repo", str(day_repo.path / "src" / "deep"), env={"COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    # The table is printed on stderr like every non-report output.
    assert "local-model" in result.stderr


def test_unknown_model_fails_before_reading(day_repo: GitRepo) -> None:
    result = run_cli("report", "--repo", str(day_repo.path), "--date", "2026-01-10", "--tz", "UTC", "--model", "no-such-model")
    assert result.returncode == 2
    assert "no-such-model" in result.stderr
    assert "读取" not in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("arguments", "fragment", "usage"),
    [
        (["report", "--format", "xml"], "xml", "analyzer report --help"),
        (["report", "--bogus"], "--bogus", "analyzer report --help"),
        (["nosuchcmd"], "nosuchcmd", "analyzer --help"),
        (["models", "check"], "name", "analyzer models check --help"),
    ],
)
def test_click_usage_errors_one_line(arguments: list[str], fragment: str, usage: str) -> None:
    result = run_cli(*arguments)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("错误: 命令行参数有误")
    assert fragment in lines[0]
    assert usage in lines[0]
    assert "Traceback" not in result.stderr


def test_click_usage_error_in_english() -> None:
    result = run_cli("--lang", "en", "report", "--bogus")
    assert result.returncode == 2
    assert result.stderr.startswith("error: invalid command line: No such option: --bogus")


def test_no_command_prints_help() -> None:
    result = run_cli()
    assert result.returncode == 2
    assert "Usage: analyzer" in result.stderr
    assert "report" in result.stderr

"""The reference day rebuilt as a real repository, reported end to end without a model."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.example_repo import build_example_repo, load_example_commits
from tests.test_cli import run_cli
from tests.test_markdown import resolvable_anchors


@pytest.fixture(scope="module")
def example_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_example_repo(tmp_path_factory.mktemp("example") / "dynamo")


@pytest.fixture(scope="module")
def markdown(example_repo: Path) -> str:
    result = run_cli("report", "--repo", str(example_repo), "--date", "2026-01-10", "--tz", "UTC", "--no-llm", "-q")
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def report_json(example_repo: Path) -> dict:
    result = run_cli(
        "report", "--repo", str(example_repo), "--date", "2026-01-10", "--tz", "UTC", "--no-llm", "-q", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_title_and_repository(markdown: str) -> None:
    assert markdown.startswith("# 每日更新报告（2026-01-10）\n")
    assert "\n## ai-dynamo/dynamo\n" in markdown


def test_table_lists_every_commit_newest_first(markdown: str) -> None:
    expected = load_example_commits()
    rows = re.findall(r"^\| (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) \| (.*?) \| (.*) \|$", markdown, flags=re.MULTILINE)
    assert [time for time, _, _ in rows] == [commit["time"] for commit in expected]
    assert [author for _, author, _ in rows] == [commit["author"] for commit in expected]
    assert len(rows) == 11


def test_stats_line_counts(markdown: str) -> None:
    match = re.search(r"^> 本日共 (\d+) 个提交 \| 🔴高 (\d+) \| 🟡中 (\d+) \| 🟢低 (\d+)$", markdown, flags=re.MULTILINE)
    assert match is not None
    total, high, medium, low = map(int, match.groups())
    assert total == 11
    assert high + medium + low == 11


def test_groups_and_every_commit_present(markdown: str) -> None:
    groups = re.findall(r"^#### (🔴|🟡|🟢) (高|中|低)重要度变更 \((\d+)\)$", markdown, flags=re.MULTILINE)
    assert sum(int(count) for _, _, count in groups) == 11
    headings = re.findall(r'^<a id="([0-9a-f]{7,})"></a>\n### ', markdown, flags=re.MULTILINE)
    assert len(headings) == 11
    assert len(set(headings)) == 11


def test_toc_links_resolve(markdown: str) -> None:
    toc = markdown.split("## 📋 目录", 1)[1].split("\n#### ", 1)[0]
    links = re.findall(r"\]\(#([^)]+)\)", toc)
    assert len(links) == 1 + 1 + 11 + len(re.findall(r"^#### ", markdown, flags=re.MULTILINE))
    anchors = resolvable_anchors(markdown)
    for link in links:
        assert link in anchors, link


def test_commit_links_point_at_github(markdown: str) -> None:
    links = re.findall(r"🔗 \[查看提交\]\((https://github\.com/ai-dynamo/dynamo/commit/[0-9a-f]{40})\)", markdown)
    assert len(links) == 11


def test_json_has_eleven_valid_commits(report_json: dict) -> None:
    assert report_json["date"] == "2026-01-10"
    assert report_json["timezone"] == "UTC"
    repository = report_json["repositories"][0]
    assert repository["name"] == "ai-dynamo/dynamo"
    commits = repository["commits"]
    assert len(commits) == 11
    expected = load_example_commits()
    assert [commit["subject"] for commit in commits] == [commit["subject"] for commit in expected]
    for commit in commits:
        assert re.fullmatch(r"[0-9a-f]{40}", commit["sha"])
        assert commit["short_sha"] == commit["sha"][:7]
        assert commit["importance"] in ("high", "medium", "low")
        assert commit["change_type"]
        assert commit["files"], commit["subject"]
        for change in commit["files"]:
            assert set(change) == {"path", "old_path", "status", "added", "removed", "binary", "patch_omitted"}
        assert commit["sections"]["summary"]
        assert set(commit["written_by"]) == {
            "summary", "scope", "architecture", "performance", "security", "maintainability", "risks", "suggestions"
        }

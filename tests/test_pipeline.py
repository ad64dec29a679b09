from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from analyzer.pipeline import MESSAGE_PATH, analyze_repository
from analyzer.repo import open_repository
from analyzer.rules import load_rules
from analyzer.window import Selection
from tests.gitrepo import GitRepo
from tests.test_cli import run_cli

TOKEN = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"


def test_message_secret_redacted_and_blocking(repo: GitRepo) -> None:
    repo.write("notes.txt", "plain\n")
    repo.commit(f"chore: rotate {TOKEN}\n\nold token was {TOKEN}", when="2026-01-10T10:00:00+00:00")

    repository = open_repository(repo.path)
    selection = Selection(revisions=("HEAD",), timezone=ZoneInfo("UTC"))
    analysis = analyze_repository(repository, selection, load_rules(repository.path))

    item = next(iter(analysis.commits))
    assert TOKEN not in item.commit.subject
    assert TOKEN not in item.commit.body
    message_hits = [hit for hit in item.facts.hits if hit.path == MESSAGE_PATH]
    assert len(message_hits) == 2
    assert all(hit.kind == "secret" for hit in message_hits)
    assert all(hit.blocking for hit in message_hits)


def test_message_secret_absent_from_outputs(repo: GitRepo) -> None:
    repo.write("notes.txt", "plain\n")
    repo.commit(f"fix: leak {TOKEN}\n\nbody {TOKEN}", when="2026-01-10T10:00:00+00:00")

    markdown = run_cli("report", "--repo", str(repo.path), "--date", "2026-01-10", "--tz", "UTC", "--no-llm", "-q")
    assert markdown.returncode == 0, markdown.stderr
    assert TOKEN not in markdown.stdout
    assert "REDACTED" in markdown.stdout

    as_json = run_cli("report", "--repo", str(repo.path), "--date", "2026-01-10", "--tz", "UTC", "--no-llm", "-q", "--format", "json")
    assert TOKEN not in as_json.stdout
    commit = json.loads(as_json.stdout)["repositories"][0]["commits"][0]
    assert any(finding["path"] == MESSAGE_PATH for finding in commit["findings"])


def test_message_secret_blocks_review(repo: GitRepo) -> None:
    repo.write("a.txt", "a\n")
    repo.commit("root")
    repo.write("notes.txt", "plain\n")
    repo.commit(f"chore: note {TOKEN}")

    result = run_cli("review", "HEAD~1..HEAD", "--repo", str(repo.path))
    assert result.returncode != 0
    assert TOKEN not in result.stdout
    assert TOKEN not in result.stderr

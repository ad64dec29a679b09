"""Rating on the rebuilt reference day and on small real repositories."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from analyzer.facts import build_facts
from analyzer.log import read_commits
from analyzer.rating import Importance, rate
from analyzer.repo import open_repository
from analyzer.rules import load_rules
from analyzer.window import Selection
from tests.example_repo import build_example_repo, load_example_commits
from tests.gitrepo import GitRepo

LEVELS = {"high": Importance.HIGH, "medium": Importance.MEDIUM, "low": Importance.LOW}


def normalise_type(change_type: str) -> set[str]:
    """The example writes `Bug 修复` and `CI / 自动化`; `功能增强 / 重构` accepts either type."""
    compact = change_type.replace(" ", "")
    return set(compact.split("/")) if compact == "功能增强/重构" else {compact}


@pytest.fixture(scope="module")
def example_ratings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[object, object]]:
    repo = build_example_repo(tmp_path_factory.mktemp("example"))
    repository = open_repository(repo)
    rules = load_rules(repo)
    selection = Selection(revisions=("HEAD",), timezone=ZoneInfo("UTC"))
    ratings = {}
    for commit in read_commits(repository, selection):
        facts = build_facts(commit, rules)
        ratings[commit.subject] = (facts, rate(commit, facts, rules))
    return ratings


def test_example_importance(example_ratings) -> None:
    expected = load_example_commits()
    wrong = [
        (entry["subject"], entry["importance"], example_ratings[entry["subject"]][1].importance.value)
        for entry in expected
        if example_ratings[entry["subject"]][1].importance is not LEVELS[entry["importance"]]
    ]
    assert len(expected) == 11
    assert len(wrong) <= 1, wrong


def test_example_change_type(example_ratings) -> None:
    expected = load_example_commits()
    wrong = [
        (entry["subject"], entry["change_type"], example_ratings[entry["subject"]][1].change_type)
        for entry in expected
        if example_ratings[entry["subject"]][1].change_type not in normalise_type(entry["change_type"])
    ]
    assert len(wrong) <= 2, wrong


def test_example_every_rating_explained(example_ratings) -> None:
    for subject, (_, rating) in example_ratings.items():
        assert rating.score == sum(rule.points for rule in rating.fired), subject
        assert all(rule.reason for rule in rating.fired), subject

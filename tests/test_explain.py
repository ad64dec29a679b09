"""`explain` on ordinary commits and on merges (diff against the first parent)."""

from __future__ import annotations

from io import StringIO

from rich.console import Console

from analyzer.cli import main
from analyzer.explain import explain
from analyzer.repo import open_repository
from analyzer.rules import load_rules
from tests.gitrepo import GitRepo


def build_merge(repo: GitRepo) -> str:
    repo.write("README.md", "start\n")
    repo.commit("docs: start", when="2026-01-09T10:00:00+00:00")
    repo.git("checkout", "-q", "-b", "topic")
    repo.write("deploy/app.yaml", "args:\n  - --port=8000\n")
    repo.write("src/router.py", "def route():\n    return 1\n")
    repo.commit("feat: add router deployment", when="2026-01-09T11:00:00+00:00")
    repo.git("checkout", "-q", "main")
    repo.write("docs/guide.md", "# Guide\n")
    repo.commit("docs: guide", when="2026-01-09T12:00:00+00:00")
    repo.git("merge", "-q", "--no-ff", "topic", "-m", "Merge branch 'topic'",
             env={"GIT_COMMITTER_DATE": "2026-01-10T12:00:00+00:00", "GIT_AUTHOR_DATE": "2026-01-10T12:00:00+00:00"})
    return repo.head()


def run_explain(repo: GitRepo, rev: str) -> tuple[object, str]:
    output = StringIO()
    repository = open_repository(repo.path)
    explanation = explain(repository, rev, load_rules(repo.path), Console(file=output, width=200))
    return explanation, output.getvalue()


def test_explain_merge_uses_first_parent(repo: GitRepo) -> None:
    merge = build_merge(repo)
    explanation, text = run_explain(repo, merge)
    assert explanation.commit.is_merge
    # Against the first parent the merge brings the topic branch's files, not main's guide.
    assert sorted(explanation.facts.paths) == ["deploy/app.yaml", "src/router.py"]
    assert explanation.facts.merge
    assert "deploy_config" in {rule.name for rule in explanation.rating.fired}
    assert "routing" in {rule.name for rule in explanation.rating.fired}
    assert "合并" in text
    assert "deploy_config" in text
    assert f"得分 {explanation.rating.score}" in text


def test_explain_lists_every_fired_rule(repo: GitRepo) -> None:
    repo.write("a.py", "x = 1\n")
    repo.commit("feat(api)!: drop v1")
    explanation, text = run_explain(repo, "HEAD")
    assert explanation.rating.fired
    for rule in explanation.rating.fired:
        assert rule.name in text
        assert f"{rule.points:+d}" in text
    assert "breaking" in {rule.name for rule in explanation.rating.fired}


def test_explain_cli(repo: GitRepo, capsys) -> None:
    build_merge(repo)
    try:
        main(["explain", "HEAD", "--repo", str(repo.path)])
    except SystemExit as exit_code:
        assert exit_code.code in (0, None)
    captured = capsys.readouterr()
    assert "命中的规则" in captured.out
    assert captured.err == ""


def test_explain_cli_unknown_rev(repo: GitRepo, capsys) -> None:
    repo.write("a.txt", "x\n")
    repo.commit("docs: a")
    try:
        main(["explain", "no-such-branch", "--repo", str(repo.path)])
    except SystemExit as exit_code:
        assert exit_code.code == 2
    else:
        raise AssertionError("explain accepted an unknown revision")
    assert "no-such-branch" in capsys.readouterr().err

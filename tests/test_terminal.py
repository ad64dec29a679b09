"""Terminal view of a review, rendered from commits analyzed by the real pipeline."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console

from analyzer.facts import DetectorHit
from analyzer.gate import FailOn, Finding, FindingSource, find_blocking, hit_blocks
from analyzer.i18n import set_language
from analyzer.pipeline import AnalyzedCommit, analyze_repository
from analyzer.rating import FiredRule, Importance
from analyzer.repo import open_repository
from analyzer.report.terminal import clean, print_review, print_verdict, render_commit
from analyzer.rules import load_rules
from analyzer.window import Selection
from tests.pushrepo import git_environment, run


@pytest.fixture(autouse=True)
def chinese_messages() -> None:
    set_language("zh")


def analyze(tmp_path: Path, commits: list[tuple[str, str, str]], monkeypatch: pytest.MonkeyPatch) -> list[AnalyzedCommit]:
    """Commit each (path, text, message) in a new repository and analyze all of them, newest first."""
    env = git_environment(tmp_path / "home")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    repo = tmp_path / "repo"
    run(tmp_path, "init", "-q", str(repo), env=env)
    for path, text, message in commits:
        target = repo / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        run(repo, "add", "--", path, env=env)
        run(repo, "commit", "-q", "-m", message, env=env)

    repository = open_repository(repo)
    selection = Selection(revisions=("HEAD",), timezone=ZoneInfo("UTC"), first_parent=False, label="HEAD")
    return list(analyze_repository(repository, selection, load_rules(repository.path)).commits)


def rendered(analyzed: AnalyzedCommit, findings: list[Finding] | None = None) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=300).print(render_commit(analyzed, findings or []))
    return buffer.getvalue()


def test_commit_block_fields(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    [analyzed] = analyze(tmp_path, [("src/app.py", "print('hi')\n", "feat: add app")], monkeypatch)

    text = rendered(analyzed)

    assert analyzed.commit.short_sha in text
    assert "feat: add app" in text
    assert analyzed.rating.change_type in text
    assert {"high": "高", "medium": "中", "low": "低"}[analyzed.rating.importance.value] in text
    assert "规则" in text
    assert clean(analyzed.sections.summary) in text


def test_commit_markup_literal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    subject = "fix: keep [bold red]markup[/bold red] and [link=file:///etc]link[/link]"
    [analyzed] = analyze(tmp_path, [("a.txt", "a\n", subject)], monkeypatch)

    text = rendered(analyzed)

    assert "[bold red]markup[/bold red]" in text
    assert "[link=file:///etc]link[/link]" in text


def test_commit_control_characters_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    [analyzed] = analyze(tmp_path, [("a.txt", "a\n", "fix: title \x1b[2J\x1b]0;pwned\x07 end")], monkeypatch)

    text = rendered(analyzed)

    assert "\x1b[2J" not in text
    assert "\x07" not in text
    assert "title" in text
    assert "end" in text


def test_commit_hits_and_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    [analyzed] = analyze(tmp_path, [("deploy.env", "REGION=x\n", "chore: deploy settings")], monkeypatch)
    # Hand-made findings: this test is about how hits and rules print, whatever the detectors find.
    analyzed.facts.hits.append(DetectorHit(kind="secret", path="deploy.env", line=2, detail="AWS 访问密钥 AKIA****（已隐藏）"))
    analyzed.rating.fired.append(FiredRule(name="deploy-config", points=3, reason="修改了部署配置"))
    findings = find_blocking([analyzed])

    text = rendered(analyzed, findings)

    assert "secret" in text
    assert "deploy.env:2" in text
    assert "AKIA****" in text
    assert "deploy-config (+3) 修改了部署配置" in text
    assert "阻止推送" in text


def test_header_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commits = analyze(
        tmp_path,
        [("a.txt", "a\n", "feat: a"), ("b.md", "b\n", "docs: b"), ("c.txt", "c\n", "fix: c")],
        monkeypatch,
    )
    levels = [item.rating.importance for item in commits]
    buffer = io.StringIO()

    print_review(Console(file=buffer, width=300), "origin/main..HEAD", commits)

    header = buffer.getvalue().splitlines()[0]
    assert "origin/main..HEAD" in header
    assert "3 个提交" in header
    assert f"🔴高 {levels.count(Importance.HIGH)}" in header
    assert f"🟡中 {levels.count(Importance.MEDIUM)}" in header
    assert f"🟢低 {levels.count(Importance.LOW)}" in header


def test_review_empty() -> None:
    buffer = io.StringIO()

    print_review(Console(file=buffer, width=300), "main", [], notes=["删除远程引用 refs/heads/x：无需审查。"])

    assert "0 个提交" in buffer.getvalue()
    assert "无需审查" in buffer.getvalue()
    assert "没有需要审查的提交" in buffer.getvalue()


def test_verdict_lists_findings() -> None:
    findings = [
        Finding(FindingSource.DETECTOR, "secret", "a" * 40, "config/app.env", 7, "GitHub 令牌 ghp_****"),
        Finding(FindingSource.RULE, "no-vendor-edits", "b" * 40, detail="禁止修改 vendor/"),
        Finding(FindingSource.IMPORTANCE, "high", "c" * 40),
    ]
    buffer = io.StringIO()

    print_verdict(Console(file=buffer, width=300), findings)
    text = buffer.getvalue()

    assert "发现 3 个阻止推送的问题" in text
    assert "secret：提交 aaaaaaa，config/app.env:7" in text
    assert "规则 no-vendor-edits：提交 bbbbbbb" in text
    assert "重要程度高：提交 ccccccc" in text
    assert "git push --no-verify" in text
    assert "ANALYZER_SKIP=1" in text


def test_verdict_english() -> None:
    set_language("en")
    buffer = io.StringIO()

    print_verdict(Console(file=buffer, width=300), [Finding(FindingSource.DETECTOR, "secret", "d" * 40, "x.py", None, "redacted")])

    assert "push blocked: 1 blocking findings" in buffer.getvalue()
    assert "commit ddddddd, x.py: redacted" in buffer.getvalue()


def test_verdict_clean() -> None:
    buffer = io.StringIO()

    print_verdict(Console(file=buffer, width=300), [])

    assert "未发现阻止推送的问题" in buffer.getvalue()


def test_gate_importance_levels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commits = analyze(tmp_path, [("a.txt", "a\n", "feat: a"), ("b.md", "b\n", "docs: b")], monkeypatch)
    commits[0].rating.importance = Importance.MEDIUM
    commits[1].rating.importance = Importance.HIGH

    assert [f.sha for f in find_blocking(commits, FailOn.HIGH)] == [commits[1].commit.sha]
    assert len(find_blocking(commits, FailOn.MEDIUM)) == 2
    assert find_blocking(commits, FailOn.NONE) == []


def test_gate_blocking_field() -> None:
    # Detector settings in the rules mark hits as blocking; without the field only secrets block.
    @dataclass(slots=True)
    class MarkedHit(DetectorHit):
        blocking: bool = False

    assert hit_blocks(DetectorHit(kind="secret", path="a", line=1, detail="x"))
    assert not hit_blocks(DetectorHit(kind="port", path="a", line=1, detail="x"))
    assert not hit_blocks(MarkedHit(kind="secret", path="a", line=1, detail="x", blocking=False))
    assert hit_blocks(MarkedHit(kind="port", path="a", line=1, detail="x", blocking=True))

"""Deterministic writer: every section from facts, true statements only."""

from __future__ import annotations

import pytest

from analyzer.explain import read_one_commit
from analyzer.facts import build_facts
from analyzer.rating import rate
from analyzer.repo import open_repository
from analyzer.rules import load_rules
from analyzer.sections import Sections
from analyzer.writer import write_sections
from tests.gitrepo import GitRepo


def sections_of_head(repo: GitRepo) -> Sections:
    repository = open_repository(repo.path)
    rules = load_rules(repo.path)
    commit = read_one_commit(repository, "HEAD")
    facts = build_facts(commit, rules)
    return write_sections(commit, facts, rate(commit, facts, rules), rules)


@pytest.fixture
def docs_commit(repo: GitRepo) -> Sections:
    repo.write("README.md", "hello\n")
    repo.commit("docs: start", when="2026-01-09T12:00:00+00:00")
    repo.write("docs/guide.md", "# Guide\n")
    repo.commit("docs: add guide")
    return sections_of_head(repo)


def test_plain_docs_commit(docs_commit: Sections) -> None:
    assert docs_commit.summary.startswith("文档更新：add guide。")
    assert "`docs/guide.md`" in docs_commit.summary
    assert "共修改 1 个文件（新增 1 行，删除 0 行）" in docs_commit.summary
    assert docs_commit.security.startswith("未发现与安全相关的变更")
    assert docs_commit.risks == []
    assert docs_commit.suggestions == ["按常规流程评审即可。"]


def test_every_section_written(docs_commit: Sections) -> None:
    for name in ("summary", "scope", "architecture", "performance", "security", "maintainability"):
        assert getattr(docs_commit, name), name


def test_security_statement_follows_detectors(repo: GitRepo) -> None:
    repo.write("README.md", "hello\n")
    repo.commit("docs: start", when="2026-01-09T12:00:00+00:00")
    repo.write("k8s/pod.yaml", "spec:\n  hostNetwork: true\n  containers:\n    - securityContext:\n        privileged: true\n")
    repo.commit("feat: run on the host network")
    sections = sections_of_head(repo)
    assert "未发现与安全相关的变更" not in sections.security
    assert "`hostNetwork: true`" in sections.security
    assert "`privileged: true`" in sections.security
    assert "`k8s/pod.yaml:2`" in sections.security
    assert any("权限扩大" in risk for risk in sections.risks)
    assert any("网络" in risk or "暴露" in risk for risk in sections.risks)


def test_removed_flag_gives_risk_and_suggestion(repo: GitRepo) -> None:
    repo.write("deploy/planner.yaml", "args:\n  - --backend=trtllm\n  - --prometheus-port=9085\n")
    repo.commit("feat: planner", when="2026-01-09T12:00:00+00:00")
    repo.write("deploy/planner.yaml", "args:\n  - --backend=trtllm\n")
    repo.commit("fix: remove unused prometheus port")
    sections = sections_of_head(repo)
    assert sections.risks == ["移除了命令行参数 `--prometheus-port`（`deploy/planner.yaml`），仍使用旧参数的脚本、部署或文档会失效。"]
    assert sections.suggestions[0].startswith("在仓库中搜索被移除的参数")
    assert "部署配置" in sections.scope


def test_components_in_scope(repo: GitRepo) -> None:
    repo.write("README.md", "x\n")
    repo.commit("docs: start", when="2026-01-09T12:00:00+00:00")
    repo.write("lib/llm/src/a.rs", "fn a() {}\n")
    repo.write("lib/runtime/src/b.rs", "fn b() {}\n")
    repo.write("setup.cfg", "[x]\n")
    repo.commit("feat: three parts")
    sections = sections_of_head(repo)
    assert sections.scope.startswith("涉及组件：")
    for component in ("`lib/llm`", "`lib/runtime`", "根目录"):
        assert component in sections.scope


def test_component_map_override(repo: GitRepo) -> None:
    repo.write(".analyzer/rules.toml", '[components]\n"lib/llm" = "LLM 核心库"\n')
    repo.commit("chore: rules", when="2026-01-09T12:00:00+00:00")
    repo.write("lib/llm/src/a.rs", "fn a() {}\n")
    repo.commit("feat: a")
    assert "`LLM 核心库`" in sections_of_head(repo).scope


def test_text_override(repo: GitRepo) -> None:
    repo.write(".analyzer/rules.toml", '[text.security]\nnone = "本提交无安全影响。"\n')
    repo.commit("chore: rules", when="2026-01-09T12:00:00+00:00")
    repo.write("notes.md", "x\n")
    repo.commit("docs: notes")
    assert sections_of_head(repo).security == "本提交无安全影响。"


def test_subject_markup_kept_as_text(repo: GitRepo) -> None:
    repo.write("a.py", "x = 1\n")
    repo.commit("fix: handle `x` | <b>y</b>")
    sections = sections_of_head(repo)
    # The writer keeps the subject text; the report renderer escapes it.
    assert "handle `x` | <b>y</b>" in sections.summary

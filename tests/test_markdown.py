from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

from analyzer.pipeline import analyze_repository
from analyzer.repo import open_repository
from analyzer.report.document import Report
from analyzer.report.escape import Slugger, code_span, escape_inline, escape_prose, github_slug
from analyzer.report.markdown import render_markdown, toc_subject
from analyzer.rules import load_rules
from analyzer.window import resolve_selection
from tests.gitrepo import GitRepo

UTC = ZoneInfo("UTC")


def reference_slug(text: str) -> str:
    # Written independently of the renderer: GitHub keeps letters, marks,
    # numbers, `_`, `-` and spaces, lower-cased, spaces to hyphens.
    out = ""
    for character in text.lower():
        if character == " ":
            out += "-"
        elif character == "-" or character == "_" or unicodedata.category(character)[0] in "LMN":
            out += character
    return out


def resolvable_anchors(markdown: str) -> set[str]:
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', markdown))
    counts: dict[str, int] = {}
    for heading in re.findall(r"^#{1,6} (.*)$", markdown, flags=re.MULTILINE):
        # Rendered heading text: drop backslash escapes and decode the entities we emit.
        rendered = re.sub(r"\\(.)", r"\1", heading).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        base = reference_slug(rendered)
        slug = base
        while slug in counts:
            counts[base] += 1
            slug = f"{base}-{counts[base]}"
        counts[slug] = 0
        anchors.add(slug)
    return anchors


def make_report(tmp_path, subjects: list[str], *, remote: str | None = "https://github.com/acme/widget.git") -> str:
    repo = GitRepo(tmp_path / "widget")
    if remote:
        repo.git("remote", "add", "origin", remote)
    for index, subject in enumerate(subjects):
        repo.write(f"src/file{index}.py", f"value = {index}\n")
        repo.commit(subject, when=f"2026-01-10T{10 + index:02d}:00:00+00:00", author=f"Author {index} | x")
    repository = open_repository(repo.path)
    selection = resolve_selection(
        day="2026-01-10", since=None, until=None, revision_range=None, branch="HEAD", zone=UTC, all_commits=False
    )
    analysis = analyze_repository(repository, selection, load_rules(repository.path))
    document = Report(
        label="2026-01-10", single_day=True, timezone="UTC", generated_at=datetime(2026, 1, 11, tzinfo=UTC),
        since=selection.since, until=selection.until, model=None, repositories=[analysis],
    )
    return render_markdown(document)


def test_report_layout(tmp_path) -> None:
    markdown = make_report(tmp_path, ["feat: add widget", "docs: explain widget", "fix: widget crash"])
    assert markdown.startswith("# 每日更新报告（2026-01-10）\n")
    assert "## acme/widget" in markdown
    assert "| 提交时间 | 作者 | 提交信息 |" in markdown
    assert "| 2026-01-10 12:00:00 | Author 2 \\| x | fix: widget crash |" in markdown
    assert re.search(r"> 本日共 3 个提交 \| 🔴高 \d+ \| 🟡中 \d+ \| 🟢低 \d+", markdown)
    assert "## 📋 目录" in markdown
    assert "🔗 [查看提交](https://github.com/acme/widget/commit/" in markdown
    table_rows = re.findall(r"^\| 2026-01-10 (\d\d):", markdown, flags=re.MULTILINE)
    assert table_rows == ["12", "11", "10"]


def test_every_toc_link_resolves(tmp_path) -> None:
    subjects = ["📊 统计摘要", "feat: " + "x" * 80, "fix: `code` | pipe", "docs: same", "docs: same"]
    markdown = make_report(tmp_path, subjects)
    toc = markdown.split("## 📋 目录", 1)[1].split("####", 1)[0]
    links = re.findall(r"\]\(#([^)]+)\)", toc)
    assert len(links) >= 2 + len(subjects)
    anchors = resolvable_anchors(markdown)
    for link in links:
        assert link in anchors, link


def test_toc_cuts_long_subjects() -> None:
    assert toc_subject("a" * 60) == "a" * 60
    assert toc_subject("a" * 61) == "a" * 57 + "..."


def test_no_commits_gets_a_clear_line(tmp_path) -> None:
    repo = GitRepo(tmp_path / "quiet")
    repo.write("a.txt", "a\n")
    repo.commit("old", when="2025-12-01T00:00:00+00:00")
    repository = open_repository(repo.path)
    selection = resolve_selection(
        day="2026-01-10", since=None, until=None, revision_range=None, branch="HEAD", zone=UTC, all_commits=False
    )
    analysis = analyze_repository(repository, selection, load_rules(repository.path))
    document = Report(
        label="2026-01-10", single_day=True, timezone="UTC", generated_at=datetime(2026, 1, 11, tzinfo=UTC),
        since=selection.since, until=selection.until, model=None, repositories=[analysis],
    )
    markdown = render_markdown(document)
    assert "## quiet" in markdown
    assert "该分支没有新的提交" in markdown
    assert "本日共 0 个提交" in markdown


def test_escape_inline_neutralises_markup() -> None:
    hostile = "a | b <script>alert(1)</script> [x](javascript:alert(1)) `tick` *em* <!-- c -->"
    escaped = escape_inline(hostile)
    assert "<script>" not in escaped
    assert "<!--" not in escaped
    assert "[x](" not in escaped
    assert " | " not in escaped
    assert "\\|" in escaped


def test_escape_inline_flattens_lines() -> None:
    assert escape_inline("one\ntwo\r\nthree") == "one two three"


def test_escape_prose_keeps_code_and_blocks_headings() -> None:
    escaped = escape_prose("# 标题\n修改 `a<b>` 与 <img src=x>\n1. 列表")
    lines = escaped.splitlines()
    assert lines[0].startswith("\\#")
    assert "`a<b>`" in lines[1]
    assert "&lt;img" in lines[1]
    assert lines[2].startswith("1\\.")


def test_code_span_fence_outgrows_backticks() -> None:
    assert code_span("a`b") == "``a`b``"
    assert code_span("plain") == "`plain`"


def test_slugs_match_github() -> None:
    assert github_slug("🔴 高重要度变更 (4)") == "-高重要度变更-4"
    assert github_slug("📊 统计摘要") == "-统计摘要"
    assert github_slug("ai-dynamo/dynamo") == "ai-dynamodynamo"
    slugger = Slugger()
    assert [slugger.slug(text) for text in ["A", "a", "a-1", "a"]] == ["a", "a-1", "a-1-1", "a-2"]


def test_report_ends_with_one_newline(tmp_path) -> None:
    markdown = make_report(tmp_path, ["feat: add a widget", "docs: describe the widget"])
    assert markdown.endswith("\n")
    assert not markdown.endswith("\n\n")


def test_toc_links_resolve_across_repositories(tmp_path) -> None:
    # The first repository's subjects take the slugs that the second one's
    # headings would get on their own, so those headings must count them.
    first = ["📊 统计摘要", "📊 统计摘要 2", "acme/gadget", "🟡 中重要度变更 (1)", "feat: 🟢 低重要度变更 (1)"]
    second = ["docs: 📊 统计摘要", "feat: gadget"]
    analyses = []
    selection = resolve_selection(
        day="2026-01-10", since=None, until=None, revision_range=None, branch="HEAD", zone=UTC, all_commits=False
    )
    for name, subjects in (("widget", first), ("gadget", second)):
        repo = GitRepo(tmp_path / name)
        repo.git("remote", "add", "origin", f"https://github.com/acme/{name}.git")
        for index, subject in enumerate(subjects):
            repo.write(f"src/file{index}.py", f"value = {index}\n")
            repo.commit(subject, when=f"2026-01-10T{10 + index:02d}:00:00+00:00")
        repository = open_repository(repo.path)
        analyses.append(analyze_repository(repository, selection, load_rules(repository.path)))
    document = Report(
        label="2026-01-10", single_day=True, timezone="UTC", generated_at=datetime(2026, 1, 11, tzinfo=UTC),
        since=selection.since, until=selection.until, model=None, repositories=analyses,
    )

    markdown = render_markdown(document)

    links = re.findall(r"\]\(#([^)]+)\)", markdown)
    assert len(links) >= 2 * 3 + len(first) + len(second)
    anchors = resolvable_anchors(markdown)
    for link in links:
        assert link in anchors, link
    # The second repository's statistics heading comes after `-统计摘要`, `-统计摘要-1`
    # (a repeat) and `-统计摘要-2` (a subject that reads so).
    assert re.findall(r"\]\(#(-统计摘要[^)]*)\)", markdown) == ["-统计摘要", "-统计摘要-3"]


def test_anchor_avoids_subject_that_is_a_short_id(tmp_path) -> None:
    repo = GitRepo(tmp_path / "widget")
    repo.write("src/a.py", "a = 1\n")
    repo.commit("feat: add a", when="2026-01-10T10:00:00+00:00")
    first = repo.head()
    repo.write("src/b.py", "b = 1\n")
    # A subject that reads as the first commit's short id gets that id as its heading id.
    repo.commit(first[:7], when="2026-01-10T11:00:00+00:00")
    repository = open_repository(repo.path)
    selection = resolve_selection(
        day="2026-01-10", since=None, until=None, revision_range=None, branch="HEAD", zone=UTC, all_commits=False
    )
    document = Report(
        label="2026-01-10", single_day=True, timezone="UTC", generated_at=datetime(2026, 1, 11, tzinfo=UTC),
        since=selection.since, until=selection.until, model=None,
        repositories=[analyze_repository(repository, selection, load_rules(repository.path))],
    )

    markdown = render_markdown(document)

    explicit = re.findall(r'<a id="([^"]+)"></a>', markdown)
    heading_ids = resolvable_anchors(markdown) - set(explicit)
    assert first[:7] in heading_ids
    assert not set(explicit) & heading_ids
    first_anchor = next(anchor for anchor in explicit if first.startswith(anchor))
    assert len(first_anchor) > 7
    assert f"](#{first_anchor})" in markdown


def test_same_repository_twice_gets_distinct_anchors(tmp_path) -> None:
    repo = GitRepo(tmp_path / "widget")
    repo.git("remote", "add", "origin", "https://github.com/acme/widget.git")
    for index in range(3):
        repo.write(f"src/file{index}.py", f"value = {index}\n")
        repo.commit(f"feat: step {index}", when=f"2026-01-10T{10 + index:02d}:00:00+00:00")
    repository = open_repository(repo.path)
    selection = resolve_selection(
        day="2026-01-10", since=None, until=None, revision_range=None, branch="HEAD", zone=UTC, all_commits=False
    )
    analyses = [analyze_repository(repository, selection, load_rules(repository.path)) for _ in range(2)]
    document = Report(
        label="2026-01-10", single_day=True, timezone="UTC", generated_at=datetime(2026, 1, 11, tzinfo=UTC),
        since=selection.since, until=selection.until, model=None, repositories=analyses,
    )

    markdown = render_markdown(document)

    explicit = re.findall(r'<a id="([^"]+)"></a>', markdown)
    assert len(explicit) == 6
    assert len(set(explicit)) == 6
    first_half, second_half = markdown.split("## 📋 目录", 2)[1:]
    commit_link = re.compile(r"^    - \[.*\]\(#([^)]+)\)$", re.MULTILINE)
    first_links = set(commit_link.findall(first_half.split("####", 1)[0]))
    second_links = set(commit_link.findall(second_half.split("####", 1)[0]))
    assert len(first_links) == len(second_links) == 3
    assert not first_links & second_links

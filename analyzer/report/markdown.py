"""Markdown renderer: the daily report format, with anchors that resolve and escaped text."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from analyzer.pipeline import AnalyzedCommit, RepositoryAnalysis
from analyzer.rating import Importance
from analyzer.report.document import Report
from analyzer.report.escape import Slugger, code_span, escape_inline, escape_prose, single_line
from analyzer.sections import SECTION_NAMES, WRITER_MODEL

TOC_SUBJECT_LIMIT = 60
TOC_SUBJECT_KEEP = 57

LEVELS = (Importance.HIGH, Importance.MEDIUM, Importance.LOW)
LEVEL_EMOJI = {Importance.HIGH: "🔴", Importance.MEDIUM: "🟡", Importance.LOW: "🟢"}
LEVEL_NAME = {Importance.HIGH: "高", Importance.MEDIUM: "中", Importance.LOW: "低"}

SECTION_LABELS = {
    "summary": "变更摘要",
    "scope": "影响范围",
    "architecture": "架构影响",
    "performance": "性能影响",
    "security": "安全考虑",
    "maintainability": "可维护性",
    "risks": "潜在风险",
    "suggestions": "关注建议",
}

STATS_HEADING = "📊 统计摘要"
TOC_HEADING = "📋 目录"


def level_heading(level: Importance, count: int) -> str:
    return f"{LEVEL_EMOJI[level]} {LEVEL_NAME[level]}重要度变更 ({count})"


def format_time(moment: datetime, timezone_name: str) -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(timezone_name)).strftime("%Y-%m-%d %H:%M:%S")


def toc_subject(subject: str) -> str:
    """Cut a subject over 60 characters to 57 plus `...` for the table of contents."""
    if len(subject) > TOC_SUBJECT_LIMIT:
        return subject[:TOC_SUBJECT_KEEP] + "..."
    return subject


def commit_anchors(repositories: Iterable[RepositoryAnalysis]) -> dict[str, str]:
    """Give every commit a unique anchor id: its short id, lengthened where two collide."""
    anchors: dict[str, str] = {}
    used: set[str] = set()
    for analysis in repositories:
        for item in analysis.commits:
            sha = item.commit.sha
            if sha in anchors:
                continue
            length = 7
            while sha[:length] in used and length < len(sha):
                length += 1
            anchor = sha[:length]
            if anchor in used:
                anchor = f"{anchor}-{len(used)}"
            used.add(anchor)
            anchors[sha] = anchor
    return anchors


def grouped(commits: list[AnalyzedCommit]) -> dict[Importance, list[AnalyzedCommit]]:
    """Group commits by level, keeping table order (newest first) inside each group."""
    groups: dict[Importance, list[AnalyzedCommit]] = {level: [] for level in LEVELS}
    for item in commits:
        groups[item.rating.importance].append(item)
    return groups


def render_markdown(report: Report) -> str:
    """Render `report` as the daily report in Markdown."""
    slugger = Slugger()
    anchors = commit_anchors(report.repositories)
    lines: list[str] = []

    title = f"每日更新报告（{report.label}）" if report.single_day else f"更新报告（{report.label}）"
    lines.append(f"# {escape_inline(title)}")
    slugger.slug(title)
    lines.append("")
    lines.append(_model_line(report))
    lines.append("")

    for analysis in report.repositories:
        lines.extend(_render_repository(report, analysis, slugger, anchors))

    # End with exactly one newline without copying the joined report again:
    # trailing newlines are cut from the list's tail, then an empty last line adds one.
    while lines and not lines[-1].rstrip("\n"):
        lines.pop()
    if not lines:
        return "\n"
    lines[-1] = lines[-1].rstrip("\n")
    lines.append("")
    return "\n".join(lines)


def _model_line(report: Report) -> str:
    zone = f"时区 {report.timezone}"
    if report.model is None:
        return f"> {zone}｜分析文字：全部由规则生成（未使用模型）"
    model = report.model
    return (
        f"> {zone}｜分析文字：模型 {code_span(model.name)} 撰写 {model.model_sections} 节，"
        f"规则撰写 {model.rule_sections} 节"
    )


def _render_repository(
    report: Report, analysis: RepositoryAnalysis, slugger: Slugger, anchors: dict[str, str]
) -> list[str]:
    name = analysis.repository.name
    lines = [f"## {escape_inline(name)}", ""]
    repository_slug = slugger.slug(name)
    period = "本日" if report.single_day else "本范围"

    if analysis.shallow_boundary:
        boundary = "、".join(code_span(sha) for sha in analysis.shallow_boundary)
        lines.append(f"> ⚠️ 浅克隆：提交 {boundary} 位于历史边界，其 diff 未知，文件列表已省略。")
        lines.append("")

    commits = analysis.commits
    if not commits:
        slugger.slug(STATS_HEADING)
        lines.append(f"{period}（{escape_inline(report.label)}）该分支没有新的提交。")
        lines.append("")
        lines.append(f"### {STATS_HEADING}")
        lines.append(f"> {period}共 0 个提交 | 🔴高 0 | 🟡中 0 | 🟢低 0")
        lines.append("")
        return lines

    lines.append("| 提交时间 | 作者 | 提交信息 |")
    lines.append("|----------|------|----------|")
    for item in commits:
        commit = item.commit
        lines.append(
            f"| {format_time(commit.committer_time, report.timezone)} "
            f"| {escape_inline(commit.author_name)} | {escape_inline(commit.subject)} |"
        )
    lines.append("")

    groups = grouped(commits)
    counts = {level: len(groups[level]) for level in LEVELS}
    stats_slug = slugger.slug(STATS_HEADING)
    lines.append(f"### {STATS_HEADING}")
    lines.append(
        f"> {period}共 {len(commits)} 个提交 | 🔴高 {counts[Importance.HIGH]} "
        f"| 🟡中 {counts[Importance.MEDIUM]} | 🟢低 {counts[Importance.LOW]}"
    )
    lines.append("")

    # Slugs are handed out in document order: the TOC heading comes first, then
    # each group heading followed by its commits' headings.
    slugger.slug(TOC_HEADING)
    group_slugs: dict[Importance, str] = {}
    for level in LEVELS:
        if not groups[level]:
            continue
        group_slugs[level] = slugger.slug(level_heading(level, counts[level]))
        for item in groups[level]:
            slugger.slug(single_line(item.commit.subject))

    lines.append(f"## {TOC_HEADING}")
    lines.append("")
    lines.append(f"- [{escape_inline(name)}](#{repository_slug})")
    lines.append(f"  - [{STATS_HEADING}](#{stats_slug})")
    for level in LEVELS:
        if not groups[level]:
            continue
        lines.append(f"  - [{level_heading(level, counts[level])}](#{group_slugs[level]})")
        for item in groups[level]:
            text = escape_inline(toc_subject(item.commit.subject))
            lines.append(f"    - [{text}](#{anchors[item.commit.sha]})")
    lines.append("")

    for level in LEVELS:
        if not groups[level]:
            continue
        lines.append(f"#### {level_heading(level, counts[level])}")
        lines.append("")
        for item in groups[level]:
            lines.extend(_render_commit(analysis, item, anchors[item.commit.sha]))
            lines.append("---")
            lines.append("")
    return lines


def _render_commit(analysis: RepositoryAnalysis, item: AnalyzedCommit, anchor: str) -> list[str]:
    commit = item.commit
    level = item.rating.importance
    sections = item.sections
    lines = [f'<a id="{anchor}"></a>', f"### {escape_inline(commit.subject)}"]

    sha_line = f"**SHA**: `{commit.short_sha}`"
    url = analysis.repository.commit_url(commit.sha)
    if url is not None:
        sha_line += f" | 🔗 [查看提交]({url})"
    lines.append(sha_line)
    lines.append("")
    lines.append(f"**🎯 变更类型**：{escape_inline(item.rating.change_type)}  ")
    lines.append(f"**⚡ 重要程度**：{LEVEL_EMOJI[level]}{LEVEL_NAME[level]}  ")
    lines.append("")

    if level is Importance.LOW:
        lines.append(f"**📋 摘要**：{_paragraph(sections.summary)}")
        lines.append("")
        lines.extend(_written_by_lines(item))
        return lines

    lines.append("**📋 变更摘要**：  ")
    lines.append(escape_prose(sections.summary) or "（无）")
    lines.append("")
    lines.append("**🎯 影响范围**：  ")
    lines.append(escape_prose(sections.scope) or "（无）")
    lines.append("")

    if level is Importance.HIGH:
        lines.append("**🔍 技术洞察**：")
        lines.append("")
        for name in ("architecture", "performance", "security", "maintainability"):
            text = escape_prose(getattr(sections, name)) or "（无）"
            lines.append(f"- **{SECTION_LABELS[name]}**：{_indent_continuation(text, 2)}")
        lines.append("")

    if sections.risks and (level is Importance.HIGH or item.facts.hits):
        lines.append("**⚠️ 潜在风险**：  ")
        for number, risk in enumerate(sections.risks, start=1):
            lines.append(f"{number}. {_indent_continuation(escape_prose(risk), 3)}")
        lines.append("")

    if sections.suggestions:
        lines.append("**💡 关注建议**：  ")
        for suggestion in sections.suggestions:
            lines.append(f"- {_indent_continuation(escape_prose(suggestion), 2)}")
        lines.append("")

    lines.extend(_written_by_lines(item))
    return lines


def _paragraph(text: str) -> str:
    return " ".join(escape_prose(text).splitlines()) or "（无）"


def _indent_continuation(text: str, width: int) -> str:
    return text.replace("\n", "\n" + " " * width)


def _written_by_lines(item: AnalyzedCommit) -> list[str]:
    by_model = [SECTION_LABELS[name] for name in SECTION_NAMES if item.written_by.get(name) == WRITER_MODEL]
    if not by_model:
        return []
    lines = [f"> 📝 模型撰写：{'、'.join(by_model)}；其余由规则生成。"]
    if item.coverage:
        lines.append(f"> 📄 {escape_inline(item.coverage)}")
    lines.append("")
    return lines

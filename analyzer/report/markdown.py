"""Markdown renderer: the daily report format, with anchors that resolve and escaped text."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from datetime import datetime
from typing import TextIO

from analyzer.log import PATCH_TEXT_BUDGET
from analyzer.pipeline import AnalyzedCommit, RepositoryAnalysis
from analyzer.rating import Importance
from analyzer.report.document import Report
from analyzer.report.escape import Slugger, code_span, escape_inline, escape_prose, github_slug, single_line
from analyzer.sections import SECTION_NAMES, WRITER_MODEL
from analyzer.store import LEVELS

TOC_SUBJECT_LIMIT = 60
TOC_SUBJECT_KEEP = 57

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


# A heading id that could equal a commit anchor: hex digits, perhaps with a repeat counter.
_HEX_ID = re.compile(r"[0-9a-f]{7,64}(?:-\d+)?")


class CommitAnchors:
    """Unique anchor ids for commits: the short id, lengthened where two short ids collide.

    Short ids rarely collide, so only the colliding commits are kept in a
    dict; every other commit's anchor is its short id. A commit listed under
    two repositories (two clones of one project) gets an anchor in each.
    """

    def __init__(self, repositories: list[RepositoryAnalysis]) -> None:
        # Heading ids that look like commit ids: a subject or repository name
        # such as `995da32` gets that id from GitHub, and an anchor with the
        # same id would send its table of contents link to the heading.
        names = (github_slug(analysis.repository.name) for analysis in repositories)
        hex_headings = {slug for slug in names if _HEX_ID.fullmatch(slug)}

        # The short ids used more than once, or taken by a hex heading id.
        seen: set[str] = set()
        colliding: set[str] = set()
        for analysis in repositories:
            for head in analysis.commits.heads():
                short = head.sha[:7]
                if short in seen:
                    colliding.add(short)
                seen.add(short)
                slug = github_slug(single_line(head.subject))
                if _HEX_ID.fullmatch(slug):
                    hex_headings.add(slug)
        colliding.update(short for short in seen if short in hex_headings)
        del seen

        # Those are lengthened in document order until each is unique.
        self._lengthened: dict[tuple[int, str], str] = {}
        """(Position of the repository in the report, commit id) to the anchor."""
        used: set[str] = set(hex_headings)
        for position, analysis in enumerate(repositories if colliding else ()):
            for head in analysis.commits.heads():
                sha = head.sha
                if sha[:7] not in colliding:
                    continue
                length = 7
                while sha[:length] in used and length < len(sha):
                    length += 1
                anchor = sha[:length]
                if anchor in used:
                    anchor = f"{anchor}-{len(used)}"
                used.add(anchor)
                self._lengthened[position, sha] = anchor

    def get(self, position: int, sha: str) -> str:
        """Return the anchor of commit `sha` under the repository at `position` in the report."""
        return self._lengthened.get((position, sha), sha[:7])


class _LineWriter:
    """Writes lines to a stream so that the text ends with exactly one newline.

    Blank lines (empty, or only newlines) are held back until a line with text
    follows, so blank lines at the end are dropped, and so are the trailing
    newlines of the last line.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._last: str | None = None
        """The latest line with text, not yet written."""
        self._blank: list[str] = []
        """Blank lines after `_last`, or before the first line with text."""

    def line(self, text: str) -> None:
        if not text.rstrip("\n"):
            self._blank.append(text)
            return
        if self._last is not None:
            self._stream.write(self._last + "\n")
        for blank in self._blank:
            self._stream.write(blank + "\n")
        self._blank = []
        self._last = text

    def lines(self, texts: Iterable[str]) -> None:
        for text in texts:
            self.line(text)

    def close(self) -> None:
        self._stream.write("\n" if self._last is None else self._last.rstrip("\n") + "\n")


def render_markdown(report: Report) -> str:
    """Render `report` as the daily report in Markdown."""
    buffer = io.StringIO()
    write_markdown(report, buffer)
    return buffer.getvalue()


def write_markdown(report: Report, stream: TextIO) -> None:
    """Write `report` as the daily report in Markdown to `stream`, a line at a time.

    The commits are read back from each repository's store once per part of
    the report (table, table of contents, sections), so memory does not grow
    with their number.
    """
    out = _LineWriter(stream)
    slugger = Slugger(only=_linked_headings(report))
    anchors = CommitAnchors(report.repositories)

    title = _title(report)
    out.line(f"# {escape_inline(title)}")
    slugger.slug(title)
    out.line("")
    out.line(_model_line(report))
    out.line("")

    for position, analysis in enumerate(report.repositories):
        _write_repository(out, report, position, slugger, anchors)
    out.close()


def _title(report: Report) -> str:
    return f"每日更新报告（{report.label}）" if report.single_day else f"更新报告（{report.label}）"


def _linked_headings(report: Report) -> list[str]:
    """List the headings the table of contents links to, and every other heading but commit subjects."""
    headings = [_title(report), STATS_HEADING, TOC_HEADING]
    for analysis in report.repositories:
        headings.append(analysis.repository.name)
        headings.extend(level_heading(level, analysis.commits.count(level)) for level in LEVELS)
    return headings


def _model_line(report: Report) -> str:
    zone = f"时区 {report.timezone}"
    if report.model is None:
        return f"> {zone}｜分析文字：全部由规则生成（未使用模型）"
    model = report.model
    return (
        f"> {zone}｜分析文字：模型 {code_span(model.name)} 撰写 {model.model_sections} 节，"
        f"规则撰写 {model.rule_sections} 节"
    )


def _write_repository(
    out: _LineWriter, report: Report, position: int, slugger: Slugger, anchors: CommitAnchors
) -> None:
    analysis = report.repositories[position]
    name = analysis.repository.name
    out.lines([f"## {escape_inline(name)}", ""])
    repository_slug = slugger.slug(name)
    period = "本日" if report.single_day else "本范围"

    if analysis.shallow_boundary:
        boundary = "、".join(code_span(sha) for sha in analysis.shallow_boundary)
        out.line(f"> ⚠️ 浅克隆：提交 {boundary} 位于历史边界，其 diff 未知，文件列表已省略。")
        out.line("")

    commits = analysis.commits
    if not commits:
        slugger.slug(STATS_HEADING)
        out.line(f"{period}（{escape_inline(report.label)}）该分支没有新的提交。")
        out.line("")
        out.line(f"### {STATS_HEADING}")
        out.line(f"> {period}共 0 个提交 | 🔴高 0 | 🟡中 0 | 🟢低 0")
        out.line("")
        return

    out.line("| 提交时间 | 作者 | 提交信息 |")
    out.line("|----------|------|----------|")
    for head in commits.heads():
        out.line(
            f"| {format_time(head.committer_time, report.timezone)} "
            f"| {escape_inline(head.author_name)} | {escape_inline(head.subject)} |"
        )
    out.line("")

    counts = {level: commits.count(level) for level in LEVELS}
    levels = [level for level in LEVELS if counts[level]]
    stats_slug = slugger.slug(STATS_HEADING)
    out.line(f"### {STATS_HEADING}")
    out.line(
        f"> {period}共 {len(commits)} 个提交 | 🔴高 {counts[Importance.HIGH]} "
        f"| 🟡中 {counts[Importance.MEDIUM]} | 🟢低 {counts[Importance.LOW]}"
    )
    out.line("")

    # Slugs are handed out in document order: the TOC heading comes first, then
    # each group heading followed by its commits' headings.
    slugger.slug(TOC_HEADING)
    group_slugs: dict[Importance, str] = {}
    for level in levels:
        group_slugs[level] = slugger.slug(level_heading(level, counts[level]))
        for head in commits.heads(level):
            slugger.slug(single_line(head.subject))

    out.line(f"## {TOC_HEADING}")
    out.line("")
    out.line(f"- [{escape_inline(name)}](#{repository_slug})")
    out.line(f"  - [{STATS_HEADING}](#{stats_slug})")
    for level in levels:
        out.line(f"  - [{level_heading(level, counts[level])}](#{group_slugs[level]})")
        for head in commits.heads(level):
            text = escape_inline(toc_subject(head.subject))
            out.line(f"    - [{text}](#{anchors.get(position, head.sha)})")
    out.line("")

    for level in levels:
        out.line(f"#### {level_heading(level, counts[level])}")
        out.line("")
        for item in commits.at_level(level):
            out.lines(_render_commit(analysis, item, anchors.get(position, item.commit.sha)))
            out.line("---")
            out.line("")


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

    omitted = sum(1 for change in commit.files if change.patch_omitted)
    if omitted:
        lines.append(
            f"> ⚠️ 本提交的 diff 超过每个提交 {PATCH_TEXT_BUDGET:,} 字节的读取上限，"
            f"{omitted} 个文件只统计了行数，未做逐行检测。"
        )
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

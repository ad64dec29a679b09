"""Terminal view of a review with rich: one block per commit, findings marked."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from analyzer import review_text  # noqa: F401  (registers the messages used below)
from analyzer.gate import Finding, FindingSource
from analyzer.i18n import message
from analyzer.pipeline import AnalyzedCommit
from analyzer.rating import Importance

LEVEL_STYLES: dict[Importance, tuple[str, str]] = {
    Importance.HIGH: ("🔴", "bold red"),
    Importance.MEDIUM: ("🟡", "yellow"),
    Importance.LOW: ("🟢", "green"),
}

# C0 and C1 control characters other than tab: commit text is untrusted, and an
# escape sequence in a subject could rewrite the user's terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """Return `text` on one line with control characters replaced, safe to print."""
    return _CONTROL.sub(" ", text).strip()


def level_name(importance: Importance) -> str:
    return message(f"level.{importance.value}")


def count_levels(commits: Sequence[AnalyzedCommit]) -> dict[Importance, int]:
    counts = {level: 0 for level in Importance}
    for analyzed in commits:
        counts[analyzed.rating.importance] += 1
    return counts


def render_header(label: str, commits: Sequence[AnalyzedCommit]) -> Text:
    """Return the line naming the reviewed range with the commit count per level."""
    counts = count_levels(commits)
    line = message(
        "review.header",
        label=clean(label),
        count=len(commits),
        high=counts[Importance.HIGH],
        medium=counts[Importance.MEDIUM],
        low=counts[Importance.LOW],
    )
    return Text(line, style="bold")


def render_commit(analyzed: AnalyzedCommit, findings: Sequence[Finding] = ()) -> Text:
    """Return the block of one commit: id, level, type, subject, rules, detector hits, summary.

    Every piece of commit text goes into `Text` as plain content, so rich
    markup in a subject (`[red]`, `[link=...]`) prints as written.
    """
    commit = analyzed.commit
    rating = analyzed.rating
    emoji, style = LEVEL_STYLES[rating.importance]
    blocking_shas = {finding.sha for finding in findings}

    block = Text()
    block.append(commit.short_sha, style="bold cyan")
    block.append("  ")
    block.append(f"{emoji}{level_name(rating.importance)}", style=style)
    block.append("  ")
    block.append(clean(rating.change_type), style="magenta")
    block.append("  ")
    block.append(clean(commit.subject))
    if commit.sha in blocking_shas:
        block.append(f"  [{message('term.blocking')}]", style="bold white on red")

    # Fired rules explain the importance level.
    block.append(f"\n    {message('term.rules')}: ", style="dim")
    if rating.fired:
        parts = [f"{clean(rule.name)} ({rule.points:+d}) {clean(rule.reason)}" for rule in rating.fired]
        block.append("; ".join(parts))
    else:
        block.append(message("term.no_rules"), style="dim")

    # Detector details arrive redacted; the line number points at the new file.
    for hit in analyzed.facts.hits:
        location = clean(hit.path) if hit.line is None else f"{clean(hit.path)}:{hit.line}"
        hit_blocks = any(
            finding.source is FindingSource.DETECTOR and finding.sha == commit.sha and finding.kind == hit.kind and finding.path == hit.path and finding.line == hit.line
            for finding in findings
        )
        block.append(f"\n    {message('term.hits')}: ", style="dim")
        block.append(clean(hit.kind), style="bold red" if hit_blocks else "yellow")
        block.append(f"  {location}  {clean(hit.detail)}")

    summary = clean(analyzed.sections.summary)
    if summary:
        block.append(f"\n    {message('term.summary')}: ", style="dim")
        block.append(summary)
    return block


def render_finding(finding: Finding) -> str:
    """Return one line saying what blocks the push and where; detector details are redacted already."""
    if finding.source is FindingSource.DETECTOR:
        location = finding.path or "?"
        if finding.line is not None:
            location = f"{location}:{finding.line}"
        return message("review.finding.detector", kind=clean(finding.kind), sha=finding.short_sha, location=clean(location), detail=clean(finding.detail))
    if finding.source is FindingSource.RULE:
        return message("review.finding.rule", kind=clean(finding.kind), sha=finding.short_sha, detail=clean(finding.detail))
    return message("review.finding.importance", level=level_name(Importance(finding.kind)), sha=finding.short_sha)


def print_review(
    console: Console,
    label: str,
    commits: Sequence[AnalyzedCommit],
    findings: Sequence[Finding] = (),
    notes: Sequence[str] = (),
) -> None:
    """Print the review of `commits` (newest first) to `console`."""
    console.print(render_header(label, commits))
    for note in notes:
        console.print(Text(clean(note), style="dim"))
    if not commits:
        console.print(Text(message("review.empty")))
        return

    for analyzed in commits:
        console.print(render_commit(analyzed, findings))


def print_verdict(console: Console, findings: Sequence[Finding]) -> None:
    """Print whether the push may go ahead and, when blocked, every finding and how to skip once."""
    if not findings:
        console.print(Text(message("review.clean"), style="green"))
        return

    console.print(Text(message("review.blocked", count=len(findings)), style="bold red"))
    for finding in findings:
        console.print(Text(f"  - {render_finding(finding)}"))
    console.print(Text(message("review.skip_hint"), style="dim"))

"""`analyzer explain REV`: the facts of one commit, every rule that fired, the score and the level.

This output is the command's result, so it goes to stdout. Merges are explained
against their first parent, like the report. Everything taken from the commit
is redacted and printed as plain text, never as rich markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table
from rich.text import Text

from analyzer.commit import Commit
from analyzer.console import stdout
from analyzer.facts import CommitFacts, build_facts
from analyzer.log import read_commits
from analyzer.rating import Rating, rate
from analyzer.redact import redact
from analyzer.repo import Repository
from analyzer.rules import RuleSet
from analyzer.window import Selection


@dataclass(slots=True)
class Explanation:
    """One commit with the facts and rating that `explain` printed."""

    commit: Commit
    facts: CommitFacts
    rating: Rating


def read_one_commit(repository: Repository, rev: str) -> Commit:
    """Read the commit `rev` names, with its diff against the first parent."""
    selection = Selection(revisions=("-1", rev), timezone=ZoneInfo("UTC"), first_parent=True, label=rev)
    for commit in read_commits(repository, selection, text_budget=None):
        return commit
    # NOTE: read_commits raises for an unknown revision, so an empty result is not expected here.
    raise LookupError(rev)


def _facts_table(commit: Commit, facts: CommitFacts, rules: RuleSet) -> Table:
    table = Table(title="事实", show_header=False, title_justify="left")
    table.add_column("项", style="bold", no_wrap=True)
    table.add_column("值")
    conventional = facts.conventional
    kind = conventional.type or "（非约定式提交）"
    if conventional.scope:
        kind += f"({conventional.scope})"
    table.add_row("提交", Text(f"{commit.sha}  {redact(commit.subject)}"))
    if commit.is_merge:
        table.add_row("合并", Text(f"{len(commit.parents)} 个父提交，差异相对第一父提交 {commit.parents[0][:7]}"))
    table.add_row("约定式类型", Text(kind))
    table.add_row("不兼容变更", "是" if conventional.breaking else "否")
    table.add_row("回滚", "是" if conventional.revert else "否")
    table.add_row("文件", Text(f"{len(facts.paths)} 个（+{facts.lines_added} / -{facts.lines_removed} 行）"))
    categories = [f"{rules.categories[name].label}（{len(facts.category_files.get(name, []))}）"
                  for name in facts.categories]
    table.add_row("路径类别", Text("、".join(categories) or "无"))
    table.add_row("组件", Text("、".join(facts.components) or "无"))
    return table


def _hits_table(facts: CommitFacts) -> Table:
    table = Table(title="检测结果", title_justify="left")
    table.add_column("检测器", no_wrap=True)
    table.add_column("位置")
    table.add_column("说明")
    table.add_column("阻断", no_wrap=True)
    for hit in facts.hits:
        location = hit.path if hit.line is None else f"{hit.path}:{hit.line}"
        table.add_row(Text(hit.kind), Text(location), Text(hit.detail), "是" if hit.blocking else "")
    return table


def _rules_table(rating: Rating) -> Table:
    table = Table(title="命中的规则", title_justify="left")
    table.add_column("规则", no_wrap=True)
    table.add_column("分值", justify="right")
    table.add_column("原因")
    table.add_column("阻断", no_wrap=True)
    for rule in rating.fired:
        table.add_row(Text(rule.name), f"{rule.points:+d}", Text(rule.reason), "是" if rule.block else "")
    return table


def print_explanation(explanation: Explanation, rules: RuleSet, console: Console = stdout) -> None:
    """Print facts, detector hits, fired rules, score and level of one commit."""
    commit, facts, rating = explanation.commit, explanation.facts, explanation.rating
    console.print(_facts_table(commit, facts, rules))
    if facts.hits:
        console.print(_hits_table(facts))
    console.print(_rules_table(rating))
    thresholds = rules.thresholds
    console.print(Text(
        f"得分 {rating.score}（高 ≥ {thresholds.high}，中 ≥ {thresholds.medium}）→ 重要程度：{rating.importance.label}"
    ))
    type_rule = f"（规则 {rating.type_rule}）" if rating.type_rule else ""
    console.print(Text(f"变更类型：{rating.change_type}{type_rule}"))
    if rating.blocked or facts.blocking_hits:
        console.print(Text("推送前审查会阻断该提交。", style="bold red"))


def explain(repository: Repository, rev: str, rules: RuleSet, console: Console = stdout) -> Explanation:
    """Rate the commit `rev` of `repository` and print why it got its level."""
    commit = read_one_commit(repository, rev)
    facts = build_facts(commit, rules)
    explanation = Explanation(commit, facts, rate(commit, facts, rules))
    print_explanation(explanation, rules, console)
    return explanation

"""Pre-push review: analyze the commits a push would send and decide whether it may go ahead."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from rich.console import Console

from analyzer import review_text  # noqa: F401  (registers the review messages)
from analyzer.errors import EXIT_RUNTIME, AnalyzerError, UsageError
from analyzer.gate import FailOn, Finding, find_blocking
from analyzer.hook import SKIP_VARIABLE
from analyzer.i18n import message
from analyzer.pipeline import RepositoryAnalysis, analyze_repository
from analyzer.push import (
    PushInputError,
    PushPlan,
    parse_push_input,
    plan_default,
    plan_pre_commit,
    plan_push,
    plan_range,
)
from analyzer.report.terminal import print_review, print_verdict
from analyzer.repo import Repository, open_repository
from analyzer.rules import RuleSet, load_rules
from analyzer.store import CommitStore
from analyzer.window import Selection, local_zone

logger = logging.getLogger(__name__)

DEFAULT_MODEL_TIMEOUT = 60.0
"""Seconds one model call may take in a review before the rules' text is kept."""


class OutputFormat(StrEnum):
    TERMINAL = "terminal"
    MARKDOWN = "markdown"
    JSON = "json"


@dataclass(slots=True)
class ReviewOptions:
    """Choices of one review run."""

    fail_on: FailOn = FailOn.NONE
    with_model: bool = False
    model_timeout: float = DEFAULT_MODEL_TIMEOUT
    """Seconds per model call (only with `with_model`)."""
    output: OutputFormat = OutputFormat.TERMINAL


@dataclass(slots=True)
class ReviewResult:
    """The analysis of the reviewed commits and the findings that block the push."""

    label: str
    analysis: RepositoryAnalysis
    findings: list[Finding]
    notes: list[str] = field(default_factory=list)
    """Lines shown above the commits (deleted refs, capped history, model problems)."""
    model: Any = None
    """The model stage's summary, or None when the rules wrote every section."""

    @property
    def blocked(self) -> bool:
        return bool(self.findings)


def review_plan(repo_path: Path, plan: PushPlan, options: ReviewOptions, label: str | None = None) -> ReviewResult:
    """Analyze the commits of `plan` in the repository at `repo_path` and find what blocks a push.

    Every commit to be pushed is reviewed, side branches of merges included.
    """
    repository = open_repository(repo_path)
    notes = [message(note.key, **note.values) for note in plan.notes]
    label = label or plan.label or "-"

    if plan.empty:
        analysis = RepositoryAnalysis(repository=repository, commits=CommitStore())
        return ReviewResult(label=label, analysis=analysis, findings=[], notes=notes)

    selection = Selection(revisions=plan.revisions, timezone=local_zone(), first_parent=False, label=label)
    rules = load_rules(repository.path)

    if options.with_model:
        analysis, model, problem = analyze_with_model(repository, selection, rules, options.model_timeout)
        if problem:
            notes.append(problem)
    else:
        # The review scans every line it is about to let through, so no
        # commit's diff is cut to the report's text budget.
        analysis, model = analyze_repository(repository, selection, rules, text_budget=None), None

    findings = find_blocking(analysis.commits, options.fail_on)
    return ReviewResult(label=label, analysis=analysis, findings=findings, notes=notes, model=model)


def analyze_with_model(
    repository: Repository, selection: Selection, rules: RuleSet, timeout: float
) -> tuple[RepositoryAnalysis, Any, str | None]:
    """Analyze `selection` and let the model rewrite the prose sections.

    Returns the analysis, the model stage's summary and a problem line. The
    review must work without a model, so a missing model stage or model file
    turns into the problem line and the rules' text stays.
    """
    try:
        from analyzer.llm.stage import ModelOptions, needs_model, run_model_stage
    except ImportError as error:
        analysis = analyze_repository(repository, selection, rules, text_budget=None)
        return analysis, None, message("review.model_unavailable", reason=str(error))

    options = ModelOptions(timeout_s=timeout, quiet=True)
    analysis = analyze_repository(repository, selection, rules, keep_content=needs_model(options), text_budget=None)
    try:
        summary = run_model_stage([analysis], options, rules.digest)
    except AnalyzerError as error:
        return analysis, None, message("review.model_unavailable", reason=str(error))
    finally:
        for analyzed in analysis.commits.kept():
            analyzed.commit.drop_content()
    return analysis, summary, None


def show_review(result: ReviewResult, options: ReviewOptions, out: Console, err: Console) -> None:
    """Print the review: the terminal view on `out`, or a Markdown or JSON report on `out`; the verdict on `err`."""
    if options.output is OutputFormat.TERMINAL:
        print_review(out, result.label, result.analysis.commits, result.findings, result.notes)
    else:
        for note in result.notes:
            err.print(note, markup=False, highlight=False)
        out.print(render_report(result, options.output), markup=False, highlight=False, soft_wrap=True, end="")
    print_verdict(err, result.findings)


def render_report(result: ReviewResult, output: OutputFormat) -> str:
    """Return the review as a Markdown or JSON report in the daily report's format."""
    from analyzer.report.document import Report
    from analyzer.report.json import render_json
    from analyzer.report.markdown import render_markdown

    zone = local_zone()
    report = Report(
        label=result.label,
        single_day=False,
        timezone=zone.key,
        generated_at=datetime.now(zone),
        since=None,
        until=None,
        model=result.model,
        repositories=[result.analysis],
    )
    if output is OutputFormat.JSON:
        return render_json(report)
    return render_markdown(report)


def review_range(repo_path: Path, range_text: str | None, options: ReviewOptions, out: Console, err: Console) -> int:
    """Review `range_text` (default: what `git push` would send) and return the exit status.

    Returns 1 when a finding blocks the push; raises `UsageError` for a range
    git cannot read.
    """
    try:
        plan = plan_range(repo_path, range_text) if range_text else plan_default(repo_path)
    except PushInputError as error:
        raise UsageError("review.bad_range", detail=str(error)) from error

    result = review_plan(repo_path, plan, options)
    show_review(result, options, out, err)
    return EXIT_RUNTIME if result.blocked else 0


def plan_hook(repo_path: Path, stdin_text: str | None, environ: Mapping[str, str]) -> PushPlan:
    """Work out what to review in a pre-push hook.

    The pre-commit framework's variables win, because pre-commit has already
    read git's stdin. Without them the lines git wrote to stdin decide; with
    no stdin at all (run by hand from a terminal) the current branch's push.
    """
    from_pre_commit = plan_pre_commit(repo_path, environ)
    if from_pre_commit is not None:
        return from_pre_commit
    if environ.get("PRE_COMMIT") == "1" or stdin_text is None:
        return plan_default(repo_path)
    return plan_push(repo_path, parse_push_input(stdin_text))


def run_pre_push(
    repo_path: Path,
    stdin_text: str | None,
    environ: Mapping[str, str],
    options: ReviewOptions,
    err: Console,
    strict: bool = False,
) -> int:
    """Run the pre-push review and return the hook's exit status (non-zero stops the push).

    A failure of the analyzer itself lets the push through with a warning,
    because a bug here must not keep people from pushing, unless `strict`.
    """
    if environ.get(SKIP_VARIABLE) == "1":
        err.print(message("review.skipped"), markup=False, highlight=False)
        return 0

    try:
        plan = plan_hook(repo_path, stdin_text, environ)
        result = review_plan(repo_path, plan, options)
    except Exception as error:  # noqa: BLE001  (any failure, bug or not, goes through the same gate)
        logger.debug("pre-push review failed", exc_info=True)
        key = "review.failed_strict" if strict else "review.failed_open"
        err.print(message(key, error=_describe(error)), markup=False, highlight=False, style="yellow")
        return EXIT_RUNTIME if strict else 0

    # The review goes to stderr: git shows it, and stdout stays free for machines.
    try:
        show_review(result, options, err, err)
    except Exception:  # noqa: BLE001  (a rendering bug must not hide the verdict)
        logger.debug("rendering the pre-push review failed", exc_info=True)
        print_verdict(err, result.findings)
    return EXIT_RUNTIME if result.blocked else 0


def _describe(error: Exception) -> str:
    if isinstance(error, AnalyzerError):
        return str(error)
    if isinstance(error, PushInputError):
        return message("review.bad_input", detail=str(error))
    return f"{type(error).__name__}: {error}"

"""The model stage: choose commits, serve them from the cache or the model, and summarise the run."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from analyzer import console
from analyzer.llm.cache import CachedOutput, CacheKey, ModelCache
from analyzer.llm.catalog import ResolvedModel, resolve_model
from analyzer.llm.commit_writer import CommitWriter, apply_outcome
from analyzer.llm.engine import Engine
from analyzer.llm.messages import message
from analyzer.llm.prompts import PromptSet, load_prompts
from analyzer.pipeline import AnalyzedCommit, RepositoryAnalysis
from analyzer.rating import Importance
from analyzer.sections import SECTION_NAMES, WRITER_MODEL

log = logging.getLogger(__name__)

_engines: dict[tuple[Path, str], Engine] = {}
"""Loaded models by (file, sha256): the CLI runs the stage once per repository."""


@dataclass(slots=True)
class ModelOptions:
    """Command-line choices for the model stage."""

    model: str | None = None
    """--model NAME|PATH; None means $ANALYZER_MODEL, then the first entry of models.txt."""
    model_all: bool = False
    """--model-all: send low-importance commits to the model too."""
    timeout_s: float = 60.0
    """Wall-clock limit per model call, in seconds."""
    use_cache: bool = True
    quiet: bool = False
    """No progress output."""


@dataclass(slots=True)
class ModelSummary:
    """Model run figures that the report prints."""

    name: str
    file: str
    sha256: str
    prompt_version: str
    model_sections: int
    """Sections written by the model, over all commits."""
    rule_sections: int
    """Non-empty sections written by the deterministic writer, over all commits."""
    calls: int
    cached: int
    """Commits served from the cache."""
    tokens_per_second: float | None
    """Generated tokens per second of model calls (prompt evaluation included); None without calls."""


def needs_model(options: ModelOptions) -> Callable[[AnalyzedCommit], bool]:
    """Return the test for commits the model will see; the pipeline keeps their diff text."""

    def selected(analyzed: AnalyzedCommit) -> bool:
        return options.model_all or analyzed.rating.importance != Importance.LOW

    return selected


def single_repository_root(analyses: list[RepositoryAnalysis]) -> Path | None:
    """Return the repository whose `.analyzer/` overrides apply, or None unless the run covers exactly one."""
    roots = {analysis.repository.path for analysis in analyses}
    return next(iter(roots)) if len(roots) == 1 else None


@contextmanager
def progress_bar(total: int, quiet: bool) -> Iterator[Callable[[int, int, int, str], None]]:
    """Yield an update function for a stderr progress bar (a no-op when quiet or nothing to do)."""
    if quiet or total == 0:
        yield lambda done, calls, cached, rate: None
        return

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
        console=console.stderr,
        transient=True,
    )
    with progress:
        task = progress.add_task(message("progress.model"), total=total, detail="")

        def update(done: int, calls: int, cached: int, rate: str) -> None:
            detail = message("progress.detail", done=done, total=total, calls=calls, cached=cached, rate=rate)
            progress.update(task, completed=done, detail=detail)

        yield update


def loaded_engine(resolved: ResolvedModel) -> Engine:
    """Load `resolved` once per process and reuse it for later repositories."""
    key = (resolved.path, resolved.sha256)
    if key not in _engines:
        _engines.clear()
        _engines[key] = Engine(resolved)
    return _engines[key]


def count_sections(analyses: list[RepositoryAnalysis]) -> tuple[int, int]:
    """Count (model-written, rules-written) non-empty sections over every commit."""
    model_sections = rule_sections = 0
    for analysis in analyses:
        for analyzed in analysis.commits:
            for name in SECTION_NAMES:
                if not getattr(analyzed.sections, name):
                    continue
                if analyzed.written_by.get(name) == WRITER_MODEL:
                    model_sections += 1
                else:
                    rule_sections += 1
    return model_sections, rule_sections


def run_model_stage(analyses: list[RepositoryAnalysis], options: ModelOptions, rules_digest: str) -> ModelSummary:
    """Rewrite the prose sections of the selected commits in place with the model.

    Each commit's passing fields replace the deterministic text; the others stay
    and are recorded as written by the rules. Results are cached per
    (commit, model sha256, prompt version, rules digest).
    """
    repo_root = single_repository_root(analyses)
    resolved: ResolvedModel = resolve_model(options.model, repo_root)
    prompts: PromptSet = load_prompts(repo_root)
    selected = needs_model(options)
    # The pipeline keeps the selected commits in memory with their diffs
    # (`needs_model` is its `keep_content`); the rest are on disk without them.
    targets = [analyzed for analysis in analyses for analyzed in analysis.commits.kept() if selected(analyzed)]

    cache = ModelCache() if options.use_cache else None
    engine: Engine | None = None
    writer: CommitWriter | None = None
    calls = cached = tokens = 0
    seconds = 0.0

    try:
        with progress_bar(len(targets), options.quiet) as update:
            for done, analyzed in enumerate(targets, start=1):
                key = CacheKey(analyzed.commit.sha, resolved.sha256, prompts.version, rules_digest)
                hit = cache.get(key) if cache is not None else None
                # A call that ran out of time will most likely do so again
                # with the same limit, so it is retried only with a longer one.
                if hit is not None and hit.timed_out_after is not None and options.timeout_s > hit.timed_out_after:
                    hit = None

                if hit is not None:
                    apply_outcome(analyzed, hit.fields, hit.coverage)
                    cached += 1
                else:
                    # Load the model only when a commit misses the cache, so a
                    # fully cached rerun costs no load time.
                    if writer is None:
                        engine = loaded_engine(resolved)
                        writer = CommitWriter(engine, prompts, options.timeout_s)
                    outcome = writer.write(analyzed)
                    apply_outcome(analyzed, outcome.fields, outcome.coverage)
                    calls += outcome.calls
                    tokens += outcome.completion_tokens
                    seconds += outcome.seconds

                    if cache is not None:
                        timed_out_after = options.timeout_s if outcome.timed_out else None
                        cache.put(
                            key,
                            CachedOutput(fields=outcome.fields, coverage=outcome.coverage, timed_out_after=timed_out_after),
                        )

                rate = f"{tokens / seconds:.1f} token/s" if seconds > 0 else "-"
                update(done, calls, cached, rate)
    finally:
        if cache is not None:
            cache.close()

    model_sections, rule_sections = count_sections(analyses)
    return ModelSummary(
        name=resolved.entry.name,
        file=resolved.path.name,
        sha256=resolved.sha256,
        prompt_version=prompts.version,
        model_sections=model_sections,
        rule_sections=rule_sections,
        calls=calls,
        cached=cached,
        tokens_per_second=tokens / seconds if seconds > 0 else None,
    )


def merge_summaries(summaries: list[ModelSummary]) -> ModelSummary | None:
    """Combine the summaries of per-repository runs into one for the report; None for no runs.

    Counts add up. Different prompt versions (a repository's own prompt) are
    joined with commas. tokens/s is the mean of the runs weighted by model
    calls, an estimate because calls differ in length.
    """
    if not summaries:
        return None

    first = summaries[0]
    versions = list(dict.fromkeys(summary.prompt_version for summary in summaries))
    rated = [(summary.tokens_per_second, summary.calls) for summary in summaries if summary.tokens_per_second is not None and summary.calls]
    total_calls = sum(calls for _, calls in rated)
    return ModelSummary(
        name=first.name,
        file=first.file,
        sha256=first.sha256,
        prompt_version=", ".join(versions),
        model_sections=sum(summary.model_sections for summary in summaries),
        rule_sections=sum(summary.rule_sections for summary in summaries),
        calls=sum(summary.calls for summary in summaries),
        cached=sum(summary.cached for summary in summaries),
        tokens_per_second=sum(rate * calls for rate, calls in rated) / total_calls if total_calls else None,
    )

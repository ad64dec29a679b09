"""Command line: `analyzer report` and the other commands, with errors printed once at the top."""

from __future__ import annotations

import io
import logging
import os
import signal
import sys
import traceback
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Optional, TextIO

import typer

from analyzer import i18n
from analyzer.atomic import atomic_output
from analyzer.console import stderr, stdout, writing_stdout
from analyzer.errors import EXIT_RUNTIME, EXIT_USAGE, AnalyzerError, UsageError
from analyzer.pipeline import RepositoryAnalysis, analyze_repository
from analyzer.rating import Importance
from analyzer.repo import open_repository
from analyzer.report.document import Report
from analyzer.report.json import write_json
from analyzer.report.markdown import write_markdown
from analyzer.rules import load_rules
from analyzer.window import parse_zone, resolve_selection

logger = logging.getLogger(__name__)


text = i18n.help_text


app = typer.Typer(
    name="analyzer",
    help=text(
        "离线 git 分析器：从本地克隆读取提交，按规则评估重要度，生成中文每日更新报告与推送前审查。",
        "Offline git analyzer: reads commits from a local clone, rates them with rules, "
        "and writes Chinese daily reports and pre-push reviews.",
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def print_version(value: bool) -> None:
    """Print the version and exit. The option is eager, so it works without a command."""
    if not value:
        return
    from analyzer import __version__

    stdout.print(f"analyzer {__version__}")
    raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help=text("显示版本并退出。", "Show the version and exit."),
            callback=print_version,
            is_eager=True,
        ),
    ] = False,
    lang: Annotated[
        Optional[str],
        typer.Option("--lang", help=text("消息语言：zh（默认）或 en。", "Message language: zh (default) or en.")),
    ] = None,
) -> None:
    # Recorded even when absent, so an earlier in-process run's choice does not linger.
    i18n.set_root_language(lang)


class OutputFormat(StrEnum):
    MARKDOWN = "markdown"
    JSON = "json"


LangOption = Annotated[
    Optional[str],
    typer.Option("--lang", help=text("消息语言：zh（默认）或 en。报告正文始终为中文。", "Message language: zh (default) or en. Reports are always Chinese.")),
]
DebugOption = Annotated[
    bool, typer.Option("--debug", help=text("出错时显示完整 traceback 与调试日志。", "Show the full traceback and debug logs on errors."))
]
QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", help=text("不在 stderr 显示进度。", "Print no progress on stderr."))
]


def setup(lang: str | None, debug: bool) -> None:
    """Apply the options every command shares: message language and logging."""
    i18n.set_language(lang)
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


@app.command(help=text("生成每日更新报告（Markdown 或 JSON）。", "Write the daily report (Markdown or JSON)."))
def report(
    repo: Annotated[
        list[Path],
        typer.Option("--repo", help=text("本地 git 克隆路径（可重复，每个仓库一节）。", "Local git clone (repeat for several; one section each).")),
    ] = [Path(".")],
    date: Annotated[
        Optional[str],
        typer.Option("--date", help=text("报告日期 YYYY-MM-DD、today 或 yesterday（默认 yesterday）。", "Day to report: YYYY-MM-DD, today or yesterday (default yesterday).")),
    ] = None,
    since: Annotated[
        Optional[str],
        typer.Option("--since", help=text("窗口起点（含），YYYY-MM-DD 或 ISO 时间；需同时给 --until。", "Window start (inclusive): YYYY-MM-DD or ISO time; needs --until.")),
    ] = None,
    until: Annotated[
        Optional[str],
        typer.Option("--until", help=text("窗口终点（不含）；单独日期表示该日结束。", "Window end (exclusive); a bare date means the end of that day.")),
    ] = None,
    revision_range: Annotated[
        Optional[str],
        typer.Option("--range", help=text("版本范围 A..B，不按时间过滤。", "Revision range A..B, with no time filter.")),
    ] = None,
    tz: Annotated[
        Optional[str],
        typer.Option("--tz", help=text("IANA 时区，用于日期窗口与显示时间（默认本机时区）。", "IANA time zone of the window and printed times (default: the machine's).")),
    ] = None,
    branch: Annotated[
        str, typer.Option("--branch", help=text("要报告的分支或引用（默认 HEAD）。", "Branch or ref to report (default HEAD)."))
    ] = "HEAD",
    all_commits: Annotated[
        bool,
        typer.Option("--all-commits", help=text("列出窗口内所有提交，而不只是分支的第一父提交历史。", "List every commit in the window, not only the branch's first-parent history.")),
    ] = False,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help=text("输出格式。", "Output format."), case_sensitive=False)
    ] = OutputFormat.MARKDOWN,
    output: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", help=text("输出文件（默认标准输出）；原子写入。", "Output file (default stdout); written atomically.")),
    ] = None,
    rules_path: Annotated[
        Optional[Path],
        typer.Option("--rules", help=text("额外规则文件，合并覆盖默认规则与仓库的 .analyzer/rules.toml。", "Extra rules file merged over the defaults and the repository's .analyzer/rules.toml.")),
    ] = None,
    no_llm: Annotated[
        bool, typer.Option("--no-llm", help=text("不使用模型，全部分析文字由规则生成。", "Use no model; rules write every section."))
    ] = False,
    model: Annotated[
        Optional[str],
        typer.Option("--model", help=text("模型名（见 models.txt）或 GGUF 文件路径；默认 $ANALYZER_MODEL，再默认内置模型。", "Model name from models.txt or a GGUF path; default $ANALYZER_MODEL, then the embedded model.")),
    ] = None,
    model_all: Annotated[
        bool, typer.Option("--model-all", help=text("低重要度提交也交给模型撰写。", "Let the model write low-importance commits too."))
    ] = False,
    model_timeout: Annotated[
        float,
        typer.Option("--model-timeout", help=text("每次模型调用的时间上限（秒）。", "Time limit of one model call, in seconds."), min=1.0),
    ] = 60.0,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help=text("不读取也不写入分析缓存。", "Neither read nor write the analysis cache."))
    ] = False,
    quiet: QuietOption = False,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Write the daily report of the selected window as Markdown or JSON."""
    setup(lang, debug)
    zone = parse_zone(tz)
    selection = resolve_selection(
        day=date,
        since=since,
        until=until,
        revision_range=revision_range,
        branch=branch,
        zone=zone,
        all_commits=all_commits,
    )
    if output is not None:
        check_writable(output)

    model_options = None
    keep_content = None
    if not no_llm:
        from analyzer.llm.stage import ModelOptions, needs_model

        model_options = ModelOptions(
            model=model, model_all=model_all, timeout_s=model_timeout, use_cache=not no_cache, quiet=quiet
        )
        keep_content = needs_model(model_options)

    # Every repository, and the model, is checked before any history is read,
    # so a wrong value fails at once instead of after a long read.
    repositories = [open_repository(path) for path in repo]
    if model_options is not None:
        from analyzer.llm.catalog import resolve_model

        for repository in repositories:
            resolve_model(model_options.model, repository.path)

    analyses: list[tuple[RepositoryAnalysis, str]] = []
    for repository in repositories:
        if repository.shallow and not quiet:
            stderr.print(f"[yellow]{i18n.message('shallow.boundary', path=repository.path)}[/]")
        rules = load_rules(repository.path, rules_path)
        if not quiet:
            stderr.print(i18n.message("progress.reading", name=repository.name))
        analysis = analyze_repository(repository, selection, rules, keep_content=keep_content)
        analyses.append((analysis, rules.digest))
        if not quiet:
            print_counts(analysis)

    summary = None
    if model_options is not None:
        summary = run_model(analyses, model_options)
        if summary is not None and summary.calls > 0 and summary.model_sections == 0 and not quiet:
            stderr.print(f"[yellow]{i18n.message('model.none_accepted', name=summary.name)}[/]")

    document = Report(
        label=selection.label,
        single_day=selection.since is not None and revision_range is None and since is None,
        timezone=zone.key,
        generated_at=datetime.now(tz=zone),
        since=selection.since,
        until=selection.until,
        model=summary,
        repositories=[analysis for analysis, _ in analyses],
    )
    write_report = write_json if output_format is OutputFormat.JSON else write_markdown
    try:
        emit(document, write_report, output, quiet)
    finally:
        for analysis in document.repositories:
            analysis.commits.close()


def run_model(analyses: list[tuple[RepositoryAnalysis, str]], options: object):
    """Run the model stage per repository (each has its own rules digest) and merge the summaries."""
    from analyzer.llm.stage import merge_summaries, run_model_stage

    summaries = [run_model_stage([analysis], options, digest) for analysis, digest in analyses]
    for analysis, _ in analyses:
        for item in analysis.commits.kept():
            item.commit.drop_content()
    return merge_summaries(summaries)


def print_counts(analysis: RepositoryAnalysis) -> None:
    commits = analysis.commits
    stderr.print(
        i18n.message(
            "progress.done",
            name=analysis.repository.name,
            count=len(commits),
            high=commits.count(Importance.HIGH),
            medium=commits.count(Importance.MEDIUM),
            low=commits.count(Importance.LOW),
        )
    )


def check_writable(path: Path) -> None:
    """Fail before any work when the output file could not be written (a usage error, exit 2)."""
    if path.exists() and not path.is_file() and not path.is_dir():
        # A pipe or a device (/dev/stdout) is written directly.
        return
    target = Path(os.path.realpath(path))
    folder = target.parent
    if target.is_dir():
        raise UsageError("output.unwritable", path=path, reason=text("这是一个目录", "it is a folder"))
    if not folder.is_dir():
        raise UsageError("output.unwritable", path=path, reason=text("目录不存在", "the folder does not exist"))
    if target.exists() and not os.access(target, os.W_OK):
        raise UsageError("output.unwritable", path=path, reason=text("文件只读", "the file is read-only"))
    if not target.exists() and not os.access(folder, os.W_OK):
        raise UsageError("output.unwritable", path=path, reason=text("目录不可写", "the folder is not writable"))


def emit(document: Report, write_report: Callable[[Report, TextIO], None], output: Path | None, quiet: bool) -> None:
    """Write the report to `output` atomically, or to stdout, as it is rendered."""
    if output is None:
        with writing_stdout():
            # Reports are written as UTF-8 bytes, so Chinese text encodes under any locale.
            stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
            try:
                write_report(document, stream)
                stream.flush()
            finally:
                try:
                    stream.detach()
                except OSError:
                    # Flushing the rest failed as the write did, and that error is the one reported.
                    pass
        return
    with atomic_output(output) as stream:
        write_report(document, stream)
    if not quiet:
        stderr.print(i18n.message("output.written", path=output))


@app.command(help=text("显示一个提交的事实、命中的每条规则、得分与重要程度。", "Show one commit's facts, each rule that fired, the score and the level."))
def explain(
    rev: Annotated[str, typer.Argument(help=text("要解释的提交（SHA、分支或其他 git 版本名）。", "Commit to explain (SHA, branch or any git revision)."))],
    repo: Annotated[
        Path, typer.Option("--repo", help=text("本地 git 克隆路径。", "Local git clone."))
    ] = Path("."),
    rules_file: Annotated[
        Optional[Path],
        typer.Option("--rules", help=text("额外的规则文件，合并在默认规则与仓库的 .analyzer/rules.toml 之上。", "Extra rule file, merged over the defaults and the repository's .analyzer/rules.toml.")),
    ] = None,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Show the facts of one commit, each rule that fired, the score and the level."""
    from analyzer.explain import explain as explain_commit

    setup(lang, debug)
    repository = open_repository(repo)
    rules = load_rules(repository.path, rules_file)
    with writing_stdout():
        explain_commit(repository, rev, rules)


# The pre-push review and its hook live in their own module.
from analyzer.review_cli import hook_app, review_command  # noqa: E402

from analyzer.llm.commands import models_app  # noqa: E402

app.add_typer(models_app, name="models")
app.command("review", help=text("审查将要推送的提交。", "Review the commits a push would send."))(review_command)
app.add_typer(hook_app, name="hook")


def command_path(arguments: list[str]) -> list[str]:
    """Return the (sub)command names that `arguments` name, for example ["hook", "install"]."""
    current = typer.main.get_command(app)
    names: list[str] = []
    for argument in arguments:
        subcommands = getattr(current, "commands", {})
        if argument in subcommands:
            names.append(argument)
            current = subcommands[argument]
    return names


def exit_on_signals() -> None:
    """Make SIGTERM and SIGHUP unwind the program like Ctrl-C, exiting with 128 + the signal number.

    `timeout`, service managers and closed terminals send these, and the
    unwinding removes a half-written output file.
    """
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, _exit_on_signal)


def _exit_on_signal(number: int, _frame: object) -> None:
    sys.exit(128 + number)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and turn every error into one message and an exit code."""
    arguments = sys.argv[1:] if argv is None else argv
    debug = "--debug" in arguments
    # Outside standalone mode click raises its usage errors instead of printing
    # them in English, so they get the same one-line message as ours.
    exit_on_signals()
    try:
        status = app(args=arguments, prog_name="analyzer", standalone_mode=False)
        sys.exit(status if isinstance(status, int) else 0)
    except typer.Abort:
        # click turns Ctrl-C into Abort outside standalone mode.
        sys.exit(130)
    except typer.TyperException as error:
        # click's usage and parameter errors (unknown option, invalid value,
        # missing command) carry their own exit code, 2.
        detail = error.format_message() if hasattr(error, "format_message") else str(error)
        if type(error).__name__ == "NoArgsIsHelpError":
            # `analyzer` or `analyzer hook` alone: the "error" is the help text.
            sys.stderr.write(detail.rstrip("\n") + "\n")
            sys.exit(getattr(error, "exit_code", EXIT_USAGE))
        usage = " ".join(["analyzer", *command_path(arguments), "--help"])
        message = i18n.message("usage.invalid", detail=detail.strip().rstrip(".。"), usage=usage)
        stderr.print(f"[red]{i18n.message('error.prefix')}[/]: {message}", markup=True, highlight=False)
        sys.exit(getattr(error, "exit_code", EXIT_USAGE))
    except AnalyzerError as error:
        if debug:
            traceback.print_exc()
        stderr.print(f"[red]{i18n.message('error.prefix')}[/]: {error}", markup=True, highlight=False)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        # The reader of stdout went away (for example `| head`), so nothing more can be written.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_RUNTIME)
    except Exception as error:  # noqa: BLE001 - the top of the program reports any failure once
        if debug:
            traceback.print_exc()
        stderr.print(f"[red]{i18n.message('error.prefix')}[/]: {i18n.message('error.unexpected', error=error)}")
        sys.exit(EXIT_RUNTIME)

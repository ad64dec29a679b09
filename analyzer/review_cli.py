"""Command line of the pre-push review: `analyzer review` and `analyzer hook install|uninstall|run`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from analyzer import console
from analyzer import review_text  # noqa: F401  (registers the review messages)
from analyzer.gate import FailOn
from analyzer.hook import InstallAction, UninstallAction, install_hook, uninstall_hook
from analyzer.i18n import current_language, help_text, message
from analyzer.review import DEFAULT_MODEL_TIMEOUT, OutputFormat, ReviewOptions, review_range, run_pre_push

RepoOption = Annotated[Path, typer.Option("--repo", help=help_text("仓库路径", "Repository path"), file_okay=False)]
FailOnOption = Annotated[
    FailOn,
    typer.Option("--fail-on", help=help_text("达到该重要程度即阻止推送", "Block the push at this importance level (high, medium, none)")),
]
WithModelOption = Annotated[
    bool,
    typer.Option("--with-model", help=help_text("用本地 GGUF 模型改写分析文字（较慢）", "Let the local GGUF model rewrite the text (slower)")),
]
ModelTimeoutOption = Annotated[
    float,
    typer.Option("--model-timeout", help=help_text("每次模型调用的秒数上限", "Seconds allowed per model call"), min=1.0),
]
StrictOption = Annotated[
    bool,
    typer.Option("--strict", help=help_text("审查本身出错时也阻止推送", "Block the push when the review itself fails")),
]
LangOption = Annotated[str | None, typer.Option("--lang", help=help_text("消息语言 zh 或 en", "Message language, zh or en"))]
DebugOption = Annotated[bool, typer.Option("--debug", help=help_text("显示调试日志", "Show debug logs"))]

def setup(lang: str | None, debug: bool) -> None:
    """Apply the shared options (message language, logging) the way every analyzer command does."""
    # Imported here because analyzer.cli imports this module to register the commands.
    from analyzer.cli import setup as cli_setup

    cli_setup(lang, debug)


hook_app = typer.Typer(help=help_text("管理 pre-push hook", "Manage the pre-push hook"), no_args_is_help=True)


def review_command(
    range_text: Annotated[
        str | None,
        typer.Argument(metavar="[RANGE]", help=help_text("提交范围，默认 @{upstream}..HEAD", "Commit range, default @{upstream}..HEAD")),
    ] = None,
    repo: RepoOption = Path("."),
    output: Annotated[
        OutputFormat,
        typer.Option("--format", help=help_text("输出格式", "Output format (terminal, markdown, json)")),
    ] = OutputFormat.TERMINAL,
    fail_on: FailOnOption = FailOn.NONE,
    with_model: WithModelOption = False,
    model_timeout: ModelTimeoutOption = DEFAULT_MODEL_TIMEOUT,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """审查将要推送的提交 / review the commits a push would send."""
    setup(lang, debug)
    options = ReviewOptions(fail_on=fail_on, with_model=with_model, model_timeout=model_timeout, output=output)
    with console.writing_stdout():
        status = review_range(repo, range_text, options, console.stdout, console.stderr)
    raise typer.Exit(status)


@hook_app.command("install", help=help_text("安装 pre-push hook。", "Install the pre-push hook."))
def install_command(
    repo: RepoOption = Path("."),
    force: Annotated[
        bool,
        typer.Option("--force", help=help_text("替换不是本工具写入的 hook（先备份）", "Replace a foreign hook after backing it up")),
    ] = False,
    fail_on: FailOnOption = FailOn.NONE,
    strict: StrictOption = False,
    with_model: WithModelOption = False,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """安装 pre-push hook / install the pre-push hook."""
    setup(lang, debug)

    # The hook runs later without this command line, so the choices are written into it.
    extra_args = ["--fail-on", fail_on.value, "--lang", current_language()]
    if strict:
        extra_args.append("--strict")
    if with_model:
        extra_args.append("--with-model")

    action, location = install_hook(repo, force=force, extra_args=tuple(extra_args))
    key = {
        InstallAction.CREATED: "hook.created",
        InstallAction.UPDATED: "hook.updated",
        InstallAction.REPLACED: "hook.replaced",
    }[action]
    console.stderr.print(message(key, path=location.hook, backup=location.backup), markup=False)


@hook_app.command("uninstall", help=help_text("删除 pre-push hook 并恢复原有 hook。", "Remove the pre-push hook and restore the previous one."))
def uninstall_command(repo: RepoOption = Path("."), lang: LangOption = None, debug: DebugOption = False) -> None:
    """删除 pre-push hook 并恢复原有 hook / remove the pre-push hook and restore the previous one."""
    setup(lang, debug)

    action, location = uninstall_hook(repo)
    key = {
        UninstallAction.REMOVED: "hook.removed",
        UninstallAction.RESTORED: "hook.restored",
        UninstallAction.ABSENT: "hook.absent",
    }[action]
    console.stderr.print(message(key, path=location.hook), markup=False)


@hook_app.command("run", help=help_text("由 pre-push hook 调用：审查推送内容。", "Called by the pre-push hook: review what is pushed."))
def run_command(
    remote_name: Annotated[str | None, typer.Argument(help=help_text("git 传入的远程名", "Remote name from git"))] = None,
    remote_url: Annotated[str | None, typer.Argument(help=help_text("git 传入的远程地址", "Remote URL from git"))] = None,
    repo: RepoOption = Path("."),
    fail_on: FailOnOption = FailOn.NONE,
    strict: StrictOption = False,
    with_model: WithModelOption = False,
    model_timeout: ModelTimeoutOption = DEFAULT_MODEL_TIMEOUT,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """由 pre-push hook 调用：审查推送内容 / called by the pre-push hook: review what is pushed."""
    setup(lang, debug)

    # git writes one line per pushed ref to stdin; a terminal means a manual run with no push.
    stdin_text = None if sys.stdin is None or sys.stdin.isatty() else sys.stdin.read()
    options = ReviewOptions(fail_on=fail_on, with_model=with_model, model_timeout=model_timeout)
    status = run_pre_push(repo, stdin_text, os.environ, options, console.stderr, strict=strict)
    raise typer.Exit(status)

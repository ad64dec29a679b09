"""`analyzer models list` and `analyzer models check NAME`."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from analyzer.i18n import help_text
from rich.table import Table

from analyzer import console
from analyzer.llm.catalog import file_sha256, is_embedded, load_models_list, locate_file, resolve_model
from analyzer.llm.errors import ModelError
from analyzer import i18n
from analyzer.llm.messages import message
from analyzer.repo import open_repository

models_app = typer.Typer(help=help_text("列出并检查本地 GGUF 模型", "List and check local GGUF models"), no_args_is_help=True)

CHECK_PROMPT = "提交：fix: handle empty config file\n中文摘要："
CHECK_TOKENS = 64


@models_app.callback()
def models_options(
    lang: str | None = typer.Option(None, "--lang", help=help_text("消息语言：zh（默认）或 en。", "Message language: zh (default) or en.")),
) -> None:
    i18n.set_language(lang)


@models_app.command("list", help=help_text("列出 models.txt 中的模型：文件是否存在、sha256 是否相符。", "List the models of models.txt: whether each file exists and its sha256 matches."))
def list_models(
    repo: Path | None = typer.Option(None, "--repo", help=help_text("同时读取该仓库的 .analyzer/models.txt", "Also read this repository's .analyzer/models.txt")),
    verify: bool = typer.Option(True, "--verify/--no-verify", help=help_text("计算已找到文件的 sha256", "Hash the files found")),
) -> None:
    """列出 models.txt 中的模型：文件是否存在、sha256 是否相符。"""
    # The same checks and top-level folder as `report --repo`, so a wrong path
    # fails instead of silently listing only the project's models.
    repo_root = open_repository(repo).path if repo is not None else None
    try:
        entries = load_models_list(repo_root)
    except ModelError as error:
        console.stderr.print(f"[red]{error}[/red]")
        raise typer.Exit(error.exit_code) from error

    table = Table(show_edge=False)
    for column in ("name", "file", "context", "status", "hash"):
        table.add_column(message(f"models.column.{column}"))

    for entry in entries:
        path = locate_file(entry)
        if path is None:
            status = message("models.status.embedded") if is_embedded(entry) else message("models.status.missing")
            hash_state = message("models.hash.unchecked")
        else:
            status = message("models.status.found")
            if entry.sha256 is None:
                hash_state = message("models.hash.not_listed")
            elif not verify:
                hash_state = message("models.hash.unchecked")
            elif file_sha256(path) == entry.sha256:
                hash_state = message("models.hash.verified")
            else:
                hash_state = message("models.hash.mismatch")
        table.add_row(entry.name, entry.file, str(entry.context), status, hash_state)

    # The list is a result the user asked for, not a report, but stdout stays
    # reserved for reports, so it goes to stderr like every other message.
    console.stderr.print(table)


@models_app.command("check", help=help_text("加载模型，报告上下文长度和生成速度（token/秒）。", "Load a model and report its context length and generation speed (tokens/s)."))
def check_model(
    name: str = typer.Argument(..., help=help_text("models.txt 中的名称或 GGUF 文件路径", "A name from models.txt or a GGUF path")),
    repo: Path | None = typer.Option(None, "--repo", help=help_text("同时读取该仓库的 .analyzer/models.txt", "Also read this repository's .analyzer/models.txt")),
) -> None:
    """加载模型，报告上下文长度和生成速度（token/秒）。"""
    # llama_cpp (and numpy under it) takes about 0.15 s to import, so every
    # other command would pay for it if it were imported with this module.
    from analyzer.llm.engine import Engine

    try:
        resolved = resolve_model(name, repo)
        engine = Engine(resolved)
    except ModelError as error:
        console.stderr.print(f"[red]{error}[/red]")
        raise typer.Exit(error.exit_code) from error

    console.stderr.print(message("models.check.loaded", name=resolved.entry.name, path=resolved.path))
    console.stderr.print(message("models.check.context", trained=engine.trained_context or "?", used=engine.n_ctx))
    template = message("models.check.template_yes") if engine.uses_chat() else message("models.check.template_no")
    console.stderr.print(message("models.check.template", template=template))

    started = time.monotonic()
    result = engine.llama.create_completion(CHECK_PROMPT, max_tokens=CHECK_TOKENS, temperature=0.0, seed=engine.seed)
    seconds = time.monotonic() - started
    tokens = result["usage"]["completion_tokens"]
    rate = tokens / seconds if seconds > 0 else 0.0
    console.stderr.print(message("models.check.speed", tokens=tokens, seconds=seconds, rate=rate))

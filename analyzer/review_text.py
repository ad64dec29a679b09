"""Messages of the review, the hook and the terminal view, in Chinese and English."""

from __future__ import annotations

from analyzer.i18n import MESSAGES, register

# Each key maps to (Chinese, English), like every message in `analyzer.i18n`.
REVIEW_MESSAGES: dict[str, tuple[str, str]] = {
    "hook.not_repository": (
        "不是 git 仓库：{path}。请在仓库内运行，或用 --repo 指定仓库。",
        "not a git repository: {path}. Run inside a repository or pass one with --repo.",
    ),
    "hook.foreign_exists": (
        "{path} 已有一个不是本工具写入的 pre-push hook，未做改动。加 --force 会把它备份后替换（卸载时恢复）。",
        "{path} is a pre-push hook this tool did not write, so it was left alone. "
        "Pass --force to back it up and replace it (uninstall restores it).",
    ),
    "hook.backup_exists": (
        "备份文件 {path} 已存在，替换会丢失它。请先移走或合并该备份，再加 --force 安装。",
        "backup file {path} already exists and replacing the hook would lose it. Move or merge it, then install with --force.",
    ),
    "hook.foreign_uninstall": (
        "{path} 不是本工具写入的 hook，未删除。",
        "{path} is not a hook this tool wrote, so it was not removed.",
    ),
    "hook.created": ("已安装 pre-push hook：{path}", "pre-push hook installed: {path}"),
    "hook.updated": ("已更新 pre-push hook：{path}", "pre-push hook updated: {path}"),
    "hook.replaced": (
        "已安装 pre-push hook：{path}；原有 hook 备份在 {backup}（卸载时恢复，此前不会运行）。",
        "pre-push hook installed: {path}. The previous hook is saved as {backup}; "
        "uninstall restores it, and it does not run until then.",
    ),
    "hook.removed": ("已删除 pre-push hook：{path}", "pre-push hook removed: {path}"),
    "hook.restored": (
        "已删除 pre-push hook 并恢复原有 hook：{path}",
        "pre-push hook removed and the previous hook restored: {path}",
    ),
    "hook.python_missing": (
        "analyzer：找不到安装 hook 时的 Python（{python}），跳过推送前审查。请重新运行 analyzer hook install。",
        "analyzer: the Python that installed the hook ({python}) is missing, so the pre-push review is skipped. Run analyzer hook install again.",
    ),
    "hook.absent": ("{path} 没有 pre-push hook，无需卸载。", "no pre-push hook at {path}, nothing to uninstall."),
    "push.deleted": ("删除远程引用 {ref}：无需审查。", "deleting remote ref {ref}: nothing to review."),
    "push.not_commit": ("{ref} 不指向提交，已跳过。", "{ref} does not point to a commit, skipped."),
    "push.no_head": ("当前分支还没有提交，无需审查。", "the current branch has no commits yet, nothing to review."),
    "push.limited": (
        "仓库没有远程跟踪分支，无法判断远程已有哪些提交，只审查最新的 {count} 个提交。",
        "the repository has no remote-tracking refs, so it is unknown what the remote has; only the newest {count} commits are reviewed.",
    ),
    "review.bad_range": ("无效的审查范围：{detail}", "invalid review range: {detail}"),
    "review.bad_input": ("无法解析 git 传给 pre-push hook 的输入：{detail}", "cannot parse the pre-push input from git: {detail}"),
    "review.header": (
        "推送前审查 {label}：{count} 个提交 | 🔴高 {high} | 🟡中 {medium} | 🟢低 {low}",
        "pre-push review {label}: {count} commits | 🔴high {high} | 🟡medium {medium} | 🟢low {low}",
    ),
    "review.empty": ("没有需要审查的提交。", "no commits to review."),
    "review.clean": ("未发现阻止推送的问题。", "no blocking findings."),
    "review.blocked": (
        "推送已阻止：发现 {count} 个阻止推送的问题：",
        "push blocked: {count} blocking findings:",
    ),
    "review.finding.detector": ("{kind}：提交 {sha}，{location}：{detail}", "{kind}: commit {sha}, {location}: {detail}"),
    "review.finding.rule": ("规则 {kind}：提交 {sha}：{detail}", "rule {kind}: commit {sha}: {detail}"),
    "review.finding.importance": (
        "重要程度{level}：提交 {sha} 达到 --fail-on 阈值",
        "importance {level}: commit {sha} reaches the --fail-on level",
    ),
    "review.skip_hint": (
        "确认无误时可跳过一次：git push --no-verify 或 ANALYZER_SKIP=1 git push",
        "to skip the review once: git push --no-verify or ANALYZER_SKIP=1 git push",
    ),
    "review.skipped": ("已设置 ANALYZER_SKIP=1，跳过推送前审查。", "ANALYZER_SKIP=1 is set, so the pre-push review is skipped."),
    "review.failed_open": (
        "推送前审查出错（{error}），本次推送不受影响。加 --strict 可在审查出错时阻止推送。",
        "the pre-push review failed ({error}), so the push goes ahead. Use --strict to block pushes when the review fails.",
    ),
    "review.failed_strict": (
        "推送前审查出错（{error}），按 --strict 阻止推送。",
        "the pre-push review failed ({error}), so the push is blocked (--strict).",
    ),
    "review.model_unavailable": (
        "模型阶段不可用（{reason}），分析文字由规则生成。",
        "the model stage is unavailable ({reason}), so the rules wrote the analysis text.",
    ),
    "term.rules": ("规则", "rules"),
    "term.hits": ("检测", "detector hits"),
    "term.summary": ("摘要", "summary"),
    "term.blocking": ("阻止推送", "blocks push"),
    "term.no_rules": ("无", "none"),
    "level.high": ("高", "high"),
    "level.medium": ("中", "medium"),
    "level.low": ("低", "low"),
}

# Importing this module twice (for example from a reloaded test) must not register twice.
if not set(REVIEW_MESSAGES) <= set(MESSAGES):
    register(REVIEW_MESSAGES)

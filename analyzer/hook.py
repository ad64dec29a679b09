"""Installing and removing the git pre-push hook that runs the review."""

from __future__ import annotations

import os
import shlex
import sys
import sysconfig
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import analyzer
from analyzer import review_text  # noqa: F401  (registers the hook messages)
from analyzer.errors import AnalyzerError
from analyzer.gitcall import run_git
from analyzer.i18n import message

HOOK_NAME = "pre-push"

HOOK_MARKER = "# git-daily-analyzer: pre-push review hook"
"""Line that identifies a hook this module wrote; install and uninstall touch only such hooks."""

BACKUP_SUFFIX = ".analyzer-backup"
"""Suffix of the saved foreign hook; git runs only exact hook names, so the backup stays inactive."""

SKIP_VARIABLE = "ANALYZER_SKIP"


class InstallAction(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    REPLACED = "replaced"
    """A foreign hook was moved to the backup path (with --force)."""


class UninstallAction(StrEnum):
    REMOVED = "removed"
    RESTORED = "restored"
    """Our hook was removed and the backed-up foreign hook put back."""
    ABSENT = "absent"


@dataclass(frozen=True, slots=True)
class HookLocation:
    """Paths of the pre-push hook and its backup for one repository."""

    directory: Path
    hook: Path
    backup: Path


def locate_hook(repo: Path) -> HookLocation:
    """Find the hooks folder git uses for `repo`.

    `git rev-parse --git-path hooks` honours `core.hooksPath` and linked
    worktrees. It prints a path relative to the folder git ran in, so a
    relative `core.hooksPath` comes back already resolved from the work tree root.
    """
    process = run_git(repo, "rev-parse", "--git-path", "hooks", check=False)
    if process.returncode != 0:
        raise AnalyzerError("hook.not_repository", path=str(repo))

    directory = Path(process.stdout.strip())
    if not directory.is_absolute():
        directory = repo / directory
    directory = Path(os.path.normpath(directory.absolute()))
    hook = directory / HOOK_NAME
    return HookLocation(directory=directory, hook=hook, backup=hook.with_name(HOOK_NAME + BACKUP_SUFFIX))


def is_own_hook(path: Path) -> bool:
    """Return True when `path` is a hook file this module wrote (it carries `HOOK_MARKER`)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except (FileNotFoundError, IsADirectoryError):
        return False
    return HOOK_MARKER in text.splitlines()


def hook_script(python: str, extra_args: tuple[str, ...] = ()) -> str:
    """Return the text of the pre-push hook script.

    The hook runs `python -m analyzer hook run` with git's arguments and stdin.
    When the analyzer package is not installed in that interpreter's
    site-packages (a source checkout), the hook puts the checkout on
    PYTHONPATH so the same code runs that installed the hook.
    """
    package_parent = Path(analyzer.__file__).resolve().parent.parent
    site_folders = {Path(sysconfig.get_path(name)).resolve() for name in ("purelib", "platlib")}

    lines = [
        "#!/bin/sh",
        HOOK_MARKER,
        "# Written by `analyzer hook install`; remove it with `analyzer hook uninstall`.",
        f"# Skip the review once with `git push --no-verify` or `{SKIP_VARIABLE}=1 git push`.",
        f'if [ "${{{SKIP_VARIABLE}:-}}" = "1" ]; then',
        "    exit 0",
        "fi",
    ]
    if package_parent not in site_folders:
        quoted = shlex.quote(str(package_parent))
        lines.append(f'PYTHONPATH={quoted}${{PYTHONPATH:+:$PYTHONPATH}}')
        lines.append("export PYTHONPATH")

    # A removed interpreter is a failure of the analyzer, not of the push: warn
    # and let the push through unless the hook was installed with --strict.
    missing_status = 1 if "--strict" in extra_args else 0
    lines += [
        f"python={shlex.quote(python)}",
        'if [ ! -x "$python" ]; then',
        f"    echo {shlex.quote(message('hook.python_missing', python=python))} >&2",
        f"    exit {missing_status}",
        "fi",
    ]

    # `--` keeps a remote name or URL that starts with `-` from reading as an option.
    arguments = " ".join(shlex.quote(arg) for arg in ("hook", "run", *extra_args, "--"))
    lines.append(f'exec "$python" -m analyzer {arguments} "$@"')
    return "\n".join(lines) + "\n"


def install_hook(
    repo: Path,
    force: bool = False,
    python: str | None = None,
    extra_args: tuple[str, ...] = (),
) -> tuple[InstallAction, HookLocation]:
    """Write the pre-push hook into the hooks folder of `repo`.

    An earlier hook of ours is rewritten. A foreign hook is kept unless `force`
    is set, and then moved to the backup path, which `uninstall_hook` restores.
    Raises `AnalyzerError` when a foreign hook is in the way.
    """
    location = locate_hook(repo)
    script = hook_script(python or sys.executable, extra_args)

    action = InstallAction.CREATED
    if location.hook.exists() or location.hook.is_symlink():
        if is_own_hook(location.hook):
            action = InstallAction.UPDATED
        elif not force:
            raise AnalyzerError("hook.foreign_exists", path=str(location.hook))
        elif location.backup.exists() or location.backup.is_symlink():
            # A second foreign hook would overwrite the first backup and lose it.
            raise AnalyzerError("hook.backup_exists", path=str(location.backup))
        else:
            location.hook.rename(location.backup)
            action = InstallAction.REPLACED

    location.directory.mkdir(parents=True, exist_ok=True)
    temporary = location.hook.with_name(f".{HOOK_NAME}.{os.getpid()}.tmp")
    temporary.write_text(script, encoding="utf-8")
    temporary.chmod(0o755)
    os.replace(temporary, location.hook)
    return action, location


def uninstall_hook(repo: Path) -> tuple[UninstallAction, HookLocation]:
    """Remove our pre-push hook from `repo` and put back the foreign hook it replaced.

    Raises `AnalyzerError` when the hook there is not ours, so a hook written
    by someone else is never deleted.
    """
    location = locate_hook(repo)
    if not (location.hook.exists() or location.hook.is_symlink()):
        return UninstallAction.ABSENT, location
    if not is_own_hook(location.hook):
        raise AnalyzerError("hook.foreign_uninstall", path=str(location.hook))

    location.hook.unlink()
    if location.backup.exists() or location.backup.is_symlink():
        location.backup.rename(location.hook)
        return UninstallAction.RESTORED, location
    return UninstallAction.REMOVED, location

"""Small git plumbing calls for the review and the hook (one short process each)."""

from __future__ import annotations

import subprocess
from pathlib import Path


class GitCallError(RuntimeError):
    """A git command exited with a non-zero status."""

    def __init__(self, args: tuple[str, ...], status: int, stderr: str) -> None:
        super().__init__(f"git {' '.join(args)} exited with {status}: {stderr.strip()}")
        self.args_used = args
        self.status = status
        self.stderr = stderr


def run_git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run `git -C repo ARGS` and return the finished process with text output.

    Raises `GitCallError` on a non-zero exit when `check` is true.
    """
    process = subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        stdin=subprocess.DEVNULL,
    )
    if check and process.returncode != 0:
        raise GitCallError(args, process.returncode, process.stderr)
    return process


def git_output(repo: Path, *args: str) -> str:
    """Return the stripped stdout of `git -C repo ARGS`; raises `GitCallError` on failure."""
    return run_git(repo, *args).stdout.strip()


def resolve_commit(repo: Path, revision: str) -> str | None:
    """Return the commit id `revision` peels to (annotated tags included), or None.

    None covers a missing object and a tag that points at a tree or a blob.
    """
    process = run_git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}", check=False)
    if process.returncode != 0:
        return None
    return process.stdout.strip() or None

"""A real git repository in a temporary folder, driven through the git command line."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


class GitRepo:
    """A work tree with helpers to write files and make commits at chosen times."""

    def __init__(self, path: Path, *, branch: str = "main") -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", branch)
        self.git("config", "user.name", "Test Author")
        self.git("config", "user.email", "author@example.com")
        self.git("config", "commit.gpgsign", "false")
        self.git("config", "core.autocrlf", "false")

    def git(self, *arguments: str, env: dict[str, str] | None = None, input_bytes: bytes | None = None) -> str:
        """Run git in the work tree and return its stdout (decoded with replacement)."""
        full_env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", **(env or {})}
        result = subprocess.run(
            ["git", *arguments],
            cwd=self.path,
            env=full_env,
            input=input_bytes,
            capture_output=True,
            check=True,
        )
        return result.stdout.decode("utf-8", "replace")

    def write(self, relative: str, content: str | bytes) -> Path:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8", newline="")
        return target

    def commit(
        self,
        message: str,
        *,
        when: str = "2026-01-10T12:00:00+00:00",
        author: str = "Test Author",
        email: str = "author@example.com",
        allow_empty: bool = False,
        add_all: bool = True,
    ) -> str:
        """Commit everything in the work tree with author and committer date `when` (ISO 8601)."""
        if add_all:
            self.git("add", "-A")
        arguments = ["commit", "-q", "--no-verify", "-F", "-"]
        if allow_empty:
            arguments.append("--allow-empty")
        env = {
            "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_DATE": when,
            "GIT_AUTHOR_NAME": author,
            "GIT_AUTHOR_EMAIL": email,
        }
        self.git(*arguments, env=env, input_bytes=message.encode("utf-8"))
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()

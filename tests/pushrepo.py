"""Real git repositories for the review and hook tests: a work clone and a bare remote."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path


def git_environment(home: Path) -> dict[str, str]:
    """Return an environment that keeps the user's and the system's git config out of the tests."""
    config = home / "gitconfig"
    if not config.exists():
        home.mkdir(parents=True, exist_ok=True)
        config.write_text(
            "[user]\n\tname = Test Author\n\temail = author@example.com\n"
            "[init]\n\tdefaultBranch = main\n"
            "[advice]\n\tdetachedHead = false\n",
            encoding="utf-8",
        )
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("GIT_", "PRE_COMMIT"))}
    environment.pop("ANALYZER_SKIP", None)
    environment.update(
        {
            "GIT_CONFIG_GLOBAL": str(config),
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": str(home),
            "LANG": "C.UTF-8",
        }
    )
    return environment


@dataclass(slots=True)
class PushRepos:
    """A bare remote and a clone of it with `origin` set up."""

    work: Path
    remote: Path
    env: dict[str, str]

    def git(self, *args: str, check: bool = True, input: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """Run git in the work clone and return the finished process."""
        return run(self.work, *args, env=env or self.env, check=check, input=input)

    def out(self, *args: str) -> str:
        return self.git(*args).stdout.strip()

    def commit(self, path: str, text: str, message: str) -> str:
        """Write `path` in the work clone, commit it and return the new commit id."""
        target = self.work / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        self.git("add", "--", path)
        self.git("commit", "-q", "-m", message)
        return self.out("rev-parse", "HEAD")

    def push(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """Run `git push ARGS` for real, without raising on a rejected push."""
        return self.git("push", *args, check=False, env=env)

    def remote_ref(self, ref: str) -> str | None:
        """Return the id of `ref` in the bare remote, or None when it does not exist there."""
        process = run(self.remote, "rev-parse", "--verify", "--quiet", ref, env=self.env, check=False)
        return process.stdout.strip() or None


def run(repo: Path, *args: str, env: dict[str, str], check: bool = True, input: str | None = None) -> subprocess.CompletedProcess[str]:
    process = subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        env=env,
        input=input,
    )
    if check and process.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed ({process.returncode}): {process.stderr}")
    return process


def make_push_repos(root: Path, object_format: str = "sha1") -> PushRepos:
    """Create a bare remote with one commit on `main` and a clone that tracks it."""
    env = git_environment(root / "home")
    remote = root / "remote.git"
    seed = root / "seed"
    work = root / "work"

    run(root, "init", "-q", "--bare", f"--object-format={object_format}", str(remote), env=env)
    run(root, "init", "-q", f"--object-format={object_format}", str(seed), env=env)
    (seed / "README.md").write_text("# demo\n", encoding="utf-8")
    run(seed, "add", "README.md", env=env)
    run(seed, "commit", "-q", "-m", "docs: add readme", env=env)
    run(seed, "push", "-q", str(remote), "main", env=env)
    run(root, "clone", "-q", str(remote), str(work), env=env)
    return PushRepos(work=work, remote=remote, env=env)

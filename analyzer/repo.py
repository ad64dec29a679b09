"""Opening a local clone: its folders, display name, remote and commit links."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import git

from analyzer.errors import AnalyzerError, UsageError

# Commit link formats by forge; `{base}` is https://host/owner/name.
COMMIT_URL_FORMATS = {
    "github": "{base}/commit/{sha}",
    "gitlab": "{base}/-/commit/{sha}",
    "gitea": "{base}/commit/{sha}",
    "bitbucket": "{base}/commits/{sha}",
}

# `git@host:owner/name.git`, the scp-like form ssh remotes use.
_SCP_LIKE = re.compile(r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?P<path>[^/].*)$")


@dataclass(frozen=True, slots=True)
class Repository:
    """A local clone: its folders, display name, remote and forge."""

    path: Path
    """Work tree root, or the git folder of a bare clone."""
    git_dir: Path
    name: str
    """Display name: `owner/name` from the remote URL, else the folder name."""
    remote_url: str | None
    """URL of `origin` (else the first remote) without any user or password; None without remotes."""
    web_url: str | None
    """https://host/owner/name when the forge is known; commit links need it."""
    forge: str | None
    """Key of COMMIT_URL_FORMATS, or None when unknown."""
    bare: bool
    shallow: bool

    def commit_url(self, sha: str) -> str | None:
        """Return the web link of commit `sha`, or None when the forge is unknown.

        Characters that would end a Markdown link target early (spaces,
        parentheses, angle brackets) are percent-encoded.
        """
        if self.web_url is None or self.forge is None:
            return None
        url = COMMIT_URL_FORMATS[self.forge].format(base=self.web_url, sha=sha)
        return quote(url, safe=":/?#@!$&'*+,;=%~")

    def git(self) -> git.Git:
        """Return a git command wrapper that runs in this repository."""
        return git.Git(str(self.path))


def open_repository(path: Path) -> Repository:
    """Open the clone at `path` (a work tree, a folder inside one, or a bare clone)."""
    if not path.exists():
        raise UsageError("repo.missing", path=path)
    if not path.is_dir():
        raise UsageError("repo.not_git", path=path)

    # `git rev-parse` decides what kind of repository this is; GitPython's Repo
    # guesses wrong for a bare clone without a config file.
    runner = git.Git(str(path))
    try:
        bare = _run(runner, "rev-parse", "--is-bare-repository") == "true"
        git_dir = Path(_run(runner, "rev-parse", "--absolute-git-dir")).resolve()
        inside_git_dir = _run(runner, "rev-parse", "--is-inside-git-dir") == "true"
        if bare:
            root = git_dir
        elif inside_git_dir:
            # `--repo project/.git`: there is no work tree to ask, but the
            # work tree of a plain `.git` folder is its parent.
            root = git_dir.parent if git_dir.name == ".git" else git_dir
        else:
            root = Path(_run(runner, "rev-parse", "--show-toplevel")).resolve()
    except git.GitCommandNotFound:
        raise AnalyzerError("git.missing") from None
    except git.GitCommandError as error:
        # git refuses a repository owned by another user; saying "not a git
        # repository" would hide the one-line fix.
        if "dubious ownership" in str(error.stderr):
            raise AnalyzerError("repo.unsafe", path=path) from None
        raise UsageError("repo.not_git", path=path) from None

    runner = git.Git(str(root))
    remote_url = _remote_url(runner)
    configured_web = _config_value(runner, "analyzer.weburl")
    configured_forge = _config_value(runner, "analyzer.forge")
    shallow = (git_dir / "shallow").is_file()
    host, remote_path = _split_remote(remote_url) if remote_url else (None, None)

    name = remote_path or _folder_name(root, bare)
    forge = configured_forge if configured_forge in COMMIT_URL_FORMATS else _guess_forge(host)
    # Only an http(s) base may become a link in the report.
    web_url = configured_web.rstrip("/") if configured_web and _is_http(configured_web) else None
    if web_url is None and host and remote_path and forge:
        web_url = f"https://{host}/{remote_path}"

    return Repository(
        path=root,
        git_dir=git_dir,
        name=name,
        remote_url=remote_url,
        web_url=web_url,
        forge=forge,
        bare=bare,
        shallow=shallow,
    )


def _run(runner: git.Git, *arguments: str) -> str:
    return str(runner.execute(["git", *arguments])).strip()


def _config_value(runner: git.Git, key: str) -> str | None:
    try:
        return _run(runner, "config", "--get", key) or None
    except git.GitCommandError:
        return None


def _remote_url(runner: git.Git) -> str | None:
    try:
        names = _run(runner, "remote").split()
    except git.GitCommandError:
        return None
    if not names:
        return None
    chosen = "origin" if "origin" in names else names[0]
    raw = _config_value(runner, f"remote.{chosen}.url")
    return strip_credentials(raw) if raw else None


def strip_credentials(url: str) -> str:
    """Remove `user:password@` from an http(s) URL so a token in a remote is never shown."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and "@" in parts.netloc:
        host = parts.netloc.rsplit("@", 1)[1]
        return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return url


def _split_remote(url: str) -> tuple[str | None, str | None]:
    """Return (host, owner/name) of a remote URL, or (None, None) for a local path."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https", "ssh", "git", "git+ssh", "ssh+git"):
        host = parts.hostname
        remote_path = parts.path
    elif parts.scheme in ("", ) and (match := _SCP_LIKE.match(url)) and not url.startswith(("/", ".")):
        host = match["host"]
        remote_path = match["path"]
    else:
        return None, None

    remote_path = remote_path.strip("/")
    if remote_path.endswith(".git"):
        remote_path = remote_path[: -len(".git")]
    if not host or "/" not in remote_path:
        return None, None
    return host.lower(), remote_path


def _is_http(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https") and bool(urlsplit(url).netloc)


def _guess_forge(host: str | None) -> str | None:
    if host is None:
        return None
    if host == "github.com" or host.startswith("github."):
        return "github"
    if "gitlab" in host:
        return "gitlab"
    if host == "bitbucket.org":
        return "bitbucket"
    if host in ("codeberg.org", "gitea.com") or "gitea" in host or "forgejo" in host:
        return "gitea"
    return None


def _folder_name(root: Path, bare: bool) -> str:
    name = root.name
    if bare and name == ".git":
        name = root.parent.name
    if name.endswith(".git"):
        name = name[: -len(".git")]
    return name or str(root)

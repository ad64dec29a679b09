"""A builder for one repository whose history contains every awkward case the reader must survive.

Commit times sit near midnight in several offsets, so a day's window gives
different commits in UTC and in Asia/Shanghai. Committer dates grow along the
first-parent chain, so git's date limiting never stops a walk early.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from tests.gitrepo import GitRepo

# A path with bytes that are not UTF-8 (latin-1 `é`); git stores paths as bytes.
LATIN1_PATH = os.fsdecode(b"latin/caf\xe9.txt")
# Two paths that differ only in bytes that are not UTF-8: decoded with
# replacement they look the same, but git counts their lines apart.
LATIN1_TWINS = (os.fsdecode(b"twins/x\xfe.txt"), os.fsdecode(b"twins/x\xff.txt"))

LONG_SUBJECT = "feat(parser): " + "very long subject words " * 12
LONG_SUBJECT = LONG_SUBJECT[:300]

GBK_MESSAGE = "修复：中文提交说明使用 GBK 编码\n\n正文也是 GBK 编码。"

GENERATED_LINES = 60_000


@dataclass(slots=True)
class HardHistory:
    """The built repository and the commit ids of its cases, by name."""

    repo: GitRepo
    commits: dict[str, str] = field(default_factory=dict)
    side: str = ""
    """The commit that only the merge brings in (not on the first-parent chain)."""


def build_hard_history(root: Path) -> HardHistory:
    """Create the repository under `root / "hard"` (and a submodule source under `root / "sub"`)."""
    repo = GitRepo(root / "hard")
    history = HardHistory(repo=repo)
    commits = history.commits

    # Root commit: empty file, binary file, CRLF text, no final newline, a one-line file.
    repo.write("README.md", "# hard\n\nA history with every awkward case.\n")
    repo.write("empty.txt", "")
    repo.write("assets/logo.bin", bytes(range(256)) * 8)
    repo.write("windows.txt", "first\r\nsecond\r\nthird\r\n")
    repo.write("no-newline.txt", "alpha\nbeta")
    repo.write("one-line.txt", "only line\n")
    repo.write("script.sh", "#!/bin/sh\necho hi\n")
    repo.write("old/source.py", "".join(f"line {number}\n" for number in range(40)))
    repo.write("copy/original.py", "".join(f"value_{number} = {number}\n" for number in range(40)))
    commits["root"] = repo.commit("chore: root commit", when="2026-03-13T20:00:00+00:00")

    # Awkward paths: spaces, braces, ` => `, non-ASCII and bytes that are not UTF-8.
    repo.write("dir with space/file name.txt", "spaces\n")
    repo.write("braces/{a}.txt", "braces\n")
    repo.write("arrow/x => y.txt", "arrow\n")
    repo.write("unicode/中文文件.md", "中文内容\n")
    repo.write(LATIN1_PATH, b"caf\xe9 au lait\n")
    repo.write(LATIN1_TWINS[0], b"one\ntwo\n")
    repo.write(LATIN1_TWINS[1], b"three\n")
    commits["paths"] = repo.commit("feat: files with awkward names", when="2026-03-14T07:30:00+08:00")

    # Mode-only change, just after midnight UTC (still the evening before in Los Angeles).
    os.chmod(repo.path / "script.sh", 0o755)
    commits["mode"] = repo.commit("chore: make script executable", when="2026-03-13T16:05:00-08:00")

    # A pure rename (into a path with braces and ` => `) and a copy from a file changed in the same commit.
    (repo.path / "new").mkdir()
    repo.git("mv", "old/source.py", "new/source.py")
    repo.git("mv", "arrow/x => y.txt", "arrow/{x => z}.txt")
    original = (repo.path / "copy/original.py").read_text(encoding="utf-8")
    repo.write("copy/duplicate.py", original)
    repo.write("copy/original.py", original + "value_extra = 99\n")
    commits["rename"] = repo.commit("refactor: rename and copy", when="2026-03-14T09:00:00+00:00")

    # Binary change, CRLF edit, edit without final newline, and a `@@ -1 +1 @@` hunk.
    repo.write("assets/logo.bin", bytes(reversed(range(256))) * 8)
    repo.write("windows.txt", "first\r\nSECOND\r\nthird\r\n")
    repo.write("no-newline.txt", "alpha\nbeta\ngamma")
    repo.write("one-line.txt", "the only line\n")
    commits["edits"] = repo.commit("fix: edit binary, CRLF and one-line files", when="2026-03-14T12:00:00+02:00")

    # An empty commit one second before midnight in Shanghai.
    commits["empty"] = repo.commit("chore: empty commit", when="2026-03-14T15:59:59+00:00", allow_empty=True)

    # A submodule at exactly midnight in Shanghai.
    source = GitRepo(root / "sub")
    source.write("lib.txt", "library\n")
    source.commit("init library", when="2026-03-01T00:00:00+00:00")
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(source.path), "deps/sub")
    commits["submodule"] = repo.commit("build: add submodule", when="2026-03-14T16:00:00+00:00")

    # A symlink, and a regular file that becomes a symlink (a type change).
    os.symlink("README.md", repo.path / "link-to-readme")
    (repo.path / "one-line.txt").unlink()
    os.symlink("windows.txt", repo.path / "one-line.txt")
    commits["symlink"] = repo.commit("chore: add symlinks", when="2026-03-14T18:59:59-05:00")

    # A generated file of several megabytes.
    repo.write(
        "generated/data.lock",
        "".join(f"package-{number:06d} = sha256:{number:064x}\n" for number in range(GENERATED_LINES)),
    )
    commits["generated"] = repo.commit("chore: add generated lock file", when="2026-03-15T00:00:01+00:00")

    # A merge: the side commit is only reachable through the merge's second parent.
    repo.git("checkout", "-q", "-b", "side")
    repo.write("side/feature.txt", "from the side branch\n")
    history.side = repo.commit("feat: side branch work", when="2026-03-15T01:00:00+00:00")
    repo.git("checkout", "-q", "main")
    repo.write("main-only.txt", "main line\n")
    commits["main"] = repo.commit("fix: main branch work", when="2026-03-15T02:00:00+00:00")
    merge_env = {"GIT_AUTHOR_DATE": "2026-03-15T03:00:00+00:00", "GIT_COMMITTER_DATE": "2026-03-15T03:00:00+00:00"}
    repo.git("merge", "-q", "--no-ff", "--no-edit", "-m", "Merge branch 'side'", "side", env=merge_env)
    commits["merge"] = repo.head()

    # Deletions, in an Indian offset.
    (repo.path / "empty.txt").unlink()
    (repo.path / "dir with space/file name.txt").unlink()
    (repo.path / "assets/logo.bin").unlink()
    commits["delete"] = repo.commit("chore: delete files", when="2026-03-15T10:00:00+05:30")

    # A 300-character subject.
    repo.write("README.md", "# hard\n\nA history with every awkward case, and a long subject.\n")
    commits["long"] = repo.commit(LONG_SUBJECT, when="2026-03-15T11:00:00+00:00")

    # A message stored in GBK, declared through i18n.commitEncoding.
    repo.write("gbk.txt", "gbk\n")
    repo.git("add", "-A")
    gbk_env = {
        "GIT_AUTHOR_DATE": "2026-03-15T12:00:00+00:00",
        "GIT_COMMITTER_DATE": "2026-03-15T12:00:00+00:00",
    }
    repo.git(
        "-c", "i18n.commitEncoding=GBK", "commit", "-q", "--no-verify", "-F", "-",
        env=gbk_env, input_bytes=GBK_MESSAGE.encode("gbk"),
    )
    commits["gbk"] = repo.head()

    # The submodule moves to a new commit, in the middle of other changes.
    source.write("lib.txt", "library v2\n")
    new_sub = source.commit("library v2", when="2026-03-02T00:00:00+00:00")
    repo.git("-C", "deps/sub", "-c", "protocol.file.allow=always", "fetch", "-q", "origin")
    repo.git("-C", "deps/sub", "checkout", "-q", new_sub)
    repo.write("a-first.txt", "before the submodule\n")
    repo.write("z-last.txt", "after the submodule\n")
    commits["submodule-update"] = repo.commit("build: update submodule", when="2026-03-15T13:00:00+00:00")

    return history

"""Commits and file changes as read from git, before any analysis."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

SUBMODULE_MODE = "160000"
SYMLINK_MODE = "120000"
NULL_MODE = "000000"


@dataclass(slots=True)
class FileChange:
    """One file touched by a commit, from git's `--raw` record and the file's patch."""

    path: str
    """Repository-relative path after the change (the new name of a rename)."""
    status: str
    """git's status letter: A, M, D, R, C, T (type change) or U."""
    old_path: str | None = None
    """Path before a rename or copy; None otherwise."""
    added: int = 0
    """Lines added; 0 for binary files."""
    removed: int = 0
    """Lines removed; 0 for binary files."""
    binary: bool = False
    """True when the patch has git's `Binary files ... differ` line."""
    old_mode: str = NULL_MODE
    """Octal mode before the change, `000000` for an added file."""
    new_mode: str = NULL_MODE
    """Octal mode after the change, `000000` for a deleted file."""
    similarity: int | None = None
    """Rename or copy similarity in percent; None for other statuses."""
    patch: str = ""
    """This file's block of the unified diff, starting at `diff --git`."""
    patch_omitted: bool = False
    """The patch text was not kept (the commit's diff passed the reader's text budget); counts are still exact."""
    parsed_lines: tuple[list[str], list[str]] | None = field(default=None, init=False, repr=False, compare=False)
    """Added and removed line text, parsed from `patch` with unidiff on first use."""

    @property
    def added_lines(self) -> list[str]:
        """Text of the added lines, without the leading `+`."""
        return self._lines()[0]

    @property
    def removed_lines(self) -> list[str]:
        """Text of the removed lines, without the leading `-`."""
        return self._lines()[1]

    def _lines(self) -> tuple[list[str], list[str]]:
        # Parsing is deferred because a report without a model never reads the
        # line text (the detectors scan the patch for line numbers themselves).
        if self.parsed_lines is None:
            from analyzer.log import extract_lines

            self.parsed_lines = extract_lines(self.patch) if self.patch else ([], [])
        return self.parsed_lines

    @property
    def is_submodule(self) -> bool:
        return SUBMODULE_MODE in (self.old_mode, self.new_mode)

    @property
    def is_symlink(self) -> bool:
        return SYMLINK_MODE in (self.old_mode, self.new_mode)

    @property
    def mode_changed(self) -> bool:
        return NULL_MODE not in (self.old_mode, self.new_mode) and self.old_mode != self.new_mode

    def drop_content(self) -> None:
        """Forget line text and patch once analysis no longer needs them, so a commit keeps only its facts."""
        self.parsed_lines = ([], [])
        self.patch = ""


@dataclass(slots=True)
class Commit:
    """One commit with its change against the first parent (the root: against nothing)."""

    sha: str
    """Full 40-character object id."""
    parents: tuple[str, ...]
    """Parent ids, first parent first."""
    author_name: str
    author_email: str
    author_time: datetime
    """Author date, timezone-aware in the author's own offset."""
    committer_time: datetime
    """Committer date, timezone-aware; windows and report times use it."""
    subject: str
    """First paragraph of the message, lines joined by spaces (git's `%s`)."""
    body: str
    """The message after the subject paragraph, stripped."""
    files: list[FileChange] = field(default_factory=list)
    shallow_boundary: bool = False
    """True for the oldest commit of a shallow clone, whose real diff is unknown."""

    @property
    def short_sha(self) -> str:
        return self.sha[:7]

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1

    @property
    def is_root(self) -> bool:
        return not self.parents

    def drop_content(self) -> None:
        """Forget line text and patches of every file (see `FileChange.drop_content`)."""
        for change in self.files:
            change.drop_content()

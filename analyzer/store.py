"""Analyzed commits kept on disk between analysis and rendering, so memory does not grow with the range.

A year of a busy repository is tens of thousands of commits, and each
analyzed commit (file list, facts, findings, section text) takes a few KB.
The store pickles each commit into a temporary file as soon as it is
analyzed and keeps only one byte per commit in memory: its level. Renderers
read the commits back in the order they need: all of them in git log order,
one level at a time, or only the small `CommitHead` records for tables and
tables of contents.

The temporary files have no name on Linux: `tempfile.TemporaryFile` opens
them with O_TMPFILE, or unlinks them right after creating them. So nothing
is left behind, even when the process is killed.
"""

from __future__ import annotations

import io
import os
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import IO, TYPE_CHECKING, NamedTuple

from analyzer.errors import AnalyzerError
from analyzer.rating import Importance

if TYPE_CHECKING:
    from analyzer.pipeline import AnalyzedCommit

LEVELS = (Importance.HIGH, Importance.MEDIUM, Importance.LOW)
_LEVEL_CODE = {level: code for code, level in enumerate(LEVELS)}
# A slot code at or above _KEPT marks a commit held in memory rather than on disk.
_KEPT = len(LEVELS)


class CommitHead(NamedTuple):
    """The part of a commit that a table row or a table of contents entry shows."""

    sha: str
    committer_time: datetime
    author_name: str
    subject: str
    """The redacted subject line."""
    level: int
    """Index of the commit's importance in `LEVELS`."""

    @property
    def importance(self) -> Importance:
        return LEVELS[self.level]


class CommitStore:
    """The analyzed commits of one repository, newest first (git log order).

    Commits appended with `keep=True` stay in memory as the same objects,
    because a later stage (the model) rewrites their sections in place. Every
    other commit goes to disk; reading it back gives a new object, so changes
    to it are not kept.
    """

    def __init__(self, items: Iterable[AnalyzedCommit] = ()) -> None:
        """Start a store holding `items` in memory, in order (a test or a small review builds one so)."""
        self._slots = bytearray()
        """One code per commit in git log order: its level's index, plus _KEPT when it is held in memory."""
        self._in_memory: list[AnalyzedCommit] = []
        # Two files per level, so that a renderer reads one level's heads or
        # commits without reading the others. Heads are plain tuples, which
        # pickle several times faster than dataclasses.
        self._heads: dict[int, IO[bytes]] = {}
        self._bodies: dict[int, IO[bytes]] = {}
        for item in items:
            self.append(item, keep=True)

    def append(self, item: AnalyzedCommit, keep: bool = False) -> None:
        """Add the next (older) commit; with `keep`, hold it in memory instead of writing it to disk."""
        code = _LEVEL_CODE[item.rating.importance]
        commit = item.commit
        head = (commit.sha, commit.committer_time, commit.author_name, commit.subject, code)
        try:
            pickle.dump(head, _open(self._heads, code), pickle.HIGHEST_PROTOCOL)
            if keep:
                self._in_memory.append(item)
            else:
                pickle.dump(item, _open(self._bodies, code), pickle.HIGHEST_PROTOCOL)
        except OSError as error:
            raise AnalyzerError("store.failed", reason=error.strerror or error) from None
        self._slots.append(code + (_KEPT if keep else 0))

    def __len__(self) -> int:
        return len(self._slots)

    def __bool__(self) -> bool:
        return bool(self._slots)

    def count(self, level: Importance) -> int:
        """Number of commits at `level`."""
        code = _LEVEL_CODE[level]
        return self._slots.count(code) + self._slots.count(code + _KEPT)

    def kept(self) -> list[AnalyzedCommit]:
        """Return the commits held in memory, in git log order: the same objects that were appended."""
        return list(self._in_memory)

    def __iter__(self) -> Iterator[AnalyzedCommit]:
        """Yield every commit in git log order."""
        readers = {code: _records(self._bodies.get(code)) for code in range(len(LEVELS))}
        kept = iter(self._in_memory)
        for code in self._slots:
            yield next(kept) if code >= _KEPT else next(readers[code])

    def at_level(self, level: Importance) -> Iterator[AnalyzedCommit]:
        """Yield the commits at `level` in git log order."""
        target = _LEVEL_CODE[level]
        reader = _records(self._bodies.get(target))
        kept = iter(self._in_memory)
        for code in self._slots:
            if code >= _KEPT:
                item = next(kept)
                if code - _KEPT == target:
                    yield item
            elif code == target:
                yield next(reader)

    def heads(self, level: Importance | None = None) -> Iterator[CommitHead]:
        """Yield the head of every commit, or of those at `level`, in git log order."""
        if level is not None:
            yield from map(CommitHead._make, _records(self._heads.get(_LEVEL_CODE[level])))
            return
        readers = {code: _records(self._heads.get(code)) for code in range(len(LEVELS))}
        for code in self._slots:
            yield CommitHead._make(next(readers[code % _KEPT]))

    def close(self) -> None:
        """Delete the temporary files; the store is empty afterwards."""
        for stream in (*self._heads.values(), *self._bodies.values()):
            stream.close()
        self._heads = {}
        self._bodies = {}
        self._in_memory = []
        self._slots = bytearray()


def _open(files: dict[int, IO[bytes]], code: int) -> IO[bytes]:
    """Return the temporary file for level `code` in `files`, created on first use."""
    if code not in files:
        files[code] = tempfile.TemporaryFile(prefix="analyzer-")
    return files[code]


def _records(stream: IO[bytes] | None) -> Iterator:
    """Yield the pickled records of `stream` from its start.

    Each reader has its own position (see `_PositionalReader`), so several can
    run at once, and appends after a read still go to the end.
    """
    if stream is None:
        return
    try:
        stream.flush()
        reader = io.BufferedReader(_PositionalReader(stream.fileno()), buffer_size=_READ_BUFFER)
        while True:
            # One unpickler per record: each record was pickled on its own,
            # and an unpickler's memo carries over from one load to the next.
            try:
                yield pickle.load(reader)
            except EOFError:
                return
    except OSError as error:
        raise AnalyzerError("store.failed", reason=error.strerror or error) from None


_READ_BUFFER = 1 << 16


class _PositionalReader(io.RawIOBase):
    """Reads a file descriptor from its start with `os.pread`, leaving the descriptor's offset alone.

    A second `open(fd)` would share the writer's offset, so reading would move
    where the next append lands.
    """

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._offset = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = os.pread(self._fd, len(buffer), self._offset)
        buffer[: len(data)] = data
        self._offset += len(data)
        return len(data)

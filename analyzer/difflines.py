"""Added and removed lines of one file's patch, numbered, and searched as one text per side.

Most diff lines contain none of the literals a detector needs before its regexes
can match. `SideLines.containing` finds the lines that do contain one with a few
`str.find` scans over the side's lines joined by newlines, so the other lines
cost no Python-level work at all.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate, count
from operator import add

from analyzer.commit import FileChange

_HUNK = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")


def patch_lines(patch: str) -> list[str]:
    """Split `patch` at newlines only, as git ends its lines, and drop each line's trailing carriage returns.

    str.splitlines would also split at form feeds, U+2028 and other breaks
    inside a line's content, and the rest of the line would then end the
    hunk. Carriage returns are dropped as the reader's `added_lines` drops
    them, so a CRLF file reads the same as an LF one.
    """
    lines = patch.split("\n")
    if "\r" in patch:
        lines = [line.rstrip("\r") for line in lines]
    return lines


@dataclass(slots=True)
class DiffLine:
    sign: str
    """`+` for an added line, `-` for a removed one."""
    text: str
    line: int | None


def diff_lines(change: FileChange) -> Iterator[DiffLine]:
    """Yield the added and removed lines of `change` in patch order, with line numbers taken from its patch.

    Without a patch (content dropped, or a reader that keeps only line text) the
    lines come from `added_lines` / `removed_lines` with no line numbers.
    """
    if not change.patch:
        for text in change.removed_lines:
            yield DiffLine("-", text, None)
        for text in change.added_lines:
            yield DiffLine("+", text, None)
        return

    old_line = new_line = 0
    in_hunk = False
    for raw in patch_lines(change.patch):
        # Only lines starting with `@@` can be hunk headers, so most lines skip the regex.
        header = _HUNK.match(raw) if raw.startswith("@@") else None
        if header is not None:
            old_line, new_line = int(header[1]), int(header[2])
            in_hunk = True
            continue
        if not in_hunk or not raw:
            continue
        sign, text = raw[0], raw[1:]
        if sign == "+":
            yield DiffLine("+", text, new_line)
            new_line += 1
        elif sign == "-":
            yield DiffLine("-", text, old_line)
            old_line += 1
        elif sign == " ":
            old_line += 1
            new_line += 1
        elif sign != "\\":
            # A line outside the hunk grammar starts the next file's header.
            in_hunk = False


@dataclass(slots=True)
class SideLines:
    """The added or the removed lines of one file, in patch order."""

    texts: list[str]
    numbers: list[int | None]
    """Line number of each text in the new file (old file for removed lines); None when unknown."""
    joined_text: str | None = None
    """`texts` joined by newlines, built on first use."""
    starts: list[int] | None = None
    """`line_starts()`, built on first use."""

    @property
    def joined(self) -> str:
        if self.joined_text is None:
            self.joined_text = "\n".join(self.texts)
        return self.joined_text

    def line_starts(self) -> list[int]:
        """Return the offset of each line in `joined`, then one past the end of `joined`."""
        if self.starts is None:
            # Line i starts after the lengths of lines 0..i-1 and i newlines.
            self.starts = list(map(add, accumulate(map(len, self.texts), initial=0), count()))
        return self.starts

    def index_at(self, position: int) -> int:
        """Return the index of the line that contains offset `position` of `joined`."""
        return bisect_right(self.line_starts(), position) - 1

    def containing(self, anchors: tuple[str, ...], haystack: str | None = None) -> list[int]:
        """Return the indices of the lines that contain one of `anchors`, in ascending order.

        No anchor may contain a newline, so an occurrence lies within one line.
        `haystack` replaces `joined` for a search in a transformed copy with the
        same length and newline offsets (a case-folded one).
        """
        text = self.joined if haystack is None else haystack
        last = len(self.texts) - 1
        found: set[int] = set()
        for anchor in anchors:
            position = text.find(anchor)
            while position >= 0:
                index = self.index_at(position)
                found.add(index)
                if index >= last:
                    break
                # One occurrence per line is enough, so the search goes on at the next line.
                position = text.find(anchor, self.line_starts()[index + 1])
        return sorted(found)

    def matching(self, pattern: re.Pattern[str]) -> list[int]:
        """Return the indices of the lines where `pattern` finds a match, in ascending order.

        The pattern must not match a newline, so a match lies within one line.
        """
        text = self.joined
        last = len(self.texts) - 1
        found: list[int] = []
        match = pattern.search(text)
        while match is not None:
            index = self.index_at(match.start())
            found.append(index)
            if index >= last:
                break
            match = pattern.search(text, self.line_starts()[index + 1])
        return found


@dataclass(slots=True)
class FileLines:
    """The added and removed lines of one file."""

    added: SideLines
    removed: SideLines


def file_lines(change: FileChange) -> FileLines:
    """Split the lines of `change` by sign, with the same lines and numbers that `diff_lines` yields."""
    if not change.patch:
        added, removed = list(change.added_lines), list(change.removed_lines)
        return FileLines(SideLines(added, [None] * len(added)), SideLines(removed, [None] * len(removed)))

    added_texts: list[str] = []
    added_numbers: list[int | None] = []
    removed_texts: list[str] = []
    removed_numbers: list[int | None] = []
    old_line = new_line = 0
    in_hunk = False

    # This loop runs for every line of every patch, so it builds no object per
    # line and tests the most frequent signs first.
    for raw in patch_lines(change.patch):
        sign = raw[:1]
        if sign == "+":
            if in_hunk:
                added_texts.append(raw[1:])
                added_numbers.append(new_line)
                new_line += 1
        elif sign == " ":
            if in_hunk:
                old_line += 1
                new_line += 1
        elif sign == "-":
            if in_hunk:
                removed_texts.append(raw[1:])
                removed_numbers.append(old_line)
                old_line += 1
        elif sign == "@" and (header := _HUNK.match(raw)) is not None:
            old_line, new_line = int(header[1]), int(header[2])
            in_hunk = True
        elif sign and sign != "\\":
            # A line outside the hunk grammar starts the next file's header.
            in_hunk = False

    return FileLines(SideLines(added_texts, added_numbers), SideLines(removed_texts, removed_numbers))

"""Making untrusted text safe in Markdown, and GitHub's heading slugs.

Commit subjects, author names, paths and model output are untrusted. After
escaping they render as the literal characters they contain: no HTML, no
link or image, no heading, and no `|` that would end a table cell.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Characters with Markdown meaning inside a line. With `[` and `]` escaped no
# link or image can form, so `(`, `)` and `!` stay. `<`, `>` and `&` become
# entities so no HTML or entity survives.
_INLINE_ESCAPES = {
    "\\": "\\\\",
    "`": "\\`",
    "*": "\\*",
    "_": "\\_",
    "[": "\\[",
    "]": "\\]",
    "|": "\\|",
    "~": "\\~",
    "<": "&lt;",
    ">": "&gt;",
    "&": "&amp;",
}
_INLINE_PATTERN = re.compile("|".join(re.escape(character) for character in _INLINE_ESCAPES))

# Prose keeps code spans, bold and plain http(s) URLs. Everything else that
# could become HTML, a link, an image, a heading or a table cell break is escaped.
_PROSE_ESCAPES = {
    "\\": "\\\\",
    "[": "\\[",
    "]": "\\]",
    "|": "\\|",
    "<": "&lt;",
    ">": "&gt;",
    "&": "&amp;",
}
_PROSE_PATTERN = re.compile("|".join(re.escape(character) for character in _PROSE_ESCAPES))
_CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_BACKTICK_RUN = re.compile(r"`+")
# Block syntax at the start of a line: heading, quote, list item (also an
# empty one at the end of the line), setext underline (any run of `=` or
# `-`), thematic break (`***`, `* * *`, `___`), fence, and a table's
# delimiter row (`-:`, `:-|-`), which turns the line above into a table header.
_LINE_START_BLOCK = re.compile(
    r"^(\s*)(#{1,6}(?=\s|$)|>|[-+*](?=\s|$)|\d{1,9}[.)](?=\s|$)|=+|-{2,}|\*(?=[\s*]*$)|_(?=[\s_]*$)|`{3,}|~{3,}"
    r"|[-:](?=[-:|\\\s]*$))"
)
_WHITESPACE_RUN = re.compile(r"[\r\n\t\f\v\u2028\u2029]+")
# Control characters other than tab and newline have no place in a report.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def single_line(text: str) -> str:
    """Collapse line breaks and tabs to single spaces and drop control characters."""
    return _CONTROL.sub("", _WHITESPACE_RUN.sub(" ", text)).strip()


# A heading drops a closing run of `#` (and `#` alone is an empty heading).
_CLOSING_HASHES = re.compile(r"(^|\s)(#+)(\s*)$")


def escape_inline(text: str) -> str:
    """Escape `text` for one line of Markdown: a table cell, a heading or link text."""
    escaped = _INLINE_PATTERN.sub(lambda match: _INLINE_ESCAPES[match.group(0)], single_line(text))
    return _CLOSING_HASHES.sub(lambda match: f"{match.group(1)}\\{match.group(2)}{match.group(3)}", escaped)


def code_span(text: str) -> str:
    """Wrap `text` in a code span whose fence is longer than any backtick run inside it."""
    flat = single_line(text)
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    # CommonMark strips one space from each end of a code span, and a
    # backtick at either end would join the fence, so both get padding.
    padding = " " if flat.startswith(("`", " ")) or flat.endswith(("`", " ")) or not flat.strip() else ""
    return f"{fence}{padding}{flat}{padding}{fence}"


def isolate_backticks(text: str) -> str:
    """Wrap each backtick run of `text` that closes no code span in a code span of its own.

    Prose that embeds `text` (a commit subject in a summary) could otherwise
    pair such a run with a backtick further on and turn the rest into code.
    """
    pieces = []
    position = 0
    for match in _CODE_SPAN.finditer(text):
        pieces.append(_BACKTICK_RUN.sub(lambda run: code_span(run.group(0)), text[position : match.start()]))
        pieces.append(match.group(0))
        position = match.end()
    pieces.append(_BACKTICK_RUN.sub(lambda run: code_span(run.group(0)), text[position:]))
    return "".join(pieces)


def escape_prose(text: str) -> str:
    """Escape section prose: keep code spans, bold and http(s) URLs; neutralise HTML, links and block syntax.

    The result is one or more lines with no line that starts a heading, quote,
    list, fence or thematic break, so it can follow a bold label or a list marker.
    """
    lines = []
    for line in _CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        # Leading blanks would make an indented code block (four or more) and
        # mean nothing otherwise.
        escaped = _escape_outside_code(line.lstrip(" \t"))
        escaped = _LINE_START_BLOCK.sub(_escape_block_marker, escaped)
        lines.append(escaped)
    return "\n".join(line for line in lines if line.strip())


def _escape_block_marker(match: re.Match[str]) -> str:
    indent, marker = match.group(1), match.group(2)
    if marker[0].isdigit():
        # `1.` starts an ordered list; `1\.` does not.
        return f"{indent}{marker[:-1]}\\{marker[-1]}"
    return f"{indent}\\{marker}"


def _escape_outside_code(line: str) -> str:
    pieces = []
    position = 0
    for match in _CODE_SPAN.finditer(line):
        pieces.append(_PROSE_PATTERN.sub(lambda found: _PROSE_ESCAPES[found.group(0)], line[position : match.start()]))
        pieces.append(code_span(match.group(2).strip(" ") if match.group(2).strip(" ") else match.group(2)))
        position = match.end()
    tail = line[position:]
    # An unmatched backtick would open a code span that swallows the rest.
    tail = _PROSE_PATTERN.sub(lambda found: _PROSE_ESCAPES[found.group(0)], tail).replace("`", "\\`")
    pieces.append(tail)
    return "".join(pieces)


def github_slug(text: str) -> str:
    """Return the anchor GitHub gives a heading whose rendered text is `text`.

    GitHub lower-cases the text, removes every character that is not a letter,
    mark, number, connector punctuation, space or hyphen (emoji included), and
    turns each space into a hyphen.
    """
    slug_characters = []
    for character in text.lower():
        category = unicodedata.category(character)
        if character in " -" or category[0] in "LMN" or category == "Pc":
            slug_characters.append("-" if character == " " else character)
    return "".join(slug_characters)


_COUNTER_SUFFIX = re.compile(r"(.*)-\d+")


def _without_counter(slug: str) -> str:
    """`slug` without a trailing `-<digits>`: the base a repeat counter could have been added to."""
    match = _COUNTER_SUFFIX.fullmatch(slug)
    return match[1] if match else slug


class Slugger:
    """Hands out GitHub slugs in document order, adding `-1`, `-2`, ... to repeats.

    With `only`, the slugger remembers just what can change the slugs of those
    headings, so its memory does not grow with the number of other headings
    (every commit subject in a long report). The slugs it returns for other
    headings are then not exact; callers use them only for the `only` headings.
    """

    def __init__(self, only: Iterable[str] | None = None) -> None:
        self._seen: dict[str, int] = {}
        self._roots: set[str] | None = None
        """Bases whose repeats can reach an `only` slug: those slugs and each with its counter removed, repeatedly."""
        if only is not None:
            self._roots = set()
            for text in only:
                slug = github_slug(text)
                while slug not in self._roots:
                    self._roots.add(slug)
                    slug = _without_counter(slug)

    def slug(self, text: str) -> str:
        base = github_slug(text)
        if self._roots is not None and base not in self._roots:
            # A heading whose slug is a root plus a counter takes that slug, so
            # a later repeat of the root must skip it. Nothing else it does can
            # reach a root or a root's repeat, so it is not recorded.
            if _without_counter(base) in self._roots:
                self._seen.setdefault(base, 0)
            return base

        candidate = base
        while candidate in self._seen:
            self._seen[base] += 1
            candidate = f"{base}-{self._seen[base]}"
        self._seen[candidate] = 0
        return candidate

"""Per-file diff lines: the split by sign against the ordered reading, and the anchor searches."""

from __future__ import annotations

import re
import sys

from hypothesis import given
from hypothesis import strategies as st

from analyzer.commit import FileChange
from analyzer.detectors import has_anchor, secret_candidates
from analyzer.difflines import FileLines, SideLines, diff_lines, file_lines
from analyzer.explain import read_one_commit
from analyzer.redact import ASCII_FOLDS, fold_case, may_contain_secret
from analyzer.repo import open_repository
from tests.gitrepo import GitRepo

# Line breaks that str.splitlines honours besides "\n". git treats them as line content.
OTHER_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
HEADER = "diff --git a/f b/f\nindex 1234567..89abcde 100644\n--- a/f\n+++ b/f\n"

line_text = st.text(st.sampled_from(["a", "-", "+", " ", "@", "\\", ":", "1", *OTHER_BREAKS]), max_size=8)
patch_line = st.one_of(
    st.tuples(st.sampled_from(["+", "-", " ", "\\", "", "x", "@@ "]), line_text).map("".join),
    st.builds("@@ -{} +{} @@ {}".format, st.integers(0, 9), st.integers(0, 9), line_text),
    st.just("@@ -3,2 +4 @@"),
)


def split_reference(change: FileChange) -> tuple[list, list, list, list]:
    """Return the added and removed texts and numbers as the ordered reading yields them."""
    ordered = list(diff_lines(change))
    added = [line for line in ordered if line.sign == "+"]
    removed = [line for line in ordered if line.sign == "-"]
    return ([line.text for line in added], [line.line for line in added],
            [line.text for line in removed], [line.line for line in removed])


def split_fast(lines: FileLines) -> tuple[list, list, list, list]:
    return lines.added.texts, lines.added.numbers, lines.removed.texts, lines.removed.numbers


@given(st.lists(patch_line, max_size=14))
def test_file_lines_match_ordered_reading(body: list[str]) -> None:
    change = FileChange("f", "M", patch=HEADER + "\n".join(body) + "\n")
    assert split_fast(file_lines(change)) == split_reference(change)


def test_file_lines_numbers_per_hunk() -> None:
    patch = HEADER + "@@ -10,3 +20,4 @@ fn\n ctx\n-old\n+new\n+more\n\\ No newline at end of file\n@@ -40 +51 @@\n-x\n+y\n"
    lines = file_lines(FileChange("f", "M", patch=patch))
    assert lines.added.texts == ["new", "more", "y"]
    assert lines.added.numbers == [21, 22, 51]
    assert lines.removed.texts == ["old", "x"]
    assert lines.removed.numbers == [11, 40]


def test_file_lines_stop_at_foreign_line() -> None:
    # A line outside the hunk grammar ends the hunk, so a later `+` line counts only after a new header.
    patch = HEADER + "@@ -1 +1 @@\n+a\nfoo\n+b\n@@ -5 +5 @@\n+c\n"
    lines = file_lines(FileChange("f", "M", patch=patch))
    assert lines.added.texts == ["a", "c"]
    assert lines.added.numbers == [1, 5]


def test_file_lines_without_patch() -> None:
    change = FileChange("f", "M")
    change.parsed_lines = (["new"], ["old", "older"])
    lines = file_lines(change)
    assert lines.added.texts == ["new"]
    assert lines.removed.texts == ["old", "older"]
    assert lines.added.numbers == [None]
    assert lines.removed.numbers == [None, None]


def test_file_lines_from_real_commit(repo: GitRepo) -> None:
    repo.write("a.txt", "one\ntwo\nthree\nfour\nfive\n")
    repo.commit("chore: base", when="2026-01-09T12:00:00+00:00")
    repo.write("a.txt", "one\n2\nthree\nfour\nfive\nsix\r\n")
    repo.commit("chore: edit")
    change = read_one_commit(open_repository(repo.path), "HEAD").files[0]
    assert split_fast(file_lines(change)) == split_reference(change)
    assert file_lines(change).added.numbers == [2, 6]


def test_file_lines_keep_line_breaks_in_content(repo: GitRepo) -> None:
    # git ends lines at "\n" only, so these characters are line content, as in the reader's added_lines.
    repo.write("a.txt", "one\n\x0cpage\nthree\n")
    repo.commit("chore: base", when="2026-01-09T12:00:00+00:00")
    repo.write("a.txt", "one\n\x0cpage\nthree\nb\u2028c\nd\x85e\r\nf\rg\n")
    repo.commit("chore: edit")
    change = read_one_commit(open_repository(repo.path), "HEAD").files[0]
    lines = file_lines(change)
    assert lines.added.texts == ["b\u2028c", "d\x85e", "f\rg"]
    assert lines.added.texts == change.added_lines
    assert lines.added.numbers == [4, 5, 6]


side_text = st.text(st.sampled_from(["a", "b", "-", ":", "1", "2", " ", "\u0130", "\u017f", "K"]), max_size=10)


@given(st.lists(side_text, max_size=8), st.lists(st.sampled_from(["a", "ab", "--", "b:", "-a", "1"]), min_size=1, max_size=3))
def test_containing_matches_line_test(texts: list[str], anchors: list[str]) -> None:
    side = SideLines(texts, [None] * len(texts))
    expected = [index for index, text in enumerate(texts) if has_anchor(text, tuple(anchors))]
    assert side.containing(tuple(anchors)) == expected


@given(st.lists(side_text, max_size=8))
def test_matching_matches_line_search(texts: list[str]) -> None:
    pattern = re.compile(r"\d:\d")
    side = SideLines(texts, [None] * len(texts))
    assert side.matching(pattern) == [index for index, text in enumerate(texts) if pattern.search(text)]


# Pieces that join into secret anchors in several cases and with the folded characters.
secret_piece = st.sampled_from(["to", "ken", "TOK", "EN", "pa", "\u017f\u017f", "w", "x", "\u0130", "akia", "AK\u0130A", " "])


@given(st.lists(st.lists(secret_piece, max_size=5).map("".join), max_size=8))
def test_secret_candidates_match_line_test(texts: list[str]) -> None:
    side = SideLines(texts, [None] * len(texts))
    assert secret_candidates(side) == [index for index, text in enumerate(texts) if may_contain_secret(text)]


def test_fold_case_keeps_length() -> None:
    # Offsets in a folded side map back to its lines only because every character folds to one.
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        assert len(fold_case(chr(code))) == 1, hex(code)


def test_fold_case_maps_folds() -> None:
    for char, letter in ASCII_FOLDS.items():
        assert fold_case(f"A{char}B") == f"a{letter}b"

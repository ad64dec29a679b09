"""The commit and diff parser on generated input, and round trips through real git."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.log import block_spans, extract_lines, parse_file_records, parse_record, read_commits, split_message
from analyzer.repo import open_repository
from analyzer.window import Selection
from tests.gitrepo import GitRepo

UTC = ZoneInfo("UTC")

# Text of one line: anything but a line feed. Form feeds, NEL, U+2028 and
# carriage returns in the middle of a line are all ordinary content to git.
line_text = st.text(st.characters(blacklist_characters="\n", blacklist_categories=("Cs",)), max_size=30)
raw_path = st.binary(min_size=1, max_size=24).filter(lambda raw: b"\x00" not in raw)
SHA = "0123456789abcdef0123456789abcdef01234567"


def read_head(repo: GitRepo):
    return next(iter(read_commits(open_repository(repo.path), Selection(revisions=("HEAD",), timezone=UTC))))


def test_patch_keeps_unicode_line_breaks(repo: GitRepo) -> None:
    repo.write("f.txt", "a\n")
    repo.write("g.txt", "x\n")
    repo.commit("root")
    repo.write("f.txt", "a\x0cdiff --git a/zz b/zz\nb\u2028c\nd\x85e\nf\x1cg\n")
    repo.write("g.txt", "y\n")
    repo.commit("edit")

    files = {change.path: change for change in read_head(repo).files}
    assert files["f.txt"].added_lines == ["a\x0cdiff --git a/zz b/zz", "b\u2028c", "d\x85e", "f\x1cg"]
    assert files["f.txt"].removed_lines == ["a"]
    assert files["g.txt"].added_lines == ["y"]


@st.composite
def patch_blocks(draw: st.DrawFn) -> list[str]:
    blocks = []
    for number in range(draw(st.integers(min_value=1, max_value=4))):
        lines = draw(st.lists(st.tuples(st.sampled_from(" +-\\"), line_text), max_size=6))
        body = "".join(f"{marker}{text}\n" for marker, text in lines)
        blocks.append(f"diff --git a/f{number} b/f{number}\n--- a/f{number}\n+++ b/f{number}\n@@ -1 +1 @@\n{body}")
    return blocks


@given(patch_blocks())
def test_block_spans_round_trip(blocks: list[str]) -> None:
    encoded = [block.encode("utf-8") for block in blocks]
    patch = b"".join(encoded)
    assert [patch[start:end] for start, end in block_spans(patch, 0)] == encoded


@given(st.lists(st.tuples(st.sampled_from(" +-"), line_text), min_size=1, max_size=12))
def test_extract_lines_round_trip(lines: list[tuple[str, str]]) -> None:
    old_count = sum(marker in " -" for marker, _ in lines)
    new_count = sum(marker in " +" for marker, _ in lines)
    body = "".join(f"{marker}{text}\n" for marker, text in lines)
    block = f"diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,{old_count} +1,{new_count} @@\n{body}"

    added, removed = extract_lines(block)

    assert added == [text.rstrip("\r") for marker, text in lines if marker == "+"]
    assert removed == [text.rstrip("\r") for marker, text in lines if marker == "-"]


@st.composite
def file_records(draw: st.DrawFn) -> list[dict]:
    entries = []
    paths = draw(st.lists(raw_path, min_size=1, max_size=5, unique=True))
    for path in paths:
        status = draw(st.sampled_from("AMDRCT"))
        entry = {
            "path": path,
            "old_path": draw(raw_path) if status in "RC" else None,
            "status": status,
            "binary": draw(st.booleans()),
            "added": draw(st.integers(0, 10_000)),
            "removed": draw(st.integers(0, 10_000)),
        }
        entries.append(entry)
    return entries


def records_bytes(entries: list[dict]) -> bytes:
    """Write `--raw -z` then `--numstat -z` records the way git does."""
    out = b""
    for entry in entries:
        score = "100" if entry["status"] in "RC" else ""
        out += f":100644 100644 {'1' * 7} {'2' * 7} {entry['status']}{score}\x00".encode()
        if entry["old_path"] is not None:
            out += entry["old_path"] + b"\x00"
        out += entry["path"] + b"\x00"
    for entry in entries:
        counts = b"-\t-\t" if entry["binary"] else f"{entry['added']}\t{entry['removed']}\t".encode()
        if entry["old_path"] is not None:
            out += counts + b"\x00" + entry["old_path"] + b"\x00" + entry["path"] + b"\x00"
        else:
            out += counts + entry["path"] + b"\x00"
    return out


@given(file_records(), st.sampled_from([b"", b"\x00diff --git a/x b/x\n+y\n"]))
def test_parse_file_records_round_trip(entries: list[dict], patch: bytes) -> None:
    data = records_bytes(entries) + patch
    files, patch_start = parse_file_records(data)
    rest = data[patch_start:]

    assert rest == patch.lstrip(b"\x00")
    assert [change.path for change in files] == [entry["path"].decode("utf-8", "replace") for entry in entries]
    for change, entry in zip(files, entries):
        assert change.status == entry["status"]
        assert change.binary == entry["binary"]
        assert (change.added, change.removed) == ((0, 0) if entry["binary"] else (entry["added"], entry["removed"]))
        expected_old = entry["old_path"].decode("utf-8", "replace") if entry["old_path"] is not None else None
        assert change.old_path == expected_old


message_text = st.text(st.characters(blacklist_characters="\x00\x1e\x1f", blacklist_categories=("Cs",)), max_size=80)
name_text = st.text(st.characters(blacklist_characters="\x00\x1e\x1f<>\n", blacklist_categories=("Cs",)), max_size=20)


@given(name_text, name_text, message_text, file_records())
def test_parse_record_round_trip(author: str, email: str, message: str, entries: list[dict]) -> None:
    header = "\x1f".join([SHA, "", author, email, "2026-01-10T12:00:00+08:00", "2026-01-10T12:00:01+08:00", message])
    record = header.encode("utf-8") + b"\x00\n" + records_bytes(entries)

    commit = parse_record(record)

    assert commit.sha == SHA
    assert commit.is_root
    assert (commit.author_name, commit.author_email) == (author, email)
    assert (commit.subject, commit.body) == split_message(message)
    assert commit.committer_time.utcoffset().total_seconds() == 8 * 3600
    assert len(commit.files) == len(entries)


def test_parse_record_path_like_marker(repo: GitRepo) -> None:
    # Bytes that look like the reader's own record separator, in a file name and its content.
    repo.write(os.fsdecode(b"\x1e\x1eb"), "\x1e\x1e\x1f\n")
    repo.write("after.txt", "after\n")
    repo.commit("marker-like path")
    commit = read_head(repo)
    assert commit.subject == "marker-like path"
    assert sorted(change.path for change in commit.files) == ["\x1e\x1eb", "after.txt"]


file_name = (
    st.text(st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)), min_size=1, max_size=16)
    .filter(lambda name: name not in (".", "..") and not name.lower().strip(" .").startswith(".git")
            and len(name.encode("utf-8")) < 200)
)
file_lines = st.lists(st.text(st.characters(blacklist_characters="\x00\n", blacklist_categories=("Cs",)), max_size=20), min_size=1, max_size=8)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.dictionaries(file_name, file_lines, min_size=1, max_size=4))
def test_git_round_trip(contents: dict[str, list[str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        repo = GitRepo(Path(folder) / "repo")
        repo.write("seed.txt", "seed\n")
        repo.commit("root")
        for name, lines in contents.items():
            repo.write(f"d/{name}", "".join(f"{line}\n" for line in lines))
        repo.commit("add generated files")

        files = {change.path: change for change in read_head(repo).files}

        assert set(files) == {f"d/{name}" for name in contents}
        for name, lines in contents.items():
            change = files[f"d/{name}"]
            assert change.status == "A"
            assert change.added == len(lines)
            assert change.added_lines == [line.rstrip("\r") for line in lines]


def test_parse_failure_log_hides_lines(caplog) -> None:
    # A line that is no diff line: unidiff fails and its message quotes the line.
    secret_line = "+token = " + "ghp_" + "A1b2C3d4" * 4 + "xyzw"
    block = f"diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n{secret_line}\n-old\n?ghp_quoted\n"
    caplog.set_level("DEBUG", logger="analyzer")

    added, removed = extract_lines(block)

    assert secret_line[1:] in added
    assert "old" in removed
    assert caplog.records
    assert "ghp_" not in caplog.text

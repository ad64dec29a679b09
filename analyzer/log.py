"""Reading: one streaming `git log` process for the whole selection, parsed into Commits.

The output of `git log -z --raw -p` is read in chunks and cut into commits at
a marker that starts every commit's format. File facts (status, modes,
renames) come from the NUL-separated `--raw` records. Line counts and the
binary flag come from a scan of each file's patch, and the line text comes
from unidiff when it is first read.
"""

from __future__ import annotations

import fcntl
import logging
import queue
import re
import secrets
import threading
from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO

import git
from unidiff import PatchSet
from unidiff.errors import UnidiffParseError

from analyzer.commit import Commit, FileChange
from analyzer.errors import AnalyzerError, UsageError
from analyzer.repo import Repository
from analyzer.window import Selection

logger = logging.getLogger(__name__)

# Every commit's format starts with NUL + two RS bytes + a random nonce + RS.
# NUL never occurs in patch text (git treats such files as binary). The -z
# records are NUL-separated paths, and a path may itself start with RS bytes,
# so the nonce, new for every run, is what keeps a file name from posing as
# the start of a commit.
MARKER_PREFIX = b"\x00\x1e\x1e"
FIELD_SEPARATOR = "\x1f"
FIELDS_FORMAT = "%H%x1f%P%x1f%aN%x1f%aE%x1f%aI%x1f%cI%x1f%B"

READ_CHUNK_BYTES = 1 << 20

# Bytes of patch kept per commit (UTF-8, as git writes them). Analysis needs
# several times a commit's kept patch in memory, so without a budget one
# vendored or translated mass update (git/git has 16 MB merges) sets the
# run's peak. Files whose patch does not fit in what is left keep only
# their counts.
PATCH_TEXT_BUDGET = 4_000_000

# Linux lets an unprivileged process grow a pipe to /proc/sys/fs/pipe-max-size,
# 1 MiB by default; the default 64 KiB makes git wait while Python parses.
PIPE_BUFFER_BYTES = 1 << 20

# Chunks read ahead of the parser. This bounds the bytes held in memory beyond
# the commit being parsed to READ_AHEAD_CHUNKS * READ_CHUNK_BYTES.
READ_AHEAD_CHUNKS = 8

# Options that keep git from running anything configured by the repository
# (external diff drivers, textconv filters) and fix the output format.
GIT_CONFIG = (
    "-c", "core.quotePath=false",
    "-c", "log.showSignature=false",
    "-c", "diff.noprefix=false",
    "-c", "diff.mnemonicPrefix=false",
    "-c", "color.ui=false",
)
LOG_OPTIONS = (
    "-z",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--raw",
    "--patch",
    "--find-renames",
    "--find-copies",
    "--diff-merges=first-parent",
    # A user's diff.submodule=log prints no `diff --git` block for a
    # submodule, which would shift every later block onto the wrong file;
    # log.showRoot=false would hide the root commit's files.
    "--submodule=short",
    "--root",
    "--encoding=UTF-8",
)

_NUMSTAT = re.compile(rb"^(\d+|-)\t(\d+|-)\t(.*)$", re.DOTALL)


def new_marker() -> bytes:
    """Return a commit marker no file name or message can predict."""
    return MARKER_PREFIX + secrets.token_hex(8).encode("ascii") + b"\x1e"


def log_arguments(selection: Selection, marker: bytes) -> list[str]:
    """Return the full `git log` command line (after `git`) for `selection`, each commit led by `marker`."""
    marker_format = "".join(f"%x{byte:02x}" if byte < 0x20 else chr(byte) for byte in marker)
    arguments = [*GIT_CONFIG, "log", *LOG_OPTIONS, f"--format={marker_format}{FIELDS_FORMAT}"]
    if selection.first_parent:
        arguments.append("--first-parent")
    # git reads a bare `@N` as a Unix time only when N has nine digits or
    # more (from 1973-03-03), but `@N +0000` is exact for every N >= 0. git stores
    # commit times as unsigned seconds since 1970, so earlier bounds are clamped to 0.
    if selection.since is not None:
        arguments.append(f"--since=@{max(int(selection.since.timestamp()), 0)} +0000")
    if selection.until is not None:
        # git's --until is inclusive and committer dates are whole seconds.
        arguments.append(f"--until=@{max(int(selection.until.timestamp()) - 1, 0)} +0000")
    arguments.extend(selection.revisions)
    arguments.append("--")
    return arguments


def verify_revisions(repository: Repository, selection: Selection) -> None:
    """Raise AnalyzerError when a revision of `selection` does not name a commit."""
    runner = repository.git()
    for argument in selection.revisions:
        if argument.startswith("-"):
            continue
        ends = re.split(r"\.\.\.?", argument) if ".." in argument else [argument]
        for end in ends:
            name = end or "HEAD"
            try:
                runner.execute(["git", "rev-parse", "--verify", "--quiet", "--end-of-options", f"{name}^{{commit}}"])
            except git.GitCommandError:
                if name == "HEAD" and not _has_commits(repository):
                    raise AnalyzerError("repo.empty", path=repository.path) from None
                raise UsageError("repo.bad_ref", path=repository.path, ref=name) from None


def _has_commits(repository: Repository) -> bool:
    try:
        output = repository.git().execute(["git", "rev-list", "-n", "1", "--all"])
    except git.GitCommandError:
        return False
    return bool(str(output).strip())


def read_commits(
    repository: Repository, selection: Selection, text_budget: int | None = PATCH_TEXT_BUDGET
) -> Iterator[Commit]:
    """Yield the commits of `selection`, newest first, from one streaming git process.

    `text_budget` caps the patch bytes kept per commit (see
    `attach_patches`); None keeps every patch whole.
    """
    verify_revisions(repository, selection)
    shallow_ids = _shallow_boundary(repository)

    try:
        marker = new_marker()
        process = repository.git().execute(["git", *log_arguments(selection, marker)], as_process=True)
    except git.GitCommandNotFound:
        raise AnalyzerError("git.missing") from None

    stdout = process.proc.stdout
    # NOTE: a commit's whole output is held (as bytes, then as text) while it
    # is parsed, so one huge commit still raises the peak by several times its
    # size. The text budget bounds only what analysis keeps and parses.
    # Output gathers in one growing buffer, and each complete record is
    # copied out once: slicing and splitting bytes would copy a huge commit
    # several times over.
    pending = bytearray()
    for chunk in read_ahead(stdout):
        search_from = max(len(pending) - len(marker) + 1, 0)
        pending += chunk
        cut = pending.rfind(marker, search_from)
        if cut <= 0:
            continue
        for record in split_records(pending, cut, marker):
            yield parse_record(record, shallow_ids, text_budget)
        del pending[:cut]

    for record in split_records(pending, len(pending), marker):
        yield parse_record(record, shallow_ids, text_budget)

    stderr = process.proc.stderr.read() if process.proc.stderr else b""
    status = process.proc.wait()
    if status != 0:
        detail = stderr.decode("utf-8", "replace").strip().splitlines()
        raise AnalyzerError("git.failed", path=repository.path, detail=detail[-1] if detail else f"exit {status}")


def split_records(buffer: bytearray, end: int, marker: bytes) -> Iterator[bytes]:
    """Yield the non-empty records of `buffer[:end]`, which `marker` separates, as bytes."""
    start = 0
    while start < end:
        stop = buffer.find(marker, start, end)
        if stop < 0:
            stop = end
        if stop > start:
            # The view is released before the caller can resize the buffer.
            with memoryview(buffer) as view:
                record = bytes(view[start:stop])
            yield record
        start = stop + len(marker)


def read_ahead(stream: BinaryIO) -> Iterator[bytes]:
    """Yield the chunks of `stream` as a thread reads them, so git writes while Python parses.

    Without the thread, git blocks on the full pipe whenever the parser is busy,
    and the run takes git's time plus Python's instead of the larger of the two.
    Closing the generator early stops the thread; the git process is left to
    its owner.
    """
    try:
        fcntl.fcntl(stream.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BUFFER_BYTES)
    except OSError as error:
        logger.debug("could not enlarge the git log pipe: %s", error)

    chunks: queue.Queue[bytes | BaseException] = queue.Queue(maxsize=READ_AHEAD_CHUNKS)
    stop = threading.Event()

    def pump() -> None:
        try:
            while not stop.is_set():
                chunk = stream.read(READ_CHUNK_BYTES)
                offer(chunk)
                if not chunk:
                    return
        except (OSError, ValueError) as error:
            offer(error)

    def offer(item: bytes | BaseException) -> None:
        # A timeout keeps the thread able to see `stop` while the queue is full.
        while not stop.is_set():
            try:
                chunks.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    thread = threading.Thread(target=pump, name="git-log-reader", daemon=True)
    thread.start()
    try:
        while True:
            item = chunks.get()
            if isinstance(item, BaseException):
                raise item
            if not item:
                return
            yield item
    finally:
        stop.set()
        thread.join(timeout=1)


def _shallow_boundary(repository: Repository) -> frozenset[str]:
    if not repository.shallow:
        return frozenset()
    text = (repository.git_dir / "shallow").read_text(encoding="ascii", errors="replace")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def parse_record(
    record: bytes, shallow_ids: frozenset[str] = frozenset(), text_budget: int | None = None
) -> Commit:
    """Parse one commit's bytes (format fields, -z records, patch) into a Commit."""
    header_end = record.find(b"\x00")
    if header_end < 0:
        header_end = len(record)
    header = record[:header_end].decode("utf-8", "replace")
    rest_start = header_end + 1
    if record.startswith(b"\n", rest_start):
        rest_start += 1

    sha, parents, author_name, author_email, author_date, committer_date, message = header.split(FIELD_SEPARATOR, 6)
    subject, body = split_message(message)
    commit = Commit(
        sha=sha,
        parents=tuple(parents.split()),
        author_name=author_name,
        author_email=author_email,
        author_time=datetime.fromisoformat(author_date),
        committer_time=datetime.fromisoformat(committer_date),
        subject=subject,
        body=body,
    )

    files, patch_start = parse_file_records(record, rest_start)
    attach_patches(files, record, patch_start, text_budget)
    commit.files = files

    # NOTE: a shallow clone's boundary commit has no parent in the clone, so
    # git diffs it against nothing and every file looks added. Its file list
    # is dropped; the pipeline marks the commit instead.
    if sha in shallow_ids:
        commit.files = []
        commit.shallow_boundary = True
    return commit


def split_message(message: str) -> tuple[str, str]:
    """Split a message into git's `%s` (first paragraph, joined by spaces) and the body."""
    text = message.strip("\n")
    paragraph, _, body = text.partition("\n\n")
    subject = " ".join(line.strip() for line in paragraph.splitlines() if line.strip())
    return subject, body.strip()


def parse_file_records(data: bytes, start: int = 0) -> tuple[list[FileChange], int]:
    """Parse the -z `--raw` records (and `--numstat` ones, if any) of `data` from `start`.

    Return the files and the offset where the patch after them begins.
    """
    files: list[FileChange] = []
    # Keyed by the raw path bytes: two paths that are not UTF-8 can decode to
    # the same text, but git counts their lines apart.
    by_path: dict[bytes, FileChange] = {}
    counts: list[tuple[bytes, int, int, bool]] = []
    position = start
    size = len(data)

    def next_token() -> bytes:
        nonlocal position
        end = data.find(b"\x00", position)
        if end < 0:
            end = size
        token = data[position:end]
        position = end + 1
        return token

    while position < size:
        if data[position] == 0:
            position += 1
            break
        if data.startswith(b"diff --git ", position):
            break
        token = next_token()

        if token.startswith(b":"):
            old_mode, new_mode, _old_id, _new_id, status_field = token[1:].decode("ascii", "replace").split(" ")
            status = status_field[:1]
            score = int(status_field[1:]) if status_field[1:].isdigit() else None
            first_raw = next_token()
            path_raw = next_token() if status in ("R", "C") else first_raw
            if status in ("R", "C"):
                change = FileChange(
                    path=_decode_path(path_raw),
                    old_path=_decode_path(first_raw),
                    status=status,
                    old_mode=old_mode,
                    new_mode=new_mode,
                    similarity=score,
                )
            else:
                change = FileChange(path=_decode_path(first_raw), status=status, old_mode=old_mode, new_mode=new_mode)
            files.append(change)
            by_path[path_raw] = change
            continue

        match = _NUMSTAT.match(token)
        if match is None:
            # Only the size, because a record's text may contain a path or line content.
            logger.debug("skipping an unexpected git log record of %d bytes", len(token))
            continue
        added_field, removed_field, path_field = match.groups()
        if path_field:
            path = path_field
        else:
            next_token()  # the source path of a rename or copy
            path = next_token()
        binary = added_field == b"-"
        added = 0 if binary else int(added_field)
        removed = 0 if binary else int(removed_field)
        counts.append((path, added, removed, binary))

    for path, added, removed, binary in counts:
        change = by_path.get(path)
        if change is None:
            continue
        change.added += added
        change.removed += removed
        change.binary = change.binary or binary

    return files, min(position, size)


def _decode_path(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def block_spans(data: bytes, start: int) -> list[tuple[int, int]]:
    """Return the (start, end) offsets of the per-file blocks of the patch `data[start:]`."""
    # Only "\n" ends a line in git's output. Splitting at other line breaks
    # (form feed, U+2028, ...) inside a line's content could start a false
    # block at a fragment that reads "diff --git ".
    starts = [start] if data.startswith(b"diff --git ", start) else []
    position = data.find(b"\ndiff --git ", start)
    while position >= 0:
        starts.append(position + 1)
        position = data.find(b"\ndiff --git ", position + 1)
    return list(zip(starts, [*starts[1:], len(data)]))


def attach_patches(files: list[FileChange], record: bytes, patch_start: int, text_budget: int | None = None) -> None:
    """Give each file its patch block, line counts and binary flag.

    Blocks come in the same order as the --raw records. A type change (file to
    symlink) has two blocks for one record, so a block whose header names the
    previous file's path is added to that file.

    With `text_budget`, a block is kept only when its bytes fit in what the
    kept blocks have left. A file with a block left out gets no patch text
    and `patch_omitted`, so detectors and the model do not see its lines.

    The patch is `record[patch_start:]`. Blocks are decoded one at a time, and
    straight from the record, so a huge patch is never copied whole.
    """
    text_left = text_budget
    index = -1
    view = memoryview(record)
    for start, end in block_spans(record, patch_start):
        # The header lines decide which file a block belongs to and whether it
        # is binary; they are all near the start of the block.
        head = str(view[start : min(end, start + _BLOCK_HEAD_BYTES)], "utf-8", "replace")
        header = head.split("\n", 1)[0]
        if 0 <= index < len(files) and _is_type_change_second_half(head, files[index]):
            target = files[index]
        else:
            index += 1
            if index >= len(files):
                logger.debug("patch block without a --raw record: %r", header[:120])
                break
            target = files[index]

        size = end - start
        if text_left is None or (size <= text_left and not target.patch_omitted):
            block = str(view[start:end], "utf-8", "replace")
            target.patch += block
            text_left = None if text_left is None else text_left - size
            added, removed = count_changed_lines(block)
        else:
            # A block left out is counted in its bytes, never decoded.
            target.patch = ""
            target.patch_omitted = True
            added, removed = _count_changed_bytes(record, start, end)
        target.added += added
        target.removed += removed
        target.binary = target.binary or is_binary_block(head)


# Bytes of a block decoded to read its header lines: the `diff --git`,
# mode, rename and `Binary files` lines, whose paths git limits to PATH_MAX.
_BLOCK_HEAD_BYTES = 1 << 16


def _count_changed_bytes(record: bytes, start: int, end: int) -> tuple[int, int]:
    """Count the added and removed lines of the block `record[start:end]` without decoding it.

    Inside hunks every line that starts with `+` or `-` is an added or
    removed line. Before the first hunk only the `+++` and `---` file
    headers start so, and a block has them exactly when it has a hunk.
    """
    if record.find(b"\n@@ ", start, end) < 0:
        return 0, 0
    return record.count(b"\n+", start, end) - 1, record.count(b"\n-", start, end) - 1


_HUNK_HEADER = re.compile(r"^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")


def count_changed_lines(block: str) -> tuple[int, int]:
    """Count the added and removed lines of one patch block.

    Each hunk header gives how many old and new lines follow, so a content
    line that looks like a header (`--- x`, `diff --git`) is still counted
    right. The line text itself is parsed later, with unidiff, only when asked.
    """
    added = removed = 0
    old_left = new_left = 0
    for line in block.split("\n"):
        if old_left > 0 or new_left > 0:
            sign = line[:1]
            if sign == "+":
                added += 1
                new_left -= 1
            elif sign == "-":
                removed += 1
                old_left -= 1
            elif sign == "\\":
                continue
            else:
                old_left -= 1
                new_left -= 1
            continue
        if line.startswith("@@ "):
            header = _HUNK_HEADER.match(line)
            if header is not None:
                old_left = int(header[1]) if header[1] is not None else 1
                new_left = int(header[2]) if header[2] is not None else 1
    return added, removed


def is_binary_block(block: str) -> bool:
    """Tell whether a patch block is git's `Binary files ... differ` note (no --binary patches are asked for)."""
    # NOTE: a binary file renamed or copied unchanged has no such line, so it
    # reads as not binary, where --numstat reports it as binary.
    for line in block.split("\n", 12)[1:12]:
        if line.startswith("Binary files ") and line.endswith(" differ"):
            return True
        if line.startswith(("@@ ", "--- ", "+++ ")):
            return False
    return False


def _is_type_change_second_half(block: str, change: FileChange) -> bool:
    # The second block of a type change repeats the path and starts the new side.
    if change.status != "T":
        return False
    lines = block.split("\n", 2)
    return len(lines) > 1 and lines[1].startswith("new file mode")


def extract_lines(block: str) -> tuple[list[str], list[str]]:
    """Return the added and removed line text of one file's patch block, via unidiff."""
    if "\n@@ " not in block:
        return [], []
    try:
        patch_set = PatchSet(block)
    except UnidiffParseError as error:
        # unidiff's message quotes the offending diff line, which may contain a
        # credential, so only its first words reach the log.
        reason = str(error).split(":", 1)[0]
        logger.debug("unidiff could not parse a block (%s); reading lines directly", reason)
        return _extract_lines_plainly(block)

    added: list[str] = []
    removed: list[str] = []
    for patched_file in patch_set:
        for hunk in patched_file:
            for line in hunk:
                if line.is_added:
                    added.append(line.value.rstrip("\r\n"))
                elif line.is_removed:
                    removed.append(line.value.rstrip("\r\n"))
    return added, removed


def _extract_lines_plainly(block: str) -> tuple[list[str], list[str]]:
    added: list[str] = []
    removed: list[str] = []
    in_hunk = False
    for line in block.splitlines():
        if line.startswith("@@ "):
            in_hunk = True
        elif in_hunk and line.startswith("+"):
            added.append(line[1:])
        elif in_hunk and line.startswith("-"):
            removed.append(line[1:])
    return added, removed


"""Synthetic git histories for benchmarks, built with `git fast-import`.

A history has N commits on `main` whose changes mix the kinds of files the
analyzer rates: code, tests, docs, CI workflows, dependency manifests, deploy
configs, binary assets, renames, deletions and mode changes. Now and then a
side commit is merged back with a merge commit, so first-parent reading is
exercised. The same seed and parameters give the same commit ids for a given
git version, because every name, time and byte comes from one seeded
`random.Random`.

Run as a script to build one history:

    python benchmarks/synth.py /tmp/bench-synth-1k --commits 1000 --seed 1
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import BinaryIO

MANIFEST_NAME = "synth-manifest.json"
"""File in the git directory that records how a history was built."""

GENERATOR_VERSION = 1
"""Bumped whenever the output for the same parameters changes, so cached histories are rebuilt."""

COMMIT_KINDS = ("code", "test", "docs", "ci", "deps", "config", "binary", "rename", "delete", "mode")

# Share of commits of each kind, roughly the mix of an active application repository.
KIND_WEIGHTS = {
    "code": 40,
    "test": 10,
    "docs": 14,
    "ci": 7,
    "deps": 7,
    "config": 6,
    "binary": 5,
    "rename": 6,
    "delete": 3,
    "mode": 2,
}

COMPONENTS = ("core", "router", "cli", "storage", "net", "planner", "ui")
AUTHORS = (
    ("Ada Lin", "ada@example.com", "+0800"),
    ("Bruno Costa", "bruno@example.com", "-0300"),
    ("Chen Wei", "chen.wei@example.com", "+0800"),
    ("Dana Smith", "dana@example.com", "-0700"),
    ("Émile Roux", "emile@example.com", "+0100"),
    ("Farah Khan", "farah@example.com", "+0530"),
    ("Gil Mor", "gil@example.com", "+0000"),
)
DEPENDENCIES = ("requests", "numpy", "pyyaml", "rich", "typer", "jinja2", "protobuf", "grpcio")
WORDS = (
    "cache", "router", "token", "request", "batch", "worker", "config", "retry", "stream",
    "buffer", "schema", "session", "metric", "index", "queue", "handler", "policy", "window",
)
# Subjects that a report must escape: table separators, HTML and Markdown markup.
HOSTILE_SUBJECTS = (
    "fix: handle a | b in table cells",
    "docs: explain <script>alert(1)</script> escaping",
    "feat: support **bold** and `code` in names [link](http://example.invalid)",
    "修复：处理中文路径与提交信息",
)


@dataclass(frozen=True, slots=True)
class SynthSpec:
    """Parameters of one synthetic history."""

    commits: int = 1000
    """Total commits reachable from `main`, merge and side commits included."""
    seed: int = 1
    files_per_commit: int = 4
    """Maximum files one code or test commit touches (at least one)."""
    diff_lines: int = 16
    """Mean number of lines changed in one text file per commit."""
    per_day: int = 20
    """Mean commits per day, so that day windows select realistic slices."""
    start: str = "2024-01-01T00:00:00+00:00"
    """Committer time of the first commit (ISO 8601)."""
    merge_every: int = 30
    """One merge of a side commit per this many commits; 0 for a linear history."""
    max_file_lines: int = 400
    """Text files are trimmed back to this length so that diffs stay bounded."""


@dataclass(slots=True)
class SynthSummary:
    """Counts of a built history, which tests and benchmarks check against git."""

    spec: SynthSpec
    generator_version: int
    head: str
    commits: int
    first_parent_commits: int
    merges: int
    kinds: dict[str, int]
    """Commits per kind (the root commit and merges are not counted here)."""
    operations: dict[str, int]
    """File operations: A (added), M (modified), D (deleted), R (renamed), mode (only the mode changed)."""
    first_time: str
    last_time: str
    build_seconds: float


@dataclass(slots=True)
class FileOp:
    """One file command for fast-import."""

    op: str
    """A, M, D, R, or `mode` for a new mode with the same content."""
    path: str
    data: bytes = b""
    mode: str = "100644"
    old_path: str | None = None


@dataclass(slots=True)
class PlannedCommit:
    kind: str
    subject: str
    body: str
    ops: list[FileOp] = field(default_factory=list)


class HistoryModel:
    """The current tree of `main` and the random choices that change it."""

    def __init__(self, spec: SynthSpec) -> None:
        self.spec = spec
        self.rng = random.Random(spec.seed)
        self.text: dict[str, list[str]] = {}
        self.binary: dict[str, bytes] = {}
        self.modes: dict[str, str] = {}
        self.versions: dict[str, tuple[int, int, int]] = {}
        self.serial = 0

    # Content --------------------------------------------------------------

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial

    def code_line(self) -> str:
        rng = self.rng
        word = rng.choice(WORDS)
        form = rng.randrange(6)
        if form == 0:
            return f"def {word}_{rng.randrange(1000)}(value, limit={rng.randrange(100)}):"
        if form == 1:
            return f"    return {word}_{rng.randrange(1000)}(value) + {rng.randrange(1000)}"
        if form == 2:
            return f"    # {word} {rng.choice(WORDS)} {rng.choice(WORDS)} check"
        if form == 3:
            return f"    if value > {rng.randrange(10000)}:"
        if form == 4:
            return f"        {word}_count += {rng.randrange(50)}"
        return ""

    def doc_line(self) -> str:
        words = self.rng.choices(WORDS, k=self.rng.randint(4, 12))
        return " ".join(words).capitalize() + "."

    def yaml_line(self) -> str:
        rng = self.rng
        return f"  {rng.choice(WORDS)}_{rng.randrange(100)}: {rng.randrange(10000)}"

    def new_lines(self, path: str, count: int) -> list[str]:
        if path.endswith(".md"):
            make = self.doc_line
        elif path.endswith((".yml", ".yaml")):
            make = self.yaml_line
        else:
            make = self.code_line
        return [make() for _ in range(count)]

    def changed_line_count(self) -> int:
        # Most edits are small; one in fifty is ten times larger, like a real refactor.
        count = self.rng.randint(1, max(1, 2 * self.spec.diff_lines - 1))
        if self.rng.random() < 0.02:
            count *= 10
        return count

    def encode(self, path: str) -> bytes:
        return ("\n".join(self.text[path]) + "\n").encode("utf-8")

    # Tree edits -----------------------------------------------------------

    def add_text(self, path: str, lines: list[str], mode: str = "100644") -> FileOp:
        self.text[path] = lines
        self.modes[path] = mode
        return FileOp("A", path, self.encode(path), mode)

    def edit_text(self, path: str) -> FileOp:
        lines = self.text[path]
        count = self.changed_line_count()
        position = self.rng.randint(0, len(lines))
        removed = self.rng.randint(0, min(count, len(lines) - position))
        lines[position:position + removed] = self.new_lines(path, count)

        # Trim from the end so files do not grow without bound over 50k commits.
        if len(lines) > self.spec.max_file_lines:
            del lines[self.spec.max_file_lines:]
        return FileOp("M", path, self.encode(path), self.modes[path])

    def pick(self, prefix: str, suffix: str = "") -> str | None:
        # Sorted so the choice depends only on the seed, never on dict history.
        paths = sorted(p for p in self.text if p.startswith(prefix) and p.endswith(suffix))
        return self.rng.choice(paths) if paths else None

    def code_path(self) -> str:
        component = self.rng.choice(COMPONENTS)
        return f"src/{component}/{self.rng.choice(WORDS)}_{self.next_serial()}.py"

    # Commit kinds ---------------------------------------------------------

    def plan_root(self) -> PlannedCommit:
        planned = PlannedCommit("root", "chore: initial import", "Start of the synthetic history.")
        for _ in range(24):
            planned.ops.append(self.add_text(self.code_path(), self.new_lines(".py", self.rng.randint(20, 120))))
        for component in COMPONENTS:
            planned.ops.append(self.add_text(f"tests/test_{component}.py", self.new_lines(".py", 40)))
        planned.ops.append(self.add_text("README.md", ["# Synthetic project", ""] + self.new_lines(".md", 30)))
        for topic in ("install", "usage", "design"):
            planned.ops.append(self.add_text(f"docs/{topic}.md", self.new_lines(".md", 40)))
        planned.ops.append(self.add_text("docs/中文/指南.md", self.new_lines(".md", 20)))
        for workflow in ("ci", "release"):
            planned.ops.append(self.add_text(f".github/workflows/{workflow}.yml", self.workflow_lines(workflow)))
        planned.ops.append(self.add_text("requirements.txt", self.requirement_lines()))
        planned.ops.append(self.add_text("deploy/values.yaml", self.new_lines(".yaml", 30)))
        planned.ops.append(self.add_text("scripts/build.sh", ["#!/bin/sh", "set -eu", "make all"], "100755"))
        planned.ops.append(self.add_binary("assets/logo.png"))
        return planned

    def workflow_lines(self, name: str) -> list[str]:
        return [
            f"name: {name}",
            "on: [push, pull_request]",
            "jobs:",
            "  test:",
            "    runs-on: ubuntu-latest",
            "    steps:",
            "      - uses: actions/checkout@v4",
            "      - run: make test",
        ]

    def requirement_lines(self) -> list[str]:
        lines = []
        for name in DEPENDENCIES:
            version = (1, self.rng.randrange(20), self.rng.randrange(10))
            self.versions[name] = version
            lines.append(f"{name}=={version[0]}.{version[1]}.{version[2]}")
        return lines

    def add_binary(self, path: str) -> FileOp:
        # A PNG signature followed by random bytes. git treats content with NUL bytes as binary.
        data = b"\x89PNG\r\n\x1a\n\x00\x00" + self.rng.randbytes(self.rng.randint(512, 8192))
        self.binary[path] = data
        self.modes[path] = "100644"
        return FileOp("A", path, data)

    def plan(self, kind: str) -> PlannedCommit:
        # A planner may fall back to another kind (a rename with no file left to move is a code edit).
        planner = getattr(self, f"plan_{kind}")
        planned: PlannedCommit = planner()

        # A few code subjects carry text that the report must escape; other kinds keep
        # subjects that match their change (a bump names its versions).
        if planned.kind == "code" and self.rng.random() < 0.02:
            planned.subject = self.rng.choice(HOSTILE_SUBJECTS)
        return planned

    def file_count(self) -> int:
        return self.rng.randint(1, max(1, self.spec.files_per_commit))

    def plan_code(self) -> PlannedCommit:
        component = self.rng.choice(COMPONENTS)
        verb = self.rng.choice(("feat", "fix", "perf", "refactor"))
        planned = PlannedCommit("code", f"{verb}({component}): update {self.rng.choice(WORDS)} handling", "")
        touched: set[str] = set()
        for _ in range(self.file_count()):
            path = self.pick(f"src/{component}/", ".py") or self.pick("src/", ".py")
            if path is None or path in touched or self.rng.random() < 0.1:
                path = f"src/{component}/{self.rng.choice(WORDS)}_{self.next_serial()}.py"
                planned.ops.append(self.add_text(path, self.new_lines(path, self.rng.randint(10, 80))))
            else:
                planned.ops.append(self.edit_text(path))
            touched.add(path)
        if self.rng.random() < 0.3:
            planned.body = "Explain why: " + self.doc_line() + "\n\nSigned-off-by: Bot <bot@example.com>"
        if self.rng.random() < 0.02:
            planned.subject = f"{verb}({component})!: drop the old {self.rng.choice(WORDS)} option"
            planned.body = "BREAKING CHANGE: the option is gone."
        return planned

    def plan_test(self) -> PlannedCommit:
        planned = PlannedCommit("test", f"test: cover {self.rng.choice(WORDS)} edge cases", "")
        for _ in range(self.file_count()):
            path = self.pick("tests/", ".py")
            if path is not None and all(op.path != path for op in planned.ops):
                planned.ops.append(self.edit_text(path))
        return planned

    def plan_docs(self) -> PlannedCommit:
        planned = PlannedCommit("docs", f"docs: describe {self.rng.choice(WORDS)} settings", "")
        path = self.pick("docs/", ".md") or "README.md"
        if self.rng.random() < 0.15:
            path = f"docs/{self.rng.choice(WORDS)}-{self.next_serial()}.md"
            planned.ops.append(self.add_text(path, self.new_lines(path, 25)))
        else:
            planned.ops.append(self.edit_text(path))
        if self.rng.random() < 0.3:
            planned.ops.append(self.edit_text("README.md"))
        if self.rng.random() < 0.05:
            # Latin-1 bytes: text that is not valid UTF-8 is normal input for the reader.
            path = f"docs/legacy-{self.next_serial()}.txt"
            data = "Caf\xe9 cr\xe8me, na\xefve r\xe9sum\xe9\n".encode("latin-1")
            self.binary[path] = data
            self.modes[path] = "100644"
            planned.ops.append(FileOp("A", path, data))
        return planned

    def plan_ci(self) -> PlannedCommit:
        planned = PlannedCommit("ci", "ci: adjust the workflow", "")
        if self.rng.random() < 0.2:
            path = f".github/workflows/{self.rng.choice(WORDS)}-{self.next_serial()}.yml"
            planned.ops.append(self.add_text(path, self.workflow_lines(path)))
        else:
            path = self.pick(".github/workflows/", ".yml") or ".github/workflows/ci.yml"
            lines = self.text[path]
            lines.append(f"      - run: make {self.rng.choice(WORDS)}-{self.rng.randrange(100)}")
            if len(lines) > 60:
                del lines[8:30]
            planned.ops.append(FileOp("M", path, self.encode(path), self.modes[path]))
        return planned

    def plan_deps(self) -> PlannedCommit:
        name = self.rng.choice(DEPENDENCIES)
        major, minor, patch = self.versions[name]
        new = (major, minor, patch + 1) if self.rng.random() < 0.7 else (major, minor + 1, 0)
        self.versions[name] = new
        old_text = f"{major}.{minor}.{patch}"
        new_text = f"{new[0]}.{new[1]}.{new[2]}"
        planned = PlannedCommit("deps", f"build(deps): bump {name} from {old_text} to {new_text}", "")
        self.text["requirements.txt"] = [f"{dep}=={'.'.join(map(str, self.versions[dep]))}" for dep in DEPENDENCIES]
        planned.ops.append(FileOp("M", "requirements.txt", self.encode("requirements.txt")))
        return planned

    def plan_config(self) -> PlannedCommit:
        planned = PlannedCommit("config", f"chore(deploy): tune {self.rng.choice(WORDS)} values", "")
        planned.ops.append(self.edit_text("deploy/values.yaml"))
        return planned

    def plan_binary(self) -> PlannedCommit:
        planned = PlannedCommit("binary", "chore: update image assets", "")
        existing = sorted(self.binary)
        if existing and self.rng.random() < 0.5:
            path = self.rng.choice([p for p in existing if p.endswith(".png")] or existing)
            data = self.rng.randbytes(self.rng.randint(512, 8192))
            self.binary[path] = data
            planned.ops.append(FileOp("M", path, data))
        else:
            planned.ops.append(self.add_binary(f"assets/{self.rng.choice(WORDS)}-{self.next_serial()}.png"))
        return planned

    def plan_rename(self) -> PlannedCommit:
        old = self.pick("src/", ".py")
        if old is None:
            return self.plan_code()
        new = f"src/{self.rng.choice(COMPONENTS)}/{self.rng.choice(WORDS)}_{self.next_serial()}.py"
        planned = PlannedCommit("rename", f"refactor: move {old} to {new}", "")
        self.text[new] = self.text.pop(old)
        self.modes[new] = self.modes.pop(old)
        planned.ops.append(FileOp("R", new, old_path=old))

        # Half of the renames also edit the file, as a move with small fixes does.
        if self.rng.random() < 0.5:
            lines = self.text[new]
            lines.insert(0, f"# moved from {old}")
            planned.ops.append(FileOp("M", new, self.encode(new), self.modes[new]))
        return planned

    def plan_delete(self) -> PlannedCommit:
        candidates = sorted(p for p in self.text if p.startswith("src/"))
        if len(candidates) < 10:
            return self.plan_code()
        path = self.rng.choice(candidates)
        del self.text[path]
        del self.modes[path]
        return PlannedCommit("delete", f"refactor: remove unused {path}", "", [FileOp("D", path)])

    def plan_mode(self) -> PlannedCommit:
        path = "scripts/build.sh"
        mode = "100644" if self.modes[path] == "100755" else "100755"
        self.modes[path] = mode
        operation = FileOp("mode", path, self.encode(path), mode)
        return PlannedCommit("mode", f"chore: set mode {mode[-3:]} on {path}", "", [operation])


def quote_path(path: str) -> bytes:
    """Quote a path for fast-import when it has characters its plain form cannot carry."""
    if path.startswith('"') or " " in path or "\n" in path or "\\" in path:
        escaped = path.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'.encode("utf-8")
    return path.encode("utf-8")


def write_data(stream: BinaryIO, data: bytes) -> None:
    stream.write(b"data %d\n" % len(data))
    stream.write(data)
    stream.write(b"\n")


def write_commit(
    stream: BinaryIO,
    planned: PlannedCommit,
    mark: int,
    parents: list[int],
    author: tuple[str, str, str],
    when: datetime,
) -> None:
    """Write one `commit` command whose tree is the first parent's plus `planned.ops`."""
    name, email, offset = author
    stamp = f"{name} <{email}> {int(when.timestamp())} {offset}".encode("utf-8")
    message = planned.subject + ("\n\n" + planned.body if planned.body else "") + "\n"

    stream.write(b"commit refs/heads/main\nmark :%d\n" % mark)
    stream.write(b"author " + stamp + b"\ncommitter " + stamp + b"\n")
    write_data(stream, message.encode("utf-8"))
    if parents:
        stream.write(b"from :%d\n" % parents[0])
    for parent in parents[1:]:
        stream.write(b"merge :%d\n" % parent)

    for op in planned.ops:
        if op.op == "D":
            stream.write(b"D " + quote_path(op.path) + b"\n")
        elif op.op == "R":
            assert op.old_path is not None
            stream.write(b"R " + quote_path(op.old_path) + b" " + quote_path(op.path) + b"\n")
        else:
            stream.write(f"M {op.mode} inline ".encode() + quote_path(op.path) + b"\n")
            write_data(stream, op.data)
    stream.write(b"\n")


def run_git(repository: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", "-C", str(repository), *args], check=True, capture_output=True, text=True
    )
    return completed.stdout.strip()


def generate(path: Path, spec: SynthSpec) -> SynthSummary:
    """Build a new repository at `path` (which must not exist) holding the history `spec` describes."""
    started = time.perf_counter()
    if path.exists():
        raise FileExistsError(f"{path} already exists; choose a new folder or remove it")
    if spec.commits < 1:
        raise ValueError(f"commits must be at least 1, got {spec.commits}")

    subprocess.run(["git", "init", "--quiet", "--initial-branch=main", str(path)], check=True)
    model = HistoryModel(spec)
    rng = model.rng
    kinds = list(KIND_WEIGHTS)
    weights = list(KIND_WEIGHTS.values())
    kind_counts: Counter[str] = Counter()
    operations: Counter[str] = Counter()

    # Committer times advance by a random gap whose mean gives `per_day` commits a day.
    when = datetime.fromisoformat(spec.start)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    first_time = when
    last_time = when
    mean_gap = 86400 / max(1, spec.per_day)

    process = subprocess.Popen(
        ["git", "-C", str(path), "fast-import", "--quiet", "--done"],
        stdin=subprocess.PIPE,
    )
    assert process.stdin is not None
    stream = process.stdin
    written = 0
    merges = 0
    first_parent = 0
    tip = 0

    try:
        while written < spec.commits:
            author = rng.choice(AUTHORS)
            remaining = spec.commits - written
            merge_now = spec.merge_every > 0 and written > 0 and remaining >= 2 and rng.random() < 1 / spec.merge_every

            if written == 0:
                planned = model.plan_root()
                parents: list[int] = []
            elif merge_now:
                # A side commit on top of the tip, then a merge whose tree equals the side's.
                planned = model.plan(rng.choices(kinds, weights)[0])
                side = written + 1
                write_commit(stream, planned, side, [tip], author, when)
                kind_counts[planned.kind] += 1
                operations.update(op.op for op in planned.ops)
                written += 1
                when += timedelta(seconds=round(rng.uniform(0.2, 1.8) * mean_gap))

                merge = PlannedCommit("merge", f"Merge branch 'topic-{side}'", "", planned.ops)
                planned = merge
                parents = [tip, side]
                merges += 1
            else:
                planned = model.plan(rng.choices(kinds, weights)[0])
                parents = [tip] if tip else []

            mark = written + 1
            write_commit(stream, planned, mark, parents, author, when)
            if planned.kind not in ("root", "merge"):
                kind_counts[planned.kind] += 1
                operations.update(op.op for op in planned.ops)
            elif planned.kind == "root":
                operations.update(op.op for op in planned.ops)
            tip = mark
            last_time = when
            written += 1
            first_parent += 1
            when += timedelta(seconds=round(rng.uniform(0.2, 1.8) * mean_gap))

        stream.write(b"done\n")
        stream.close()
    finally:
        returncode = process.wait()
    if returncode != 0:
        raise RuntimeError(f"git fast-import failed with exit code {returncode} in {path}")

    summary = SynthSummary(
        spec=spec,
        generator_version=GENERATOR_VERSION,
        head=run_git(path, "rev-parse", "HEAD"),
        commits=written,
        first_parent_commits=first_parent,
        merges=merges,
        kinds=dict(sorted(kind_counts.items())),
        operations=dict(sorted(operations.items())),
        first_time=first_time.isoformat(),
        last_time=last_time.isoformat(),
        build_seconds=round(time.perf_counter() - started, 2),
    )
    git_dir = Path(run_git(path, "rev-parse", "--absolute-git-dir"))
    (git_dir / MANIFEST_NAME).write_text(json.dumps(asdict(summary), indent=2, ensure_ascii=False) + "\n")
    return summary


def read_manifest(path: Path) -> dict | None:
    """Return the manifest of a history built by `generate`, or None when there is none."""
    manifest = path / ".git" / MANIFEST_NAME
    if not manifest.is_file():
        return None
    return json.loads(manifest.read_text())


def ensure_history(path: Path, spec: SynthSpec) -> dict:
    """Reuse the history at `path` when it was built from `spec` by this generator version, else build it."""
    manifest = read_manifest(path)
    if manifest is not None and manifest["spec"] == asdict(spec) and manifest["generator_version"] == GENERATOR_VERSION:
        return manifest
    if path.exists():
        # Only folders this generator built are removed; anything else is left for the user.
        if manifest is None:
            raise FileExistsError(f"{path} exists but has no {MANIFEST_NAME}; remove it or choose another folder")
        subprocess.run(["rm", "-rf", "--", str(path)], check=True)
    return asdict(generate(path, spec))


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    defaults = SynthSpec()
    parser = argparse.ArgumentParser(description="Build a synthetic git history with git fast-import.")
    parser.add_argument("path", type=Path, help="folder for the new repository (must not exist)")
    parser.add_argument("--commits", type=int, default=defaults.commits, help="total commits")
    parser.add_argument("--seed", type=int, default=defaults.seed, help="random seed")
    parser.add_argument("--files-per-commit", type=int, default=defaults.files_per_commit,
                        help="maximum files touched by one code or test commit")
    parser.add_argument("--diff-lines", type=int, default=defaults.diff_lines,
                        help="mean lines changed per text file and commit")
    parser.add_argument("--per-day", type=int, default=defaults.per_day, help="mean commits per day")
    parser.add_argument("--start", default=defaults.start, help="time of the first commit, ISO 8601")
    parser.add_argument("--merge-every", type=int, default=defaults.merge_every,
                        help="one merge per this many commits on average; 0 for none")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    spec = SynthSpec(
        commits=arguments.commits,
        seed=arguments.seed,
        files_per_commit=arguments.files_per_commit,
        diff_lines=arguments.diff_lines,
        per_day=arguments.per_day,
        start=arguments.start,
        merge_every=arguments.merge_every,
    )
    summary = generate(arguments.path, spec)
    json.dump(asdict(summary), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

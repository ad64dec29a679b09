"""Benchmark: `analyzer report --no-llm` against `git log -p` over the same commits.

Both sides run as subprocesses, alternating, `--repeat` times each; the table
shows medians. The analyzer's time is given as a ratio to `git log -p` measured
in the same run, so the ratio shows how much reading, rating and writing cost
on top of git producing the diffs, whatever the machine.

Peak memory comes from two sources. `wait4` returns the kernel's maximum RSS
of the analyzer process (or of its `git log` child, when that is larger),
without sampling. A sampler reads /proc every 50 ms for the RSS of the Python
process alone and for the sum over it and its descendants. git's RSS is
mostly its memory-mapped pack files, so the Python figure is the one that
grows with what the analyzer keeps.

Without `--repo` the benchmark builds synthetic histories of 1k, 10k and 50k
commits under /tmp/bench-synth (reused on later runs) and reads each whole,
to show how time and memory grow with the range.

    python benchmarks/bench_read.py                      # synthetic 1k, 10k, 50k
    python benchmarks/bench_read.py --sizes 1000,10000   # skip the 50k history
    python benchmarks/bench_read.py --repo /path/to/clone --since 2025-01-01
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analyzer.log import log_arguments, new_marker  # noqa: E402
from analyzer.window import Selection, resolve_selection  # noqa: E402
from benchmarks.synth import SynthSpec, ensure_history  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = PROJECT_ROOT / "benchmarks" / "results"
SYNTH_ROOT = Path("/tmp/bench-synth")
DEFAULT_SIZES = (1000, 10000, 50000)
SAMPLE_SECONDS = 0.05
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True, slots=True)
class Target:
    """One repository and the commits to read from it."""

    label: str
    repository: Path
    since: str | None = None
    """First day read, YYYY-MM-DD, as `analyzer report --since` takes it."""
    until: str | None = None
    """Last day read (included), YYYY-MM-DD, as `analyzer report --until` takes it."""
    revision_range: str | None = None
    """A git revision range such as `v2.47.0..v2.48.0`, used instead of days."""
    first_parent: bool = True
    timezone: str = "UTC"


@dataclass(slots=True)
class Run:
    """One timed subprocess."""

    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    """Kernel maximum RSS from wait4: the largest single process of the tree that was waited for."""
    peak_tree_rss_mb: float
    """Largest sampled sum of RSS over the process and its descendants."""
    peak_own_rss_mb: float
    """Largest sampled RSS of the process itself, without its children (for the analyzer: Python alone)."""
    returncode: int


@dataclass(slots=True)
class Result:
    """The measurements of one target."""

    target: dict
    commits: int
    git_command: list[str]
    reader_git_command: list[str]
    analyzer_command: list[str]
    git_runs: list[Run] = field(default_factory=list)
    reader_git_runs: list[Run] = field(default_factory=list)
    analyzer_runs: list[Run] = field(default_factory=list)

    def median(self, runs: list[Run], name: str) -> float:
        return statistics.median(getattr(run, name) for run in runs)

    def summary(self) -> dict:
        git_seconds = self.median(self.git_runs, "seconds")
        reader_git_seconds = self.median(self.reader_git_runs, "seconds") if self.reader_git_runs else None
        analyzer_seconds = self.median(self.analyzer_runs, "seconds")
        return {
            "label": self.target["label"],
            "commits": self.commits,
            "git_seconds": round(git_seconds, 3),
            "reader_git_seconds": round(reader_git_seconds, 3) if reader_git_seconds is not None else None,
            "analyzer_seconds": round(analyzer_seconds, 3),
            "ratio": round(analyzer_seconds / git_seconds, 2) if git_seconds else None,
            "commits_per_second": round(self.commits / analyzer_seconds, 1) if analyzer_seconds else None,
            "analyzer_cpu_seconds": round(self.median(self.analyzer_runs, "cpu_seconds"), 3),
            "peak_rss_mb": round(max(run.peak_rss_mb for run in self.analyzer_runs), 1),
            "peak_tree_rss_mb": round(max(run.peak_tree_rss_mb for run in self.analyzer_runs), 1),
            "peak_python_rss_mb": round(max(run.peak_own_rss_mb for run in self.analyzer_runs), 1),
            "git_peak_rss_mb": round(max(run.peak_rss_mb for run in self.git_runs), 1),
        }


# Measuring ------------------------------------------------------------------


def process_table() -> dict[int, tuple[int, int]]:
    """Map every pid to (parent pid, resident pages), read from /proc/*/stat."""
    table: dict[int, tuple[int, int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                raw = handle.read()
        except OSError:
            continue

        # The command name may contain spaces and parentheses, so split after its last ')'.
        fields = raw[raw.rfind(b")") + 2:].split()
        table[int(entry.name)] = (int(fields[1]), int(fields[21]))
    return table


def tree_rss_bytes(root: int) -> tuple[int, int]:
    """Return the RSS of `root` alone and summed with all its descendants."""
    table = process_table()
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in table.items():
        children.setdefault(parent, []).append(pid)

    total = 0
    pending = [root]
    while pending:
        pid = pending.pop()
        if pid in table:
            total += table[pid][1] * PAGE_SIZE
        pending.extend(children.get(pid, ()))
    own = table[root][1] * PAGE_SIZE if root in table else 0
    return own, total


def timed_run(command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
    """Run `command` with output discarded and return its wall time, CPU time and peak memory."""
    peak_tree = 0
    peak_own = 0
    done = threading.Event()

    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd
    )

    def sample() -> None:
        nonlocal peak_tree, peak_own
        while not done.is_set():
            own, tree = tree_rss_bytes(process.pid)
            peak_own = max(peak_own, own)
            peak_tree = max(peak_tree, tree)
            done.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()

    # Read stderr in a thread, so a process that writes much to stderr cannot block on a full pipe.
    errors: list[bytes] = []
    reader = threading.Thread(target=lambda: errors.append(process.stderr.read()), daemon=True)  # type: ignore[union-attr]
    reader.start()

    # wait4 reports this child's own resource use, unlike RUSAGE_CHILDREN which mixes all children.
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    reader.join()
    process.returncode = os.waitstatus_to_exitcode(status)

    if process.returncode != 0:
        message = b"".join(errors).decode("utf-8", "replace").strip()
        raise RuntimeError(f"{command[:4]}... exited with {process.returncode}: {message[-2000:]}")

    # Linux reports ru_maxrss in kilobytes.
    return Run(
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024,
        peak_tree_rss_mb=peak_tree / 2**20,
        peak_own_rss_mb=peak_own / 2**20,
        returncode=process.returncode,
    )


# Commands -------------------------------------------------------------------


def selection_for(target: Target) -> Selection:
    """Return the Selection that `analyzer report` builds from the target's options."""
    return resolve_selection(
        day=None,
        since=target.since,
        until=target.until,
        revision_range=target.revision_range,
        branch="HEAD",
        zone=ZoneInfo(target.timezone),
        all_commits=not target.first_parent,
    )


def window_arguments(selection: Selection) -> list[str]:
    """Return the reader's range arguments (first-parent, dates, revisions), which follow its --format."""
    arguments = log_arguments(selection, new_marker())
    format_index = next(index for index, argument in enumerate(arguments) if argument.startswith("--format="))
    return arguments[format_index + 1:]


def git_command(target: Target) -> list[str]:
    """Return `git log -p` over the reader's range, with its rename detection and merge diffs.

    Plain `git log -p` shows no diff for merge commits; the reader diffs them
    against their first parent, so the baseline does the same work.
    """
    return [
        "git", "-C", str(target.repository), "log", "-p", "-M", "--diff-merges=first-parent",
        *window_arguments(selection_for(target)),
    ]


def reader_git_command(target: Target) -> list[str]:
    """Return the exact `git log` command the reader runs, to split git's cost from Python's."""
    return ["git", "-C", str(target.repository), *log_arguments(selection_for(target), new_marker())]


def count_commits(target: Target) -> int:
    arguments = [argument for argument in window_arguments(selection_for(target)) if argument != "--"]
    completed = subprocess.run(
        ["git", "-C", str(target.repository), "rev-list", "--count", *arguments],
        check=True, capture_output=True, text=True,
    )
    return int(completed.stdout)


def analyzer_command(target: Target, output: Path, python: str) -> list[str]:
    command = [python, "-m", "analyzer", "report", "--no-llm", "--quiet", "--repo", str(target.repository)]
    if not target.first_parent:
        command.append("--all-commits")
    if target.revision_range:
        command += ["--range", target.revision_range]
    if target.since:
        command += ["--since", target.since]
    if target.until:
        command += ["--until", target.until]
    command += ["--tz", target.timezone, "--output", str(output)]
    return command


# Targets --------------------------------------------------------------------


def synthetic_targets(sizes: list[int], seed: int, first_parent: bool) -> list[Target]:
    targets = []
    for size in sizes:
        path = SYNTH_ROOT / f"{size}-s{seed}"
        started = time.perf_counter()
        manifest = ensure_history(path, SynthSpec(commits=size, seed=seed))
        print(f"history {path}: {manifest['commits']} commits (ready in {time.perf_counter() - started:.1f} s)", file=sys.stderr)

        # The whole history: from the first commit's day to the last commit's day, in UTC.
        first = datetime.fromisoformat(manifest["first_time"]).astimezone(timezone.utc).date()
        last = datetime.fromisoformat(manifest["last_time"]).astimezone(timezone.utc).date()
        targets.append(Target(f"synthetic {size}", path, first.isoformat(), last.isoformat(), first_parent=first_parent))
    return targets


def checkout_commit(root: Path) -> str | None:
    """Return the commit checked out at `root`, or None when it is not a git work tree."""
    completed = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True)
    return completed.stdout.strip() if completed.returncode == 0 else None


def machine_info() -> dict:
    cpu = ""
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    git_version = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    with open("/proc/loadavg") as handle:
        load = handle.read().split()[:3]
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "git": git_version,
        "kernel": platform.release(),
        "load_average": load,
    }


# Running --------------------------------------------------------------------


def measure(target: Target, repeat: int, warmup: bool, python: str, analyzer_root: Path) -> Result:
    """Time the commands of `target`; the analyzer runs from `analyzer_root` (a checkout of the project)."""
    # The reader's git command is built from this checkout's reader, so it is
    # timed only when the analyzer under test is this checkout.
    time_reader_git = analyzer_root.resolve() == PROJECT_ROOT
    commits = count_commits(target)
    work = Path(tempfile.mkdtemp(prefix="bench-read-"))
    try:
        output = work / "report.md"
        result = Result(
            target=asdict(target) | {"repository": str(target.repository)},
            commits=commits,
            git_command=git_command(target),
            reader_git_command=reader_git_command(target),
            analyzer_command=analyzer_command(target, output, python),
        )

        # A fresh cache folder per run, so no run reuses results of the one before.
        def analyzer_env(index: int) -> dict[str, str]:
            return os.environ | {"XDG_CACHE_HOME": str(work / f"cache-{index}")}

        # One untimed run of each command warms the page cache. The timed runs then alternate,
        # so load from other processes on the machine falls on every command alike.
        if warmup:
            timed_run(result.git_command)
            timed_run(result.analyzer_command, analyzer_env(-1), analyzer_root)
        for index in range(repeat):
            result.git_runs.append(timed_run(result.git_command))
            if time_reader_git:
                result.reader_git_runs.append(timed_run(result.reader_git_command))
            result.analyzer_runs.append(timed_run(result.analyzer_command, analyzer_env(index), analyzer_root))
            print(
                f"  {target.label} run {index + 1}/{repeat}: git log -p {result.git_runs[-1].seconds:.2f} s, "
                f"reader's git {result.reader_git_runs[-1].seconds if time_reader_git else float('nan'):.2f} s, "
                f"analyzer {result.analyzer_runs[-1].seconds:.2f} s",
                file=sys.stderr,
            )
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def format_seconds(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds:.2f}"


def print_table(summaries: list[dict]) -> None:
    print(
        "| range | commits | git log -p (s) | reader's git alone (s) | analyzer (s) | ratio "
        "| commits/s | analyzer CPU (s) | Python peak RSS (MB) | max process RSS (MB) | RSS with git (MB) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in summaries:
        print(
            f"| {row['label']} | {row['commits']} | {row['git_seconds']:.2f} | {format_seconds(row['reader_git_seconds'])} "
            f"| {row['analyzer_seconds']:.2f} "
            f"| {row['ratio']:.2f} | {row['commits_per_second']:.0f} | {row['analyzer_cpu_seconds']:.2f} "
            f"| {row['peak_python_rss_mb']:.0f} | {row['peak_rss_mb']:.0f} | {row['peak_tree_rss_mb']:.0f} |"
        )


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Time analyzer report --no-llm against git log -p.")
    parser.add_argument("--repo", type=Path, help="a local clone; without it, synthetic histories are used")
    parser.add_argument("--since", help="first day to read, YYYY-MM-DD (with --repo)")
    parser.add_argument("--until", help="last day to read (included), YYYY-MM-DD (with --repo)")
    parser.add_argument("--tz", default="UTC", help="IANA time zone of the days (with --repo)")
    parser.add_argument("--range", dest="revision_range", help="revision range A..B instead of days (with --repo)")
    parser.add_argument("--all-parents", action="store_true",
                        help="read commits of merged branches too (analyzer --all-commits), not only first parents")
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="synthetic history sizes in commits, comma-separated")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic histories")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each side; the table shows medians")
    parser.add_argument("--no-warmup", action="store_true",
                        help="skip the untimed first run of each command (the page cache is then cold or stale)")
    parser.add_argument("--python", default=sys.executable, help="Python that runs the analyzer")
    parser.add_argument("--analyzer-root", type=Path, default=PROJECT_ROOT,
                        help="project checkout whose analyzer is timed, for before/after comparisons "
                             "(default: this one; with another, the reader's git column is left empty)")
    parser.add_argument("--label", help="name of the --repo row in the table")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    if arguments.repeat < 1:
        raise SystemExit("--repeat must be at least 1")

    if arguments.repo is not None:
        label = arguments.label or arguments.repo.resolve().name
        if arguments.since or arguments.until:
            label += f" {arguments.since or ''}..{arguments.until or ''}"
        elif arguments.revision_range:
            label += f" {arguments.revision_range}"
        targets = [
            Target(
                label,
                arguments.repo.resolve(),
                arguments.since,
                arguments.until,
                arguments.revision_range,
                first_parent=not arguments.all_parents,
                timezone=arguments.tz,
            )
        ]
    else:
        sizes = [int(size) for size in arguments.sizes.split(",") if size]
        targets = synthetic_targets(sizes, arguments.seed, not arguments.all_parents)

    results = [measure(target, arguments.repeat, not arguments.no_warmup, arguments.python, arguments.analyzer_root) for target in targets]
    summaries = [result.summary() for result in results]
    print_table(summaries)

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"read-{stamp}.json"
    document = {
        "date": stamp,
        "machine": machine_info(),
        "repeat": arguments.repeat,
        "analyzer_root": str(arguments.analyzer_root.resolve()),
        "analyzer_commit": checkout_commit(arguments.analyzer_root),
        "summaries": summaries,
        "results": [asdict(result) for result in results],
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"results: {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

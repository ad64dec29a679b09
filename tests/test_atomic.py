"""Output files are replaced in one step, or not at all."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from analyzer.atomic import atomic_output

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def test_atomic_output_replaces_at_the_end(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("previous", encoding="utf-8")

    with atomic_output(target) as stream:
        stream.write("first half\n")
        assert target.read_text(encoding="utf-8") == "previous"
        stream.write("second half 中文\n")

    assert target.read_text(encoding="utf-8") == "first half\nsecond half 中文\n"
    assert [path.name for path in tmp_path.iterdir()] == ["report.md"]


@pytest.mark.parametrize("error", [RuntimeError("render failed"), KeyboardInterrupt()])
def test_atomic_output_keeps_previous_on_error(tmp_path: Path, error: BaseException) -> None:
    target = tmp_path / "report.md"
    target.write_text("previous", encoding="utf-8")

    with pytest.raises(type(error)):
        with atomic_output(target) as stream:
            stream.write("half a report\n")
            raise error

    assert target.read_text(encoding="utf-8") == "previous"
    assert [path.name for path in tmp_path.iterdir()] == ["report.md"]


def test_atomic_output_keeps_file_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("previous", encoding="utf-8")
    os.chmod(target, 0o640)

    with atomic_output(target) as stream:
        stream.write("new\n")

    assert target.read_text(encoding="utf-8") == "new\n"
    assert target.stat().st_mode & 0o777 == 0o640


def test_atomic_output_follows_symlink(tmp_path: Path) -> None:
    target = tmp_path / "target.md"
    target.write_text("previous", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(target)

    with atomic_output(link) as stream:
        stream.write("new\n")

    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == "new\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["link.md", "target.md"]


def test_atomic_output_writes_into_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()

    with atomic_output(fifo) as stream:
        stream.write("through the pipe\n")
    reader.join(timeout=10)

    assert received == ["through the pipe\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert [path.name for path in tmp_path.iterdir()] == ["pipe"]


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP])
def test_signal_mid_write_removes_temporary(tmp_path: Path, number: int) -> None:
    target = tmp_path / "report.md"
    target.write_text("previous", encoding="utf-8")
    script = (
        "import os, sys, time\n"
        "from pathlib import Path\n"
        "from analyzer.atomic import atomic_output\n"
        "from analyzer.cli import exit_on_signals\n"
        "exit_on_signals()\n"
        f"with atomic_output(Path({str(target)!r})) as stream:\n"
        "    stream.write('half a report\\n')\n"
        f"    os.kill(os.getpid(), {int(number)})\n"
        "    time.sleep(30)\n"
    )

    result = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, timeout=60)

    assert result.returncode == 128 + number, result.stderr
    assert target.read_text(encoding="utf-8") == "previous"
    assert [path.name for path in tmp_path.iterdir()] == ["report.md"]

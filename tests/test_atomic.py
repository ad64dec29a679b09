"""Output files are replaced in one step, or not at all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analyzer.atomic import atomic_output, write_atomic


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


def test_write_atomic_keeps_file_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("previous", encoding="utf-8")
    os.chmod(target, 0o640)

    write_atomic(target, "new\n")

    assert target.read_text(encoding="utf-8") == "new\n"
    assert target.stat().st_mode & 0o777 == 0o640

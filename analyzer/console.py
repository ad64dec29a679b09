"""Consoles for user output: progress and messages on stderr, reports on stdout."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console

from analyzer.errors import AnalyzerError
from analyzer.i18n import help_text

# stdout carries only the report, so everything else goes to stderr.
stderr = Console(stderr=True, highlight=False, soft_wrap=True)
stdout = Console(highlight=False, soft_wrap=True)


@contextmanager
def writing_stdout() -> Iterator[None]:
    """Turn a closed, full or failing stdout inside the block into one `output.stdout_failed` error.

    A broken pipe (`| head`) passes through: the program ends quietly on it.
    """
    if sys.stdout is None:
        raise AnalyzerError("output.stdout_failed", reason=help_text("标准输出已关闭", "standard output is closed"))
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as error:
        raise AnalyzerError("output.stdout_failed", reason=error.strerror or error) from None


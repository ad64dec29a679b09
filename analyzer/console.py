"""Consoles for user output: progress and messages on stderr, reports on stdout."""

from __future__ import annotations

from rich.console import Console

# stdout carries only the report, so everything else goes to stderr.
stderr = Console(stderr=True, highlight=False, soft_wrap=True)
stdout = Console(highlight=False, soft_wrap=True)

"""The model stage's error type, printed with the stage's own zh/en messages."""

from __future__ import annotations

from analyzer.errors import EXIT_RUNTIME, AnalyzerError
from analyzer.llm.messages import message


class ModelError(AnalyzerError):
    """A model problem the user can fix (missing file, wrong hash, invalid list line)."""

    def __init__(self, key: str, exit_code: int = EXIT_RUNTIME, **values: object) -> None:
        super().__init__(key, exit_code, **values)

    def __str__(self) -> str:
        # The keys live in analyzer.llm.messages, which registers them with analyzer.i18n.
        return message(self.key, **self.values)

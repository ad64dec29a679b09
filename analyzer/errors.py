"""The one exception type the analyzer raises for problems a user can fix."""

from __future__ import annotations

# Exit codes: 2 when the command line is wrong, 1 when the run failed.
EXIT_USAGE = 2
EXIT_RUNTIME = 1


class AnalyzerError(Exception):
    """A problem reported to the user as one line, without a traceback.

    `key` names a message in `analyzer.i18n`, formatted with `values`, so the
    same error prints in Chinese or English.
    """

    def __init__(self, key: str, exit_code: int = EXIT_RUNTIME, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.exit_code = exit_code
        self.values = values

    def __str__(self) -> str:
        from analyzer.i18n import message

        return message(self.key, **self.values)


class UsageError(AnalyzerError):
    """A wrong value on the command line (exit code 2)."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key, EXIT_USAGE, **values)

"""Writing output files so a failed run never leaves half a file behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from analyzer.errors import AnalyzerError


@contextmanager
def atomic_output(path: Path) -> Iterator[TextIO]:
    """Yield a UTF-8 text stream whose content replaces `path` when the block ends without an error.

    The text goes to a temporary file in the same folder, which is renamed over
    `path` at the end: the previous file stays untouched until the rename,
    which replaces it in one step on POSIX file systems. On an error the
    temporary file is removed and `path` is left as it was.

    A symbolic link is followed, so the file it points to is replaced and the
    link stays. A path that is not a regular file (a named pipe, a device such
    as /dev/stdout) is written directly, because renaming over it would
    replace it.
    """
    # Tested on `path` itself: /dev/stdout resolves to a `pipe:[...]` name
    # that cannot be opened, while the link opens the pipe.
    if path.exists() and not path.is_file():
        try:
            with open(path, "w", encoding="utf-8", newline="\n") as stream:
                yield stream
        except OSError as error:
            raise AnalyzerError("output.unwritable", path=path, reason=error.strerror or error) from None
        return

    target = Path(os.path.realpath(path))
    folder = target.parent
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise AnalyzerError("output.unwritable", path=path, reason=error.strerror or error) from None

    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if target.exists():
            os.chmod(temporary, target.stat().st_mode & 0o7777)
        else:
            os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise AnalyzerError("output.unwritable", path=path, reason=error.strerror or error) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current

"""Files the project writes for the user: readable by the user only (0600), replaced atomically."""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["write_private"]


def write_private(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` with mode 0600 via a temporary file and ``os.replace``.

    A reader sees either the old file or the whole new one, never half of it.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "example.txt"
    >>> write_private(path, "hello")
    >>> path.read_text(), oct(path.stat().st_mode & 0o777)
    ('hello', '0o600')
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
    os.replace(tmp, path)

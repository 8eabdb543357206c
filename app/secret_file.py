"""Secrets generated on first run into the data directory: created once, mode 0600, never replaced."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def create_once(path: Path, content: bytes) -> None:
    """Write `content` to `path` unless the file exists. Atomic, and never replaces a secret another process
    created at the same moment: the content goes to a private temporary file (mkstemp makes it 0600) that is
    hard-linked into place, which fails if the name is taken."""
    path = Path(path)
    if path.exists():
        return
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process won the race: keep its secret
    finally:
        os.unlink(tmp)
    fsync_dir(path.parent)


def fsync_dir(path: Path) -> None:
    """Make a rename or link in `path` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

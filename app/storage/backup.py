"""Backup and restore of the embedded (TinyDB) store: a consistent copy of its files, never the data key.

A backup is a folder: `store/`, the store's files as they were at one moment (copied while the store's write
lock is held, so no write is half in it), and `backup.json`, which lists every file with its SHA-256. The files
stay as encrypted as they are in the store, and the key is not among them: keep the key apart (README, "Backups").

Restore checks every file against the list and that the configured key opens the copy, then moves it into place
in one rename, into a data directory that holds no store yet. PostgreSQL is backed up with pg_dump (README).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..domain.jsontext import compact
from .base import CorruptStore
from .tinydb_files import TEMP_PREFIX, fsync_dir, read_json_file  # fsync_dir syncs a file's content just as well

MANIFEST = "backup.json"
BACKUP_FORMAT = 1
LOCK_FILE = "write.lock"  # the store's lock: not data, and held by the copying process itself


class BackupError(Exception):
    """A backup or restore that cannot be done as asked; the message says why and changes nothing."""


@dataclass(frozen=True)
class BackupSummary:
    files: int
    bytes: int
    cases: int


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _store_files(root: Path):
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name != LOCK_FILE and not path.name.startswith(TEMP_PREFIX):
            yield path


def _require_empty(dest: Path, what: str) -> None:
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"{dest} is not an empty folder; {what} only into a new or empty one, so that nothing "
                          "there is overwritten.")


def backup_store(store, dest: Path, key_file: Path) -> BackupSummary:
    """Copy the TinyDB `store` into the new or empty folder `dest`, holding its write lock while copying."""
    dest = Path(dest).resolve()
    _require_empty(dest, "a backup goes")
    root = store.root
    if Path(key_file).resolve().is_relative_to(dest):
        raise BackupError(f"{dest} holds the data key {key_file}; a backup must not contain the key.")
    dest.mkdir(mode=0o700, parents=True, exist_ok=True)
    files: dict[str, str] = {}
    size = 0
    with store.exclusive():  # writers wait; readers go on
        for source in _store_files(root):
            relative = source.relative_to(root).as_posix()
            target = dest / "store" / relative
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            os.chmod(target, 0o600)
            fsync_dir(target)
            files[relative] = _sha256(target)
            size += target.stat().st_size
    for directory in sorted({p.parent for p in (dest / "store").rglob("*") if p.is_file()}):
        fsync_dir(directory)
    manifest = {"format": BACKUP_FORMAT, "store": "tinydb",
                "created": datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
                "files": files}
    (dest / MANIFEST).write_text(compact(manifest) + "\n", encoding="utf-8")
    fsync_dir(dest / MANIFEST)
    fsync_dir(dest)
    cases = sum(1 for name in files if name.startswith("cases/"))
    return BackupSummary(files=len(files), bytes=size, cases=cases)


def verify_backup(src: Path) -> dict:
    """The manifest of the backup in `src`, after checking that every listed file is there, unchanged."""
    src = Path(src).resolve()
    try:
        manifest = read_json_file(src / MANIFEST)
    except (OSError, ValueError) as e:
        raise BackupError(f"{src} is not a Safe Future backup: {src / MANIFEST} cannot be read ({e}).") from e
    if not isinstance(manifest, dict) or manifest.get("format") != BACKUP_FORMAT or manifest.get("store") != "tinydb":
        raise BackupError(f"{src / MANIFEST} is not a backup this version can restore.")
    for relative, digest in manifest["files"].items():
        path = src / "store" / relative
        if not path.is_file():
            raise BackupError(f"The backup is incomplete: {path} is missing.")
        if _sha256(path) != digest:
            raise BackupError(f"The backup is damaged: {path} differs from what was backed up.")
    return manifest


def restore_store(src: Path, store_dir: Path, open_copy) -> BackupSummary:
    """Restore the backup in `src` as the store `store_dir`, which must not exist yet or be empty.

    `open_copy(path)` opens a store folder with the configured key (raising if the key does not open it), so a
    backup is never put in place that this server could not read.
    """
    src, store_dir = Path(src).resolve(), Path(store_dir).resolve()
    manifest = verify_backup(src)
    _require_empty(store_dir, "a restore goes")
    store_dir.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=store_dir.parent, prefix=".restore-"))
    try:
        copied = staging / "store"
        shutil.copytree(src / "store", copied)
        for path in copied.rglob("*"):
            os.chmod(path, 0o700 if path.is_dir() else 0o600)
            if path.is_file():
                fsync_dir(path)
        try:
            open_copy(copied).close()
        except CorruptStore as e:
            raise BackupError(f"The configured data key does not open this backup ({e}). Put the key file the "
                              "backed-up store was created with in place first.") from e
        if store_dir.exists():
            store_dir.rmdir()  # empty, checked above
        os.rename(copied, store_dir)
        fsync_dir(store_dir.parent)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    files = manifest["files"]
    return BackupSummary(files=len(files), bytes=sum((store_dir / n).stat().st_size for n in files),
                         cases=sum(1 for name in files if name.startswith("cases/")))

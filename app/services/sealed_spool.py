"""A spool for export data that has to wait its turn (the rows of a repeating group while the main table streams),
kept on disk only as ciphertext.

Plaintext personal data must never be at rest (ARCHITECTURE.md §6), not even in an unlinked temporary file that a
crash, a swap-out or a disk image could leave readable. A SealedSpool writes its bytes in blocks, each sealed with
AES-256-GCM under a key made for this one spool and kept only in this object's memory; the block's number is its
nonce (a key never seals two blocks with the same one) and binds it to its place. The file is an anonymous
temporary file, gone when the spool is closed; without the key what was written to it is noise.
"""
from __future__ import annotations

import tempfile
from typing import Iterator

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

BLOCK = 16 * 1024
NONCE_BYTES = 12
LENGTH_BYTES = 4


class SealedSpool:
    def __init__(self):
        self._aead = AESGCM(AESGCM.generate_key(bit_length=256))
        self._file = tempfile.TemporaryFile()
        self._buffer = bytearray()
        self._blocks = 0

    def write(self, data: bytes) -> None:
        self._buffer += data
        if len(self._buffer) >= BLOCK:
            self._seal()

    def _seal(self) -> None:
        if not self._buffer:
            return
        sealed = self._aead.encrypt(self._blocks.to_bytes(NONCE_BYTES, "big"), bytes(self._buffer), None)
        self._file.write(len(sealed).to_bytes(LENGTH_BYTES, "big") + sealed)
        self._blocks += 1
        self._buffer.clear()

    def read(self) -> Iterator[bytes]:
        """Everything written, a block at a time (once, after the last write)."""
        self._seal()
        self._file.seek(0)
        for block in range(self._blocks):
            length = int.from_bytes(self._file.read(LENGTH_BYTES), "big")
            yield self._aead.decrypt(block.to_bytes(NONCE_BYTES, "big"), self._file.read(length), None)

    def close(self) -> None:
        self._file.close()
        self._buffer.clear()

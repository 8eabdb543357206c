"""Encryption of case data at rest: AES-256-GCM with a key kept in its own file, outside the store.

Every value is encrypted with a fresh random 96-bit nonce. The associated data names what the value belongs to
(for example one revision of one record), so a ciphertext copied into another record or field fails to decrypt
instead of showing the wrong client's data.
"""
from __future__ import annotations

import base64
import json
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..domain.jsontext import compact
from ..secret_file import create_once

KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # 96 bits, the size GCM is specified for


class KeyFileError(Exception):
    """The key file exists but does not hold a usable key."""


class DecryptionError(Exception):
    """A ciphertext that this key cannot open: a wrong key, a damaged value, or a value moved from elsewhere."""


class DataCipher:
    def __init__(self, key: bytes):
        if len(key) != KEY_BYTES:
            raise ValueError(f"The data key must be {KEY_BYTES} bytes, not {len(key)}.")
        self._aead = AESGCM(key)

    def encrypt(self, value, bound_to: str) -> str:
        """Encrypt a JSON-serialisable `value`; it decrypts only with the same `bound_to`."""
        nonce = os.urandom(NONCE_BYTES)
        plaintext = compact(value).encode()
        sealed = self._aead.encrypt(nonce, plaintext, bound_to.encode())
        return base64.b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, token: str, bound_to: str):
        try:
            raw = base64.b64decode(token.encode("ascii"), validate=True)
            plaintext = self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], bound_to.encode())
        except (InvalidTag, ValueError, TypeError, AttributeError) as exc:
            raise DecryptionError(f"Cannot decrypt {bound_to}: wrong data key, or the stored value was damaged "
                                  "or moved from another record.") from exc
        return json.loads(plaintext)


def _read_key(path: Path) -> bytes:
    try:
        key = base64.b64decode(path.read_bytes().strip(), validate=True)
    except ValueError:  # not base64 (binascii.Error is a ValueError)
        key = b""
    if len(key) != KEY_BYTES:
        raise KeyFileError(f"{path} is not a valid data key (expected {KEY_BYTES} bytes in base64 on one line). "
                           "Restore the original key file: without it the stored case data cannot be read. "
                           "Do not delete it to get a new key.")
    return key


def load_or_create_key(path: Path) -> bytes:
    """Read the data key from `path`, creating it (mode 0600) on first run.

    Creation is atomic and never replaces a key another process created at the same moment (see create_once).
    """
    path = Path(path)
    if not path.exists():
        create_once(path, (base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii") + "\n").encode("ascii"))
    return _read_key(path)

"""Encryption of case data at rest: AES-256-GCM with a key kept in its own file, outside the store.

Every value is encrypted with a fresh random 96-bit nonce. The associated data names what the value belongs to
(for example one revision of one record), so a ciphertext copied into another record or field fails to decrypt
instead of showing the wrong client's data.
"""
from __future__ import annotations

import base64
import hashlib
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


def load_or_create_key(path: Path, store: str | None = None) -> bytes:
    """Read the data key from `path`, creating it (mode 0600) on first run.

    `store` names the store the key is for when that store already holds data: a missing key is then an
    error that names the file, never a reason to make a new key (which could read none of the data).
    Creation is atomic and never replaces a key another process created at the same moment (see create_once).
    """
    path = Path(path)
    if not path.exists():
        if store is not None:
            raise KeyFileError(f"The data key file {path} is missing, but {store} already holds data. Put the "
                               "original key file back (or rebuild it from its recovery code with "
                               "'flask --app app import-key'); a new key could not read the data.")
        create_once(path, (base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii") + "\n").encode("ascii"))
    return _read_key(path)


def recovery_code(key: bytes) -> str:
    """The key as a code a person can print and type back: base32 in groups of four, then four check letters."""
    text = base64.b32encode(key).decode("ascii").rstrip("=")
    check = base64.b32encode(hashlib.sha256(key).digest()).decode("ascii")[:4]
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4)) + "-" + check


def key_from_recovery_code(code: str) -> bytes:
    """The key a recovery code stands for; a typing error anywhere is refused by the check letters."""
    text = "".join(ch for ch in code.upper() if ch.isalnum())
    body, check = text[:-4], text[-4:]
    try:
        key = base64.b32decode(body + "=" * (-len(body) % 8))
    except ValueError as e:
        raise KeyFileError("That is not a recovery code: it may hold only the letters A-Z and digits 2-7.") from e
    if len(key) != KEY_BYTES or base64.b32encode(hashlib.sha256(key).digest()).decode("ascii")[:4] != check:
        raise KeyFileError("The recovery code does not check out: a character is wrong or missing.")
    return key


def install_key(path: Path, key: bytes) -> None:
    """Write `key` as the key file at `path` (mode 0600); never replaces an existing key file."""
    path = Path(path)
    if path.exists():
        raise KeyFileError(f"{path} exists already; move it away first if you really mean to replace it.")
    create_once(path, (base64.b64encode(key).decode("ascii") + "\n").encode("ascii"))

from __future__ import annotations

import base64
import os
import stat
import threading

import pytest

from app.storage.crypto import DataCipher, DecryptionError, KeyFileError, load_or_create_key


def test_round_trip_with_a_fresh_nonce_each_time():
    cipher = DataCipher(os.urandom(32))
    value = {"occasion": "eerste gesprek", "note": "Ще се върне"}
    first, second = cipher.encrypt(value, "record/r1"), cipher.encrypt(value, "record/r1")
    assert first != second
    assert cipher.decrypt(first, "record/r1") == cipher.decrypt(second, "record/r1") == value


def test_a_ciphertext_opens_only_for_the_entity_it_is_bound_to():
    cipher = DataCipher(os.urandom(32))
    token = cipher.encrypt({"occasion": "x"}, "record/r1")
    with pytest.raises(DecryptionError, match="record/r2"):
        cipher.decrypt(token, "record/r2")


def test_a_changed_ciphertext_or_another_key_is_refused():
    key = os.urandom(32)
    token = DataCipher(key).encrypt("secret", "case/c1")
    raw = bytearray(base64.b64decode(token))
    raw[-1] ^= 1
    with pytest.raises(DecryptionError):
        DataCipher(key).decrypt(base64.b64encode(bytes(raw)).decode(), "case/c1")
    with pytest.raises(DecryptionError):
        DataCipher(os.urandom(32)).decrypt(token, "case/c1")
    with pytest.raises(DecryptionError):
        DataCipher(key).decrypt("not base64!", "case/c1")


def test_the_key_must_be_256_bits():
    with pytest.raises(ValueError, match="32 bytes"):
        DataCipher(os.urandom(16))


def test_key_file_is_created_private_once_and_then_reused(tmp_path):
    path = tmp_path / "keys" / "data.key"
    key = load_or_create_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert load_or_create_key(path) == key
    assert [p.name for p in path.parent.iterdir()] == ["data.key"]


def test_first_runs_racing_each_other_agree_on_one_key(tmp_path):
    path, keys, start = tmp_path / "data.key", [], threading.Barrier(8)

    def load():
        start.wait()
        keys.append(load_or_create_key(path))

    threads = [threading.Thread(target=load) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(keys) == 8 and len(set(keys)) == 1


@pytest.mark.parametrize("content", ["", "too-short", base64.b64encode(os.urandom(16)).decode(), "ä" * 44])
def test_a_malformed_key_file_is_refused_and_left_alone(tmp_path, content):
    path = tmp_path / "data.key"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(KeyFileError, match="not a valid data key"):
        load_or_create_key(path)
    assert path.read_text(encoding="utf-8") == content

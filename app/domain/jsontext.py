"""JSON text for hashing and storing, written by orjson (several times faster than the standard library, which
showed as a quarter of a sync batch's CPU: revision hashes, encryption, the audit chain, database rows).

`canonical` is the text a hash is taken of: sorted keys, no spaces, UTF-8. It equals what json.dumps(value,
sort_keys=True, separators=(",", ":"), ensure_ascii=False) gives (tests/unit/test_jsontext.py), except that a
float in exponent form is written 1e-7 instead of 1e-07. Values orjson does not take (integers beyond 64 bits,
keys that are not text) go through the standard library.
"""
from __future__ import annotations

import json

import orjson


def canonical(value) -> bytes:
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compact(value) -> str:
    """JSON text without spaces, keys in their order, for storing."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)

"""The app server process's memory allocator: big blocks are given back to the system when freed.

glibc's malloc serves a block of 128 KB or more with an mmap of its own and unmaps it when it is freed. But after
freeing such a block it raises that threshold to the block's size (up to 32 MB), and from then on big blocks (an
answer of a few hundred KB, a sync batch, a page of the change feed) come from the heap, where the small
long-lived blocks allocated between them keep the freed space from being given back. Under a steady load
(bench/soak.py) the server's RSS then crept by about 0.4 MB a minute on PostgreSQL while the bytes malloc had in
use stayed flat: the growth was free memory the heap kept. Pinning the thresholds keeps big blocks out of the
heap and the heap's free top given back; with it malloc's free bytes stayed flat in the same soak (README).
"""
from __future__ import annotations

import ctypes

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # mallopt's parameter numbers (malloc.h)
MMAP_THRESHOLD = 128 * 1024  # glibc's own starting values, kept from moving
TRIM_THRESHOLD = 128 * 1024


def pin_mmap_threshold() -> bool:
    """Fix malloc's mmap threshold for this process, and its trim threshold (free memory at the top of the heap
    beyond it is given back), which the moving threshold had doubled along with it by the time the server
    starts; returns whether the C library took them (glibc does; on a C library without mallopt nothing
    changes)."""
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library this process runs on
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1 and mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1

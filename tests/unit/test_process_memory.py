"""The server pins malloc's mmap threshold (app/process_memory.py): a big block is still mapped apart from the
heap (and so given back when freed) after an even bigger one was freed, which without the pin raises the
threshold and sends the next big blocks into the heap. Each case runs in a fresh interpreter: the setting is
per process."""
from __future__ import annotations

import subprocess
import sys

from app.config import PROJECT_ROOT

PROBE = """
import ctypes, sys
from app.process_memory import pin_mmap_threshold

class MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                               "fsmblks", "uordblks", "fordblks", "keepcost")]

libc = ctypes.CDLL(None)
libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, (ctypes.c_size_t,)
libc.free.argtypes = (ctypes.c_void_p,)
libc.mallinfo2.restype = MallInfo2
if sys.argv[1] == "pinned":
    assert pin_mmap_threshold()
libc.free(libc.malloc(4 * 2**20))  # a big answer, freed
mapped = libc.mallinfo2().hblks
block = libc.malloc(512 * 2**10)  # the next big block
print(libc.mallinfo2().hblks - mapped)
libc.free(block)
"""


def mapped_apart(mode: str) -> int:
    run = subprocess.run([sys.executable, "-c", PROBE, mode], cwd=PROJECT_ROOT, capture_output=True, text=True,
                         check=True)
    return int(run.stdout)


def test_a_big_block_after_a_bigger_one_is_freed_is_mapped_apart_only_with_the_threshold_pinned():
    assert mapped_apart("pinned") == 1
    assert mapped_apart("default") == 0  # glibc raised its threshold: the block came from the heap

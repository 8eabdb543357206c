"""Health for monitoring tools (`GET /healthz`): is the store reachable, and does this server's key open it?

The answer carries no data: only whether the server can do its work, and if not a one-word reason. Two sources:

- `check_key()` of the store: a read of its key-check value, decrypted with the key this server holds. It fails
  when the store is unreachable (a database down, a data directory gone) or the key does not open it.
- `StoreHealth`, flags the rest of the server raises: today one, "the store reports a write failure for lack of
  space". Whoever catches that failure calls `out_of_space(c)`; the next successful write calls `space_ok(c)`.
  While it is raised the server answers 503, so monitoring sees a full disk before users lose work to it. Each
  health check meanwhile asks the store whether there is room again (`Store.probe_space`: a small real write, and
  on a local disk a margin of free space), so the flag clears once space returns, without waiting for a user's
  write.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from .container import Container

log = logging.getLogger(__name__)

OK = "ok"
STORE_UNAVAILABLE = "store_unavailable"
OUT_OF_SPACE = "out_of_space"


@dataclass(frozen=True)
class Health:
    ok: bool
    reason: str  # OK, STORE_UNAVAILABLE or OUT_OF_SPACE


class StoreHealth:
    """What the server learnt about its store while working (one per app; thread-safe)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._out_of_space = False

    def set_out_of_space(self, value: bool) -> bool:
        """Set the flag; returns whether it changed."""
        with self._lock:
            changed, self._out_of_space = self._out_of_space != value, value
            return changed

    @property
    def out_of_space(self) -> bool:
        with self._lock:
            return self._out_of_space


def store_health(c: Container) -> StoreHealth:
    return c.extras.setdefault("store_health", StoreHealth())


def out_of_space(c: Container) -> None:
    """The store refused a write for lack of disk space: report unhealthy until a write or a health check's probe
    succeeds again. Logged once, loudly, when it starts (not for every refused request)."""
    if store_health(c).set_out_of_space(True):
        log.critical("OUT OF DISK SPACE: the store refuses writes. Devices keep their changes and send them "
                     "again; free space on the store's disk (or database server). /healthz answers 503 until "
                     "there is room again.")


def space_ok(c: Container) -> None:
    """A write or a probe succeeded: whatever lack of space was reported is over."""
    if store_health(c).set_out_of_space(False):
        log.warning("Disk space is back: the store takes writes again.")


def check(c: Container) -> Health:
    if store_health(c).out_of_space:
        try:
            c.store.probe_space()
        except Exception as exc:  # StoreFull, or any other failure to write: not back yet
            log.info("health check: no room to write yet (%s)", type(exc).__name__)
            return Health(False, OUT_OF_SPACE)
        space_ok(c)
    try:
        c.store.check_key()
    except Exception as exc:  # any failure to read or open the store means "not healthy"
        # The type only: messages may name paths or database hosts, which the log may show, but not data.
        log.warning("health check: the store did not answer (%s)", type(exc).__name__)
        return Health(False, STORE_UNAVAILABLE)
    return Health(True, OK)

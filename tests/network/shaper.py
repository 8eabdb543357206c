"""A user-space link shaper: a TCP proxy that adds a one-way delay and a byte rate in each direction.

This machine's kernel has no `tc netem` queueing discipline, so the link is shaped here. Every direction is one
link shared by all connections, as a phone's radio is: a chunk of n bytes occupies the link for n * 8 / rate
seconds after the chunk before it, then arrives `delay` seconds later.

    python -m tests.network.shaper LISTEN_HOST LISTEN_PORT UPSTREAM_HOST UPSTREAM_PORT PROFILE

runs it until killed (the two-host tests start it inside the tablet's network namespace).
"""
from __future__ import annotations

import queue
import socket
import sys
import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    delay: float  # seconds, one way
    rate: float | None  # bits per second, each direction; None: unlimited


PROFILES = {
    "lan": Profile("LAN", 0.0, None),
    "3g": Profile("3G", 0.100, 1_600_000),
    "2g": Profile("2G/EDGE", 0.300, 256_000),
}
CHUNK = 4096  # bytes read at once: at 256 kbit/s one chunk occupies the link for 128 ms


class Link:
    """One direction: hands out the moment each chunk has crossed it."""

    def __init__(self, profile: Profile):
        self.profile = profile
        self._free_at = 0.0
        self._lock = threading.Lock()

    def arrival(self, size: int, now: float) -> float:
        if self.profile.rate is None:
            return now + self.profile.delay
        with self._lock:
            start = max(now, self._free_at)
            self._free_at = start + size * 8 / self.profile.rate
            return self._free_at + self.profile.delay


def _pump(source: socket.socket, target: socket.socket, link: Link) -> None:
    """Reads from source as fast as it comes, delivers to target when the link says it arrived, in order."""
    pending: queue.Queue = queue.Queue()

    def deliver():
        while True:
            item = pending.get()
            if item is None:
                break
            at, data = item
            wait = at - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                target.sendall(data)
            except OSError:
                break
        try:
            target.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    writer = threading.Thread(target=deliver, daemon=True)
    writer.start()
    try:
        while True:
            data = source.recv(CHUNK)
            if not data:
                break
            pending.put((link.arrival(len(data), time.monotonic()), data))
    except OSError:
        pass
    pending.put(None)
    writer.join()


def _serve_connection(client: socket.socket, upstream: tuple[str, int], up: Link, down: Link) -> None:
    try:
        server = socket.create_connection(upstream, timeout=30)
    except OSError:
        client.close()
        return
    server.settimeout(None)
    for s in (client, server):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    t = threading.Thread(target=_pump, args=(server, client, down), daemon=True)
    t.start()
    _pump(client, server, up)
    t.join()
    client.close()
    server.close()


def serve(listen: tuple[str, int], upstream: tuple[str, int], profile: Profile, ready=None) -> None:
    up, down = Link(profile), Link(profile)
    with socket.create_server(listen, reuse_port=False) as listener:
        if ready:
            ready()
        while True:
            client, _ = listener.accept()
            threading.Thread(target=_serve_connection, args=(client, upstream, up, down), daemon=True).start()


if __name__ == "__main__":
    host, port, up_host, up_port, name = sys.argv[1:6]
    serve((host, int(port)), (up_host, int(up_port)), PROFILES[name], ready=lambda: print("ready", flush=True))

"""The link shaper itself: a chunk crosses no sooner than its one-way delay, and bytes no faster than the rate.
Only lower bounds are checked, which a slow machine cannot break."""
from __future__ import annotations

import socket
import threading
import time

import pytest

from tests.network.shaper import Profile, serve

pytestmark = pytest.mark.network


def echo(conn: socket.socket) -> None:
    with conn:
        while data := conn.recv(65536):
            conn.sendall(data)


def echo_server() -> int:
    listener = socket.create_server(("127.0.0.1", 0))

    def run():
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=echo, args=(conn,), daemon=True).start()

    threading.Thread(target=run, daemon=True).start()
    return listener.getsockname()[1]


def shaped(profile: Profile) -> int:
    upstream = echo_server()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ready = threading.Event()
    threading.Thread(target=serve, args=(("127.0.0.1", port), ("127.0.0.1", upstream), profile, ready.set),
                     daemon=True).start()
    assert ready.wait(10)
    return port


def test_a_round_trip_takes_at_least_both_delays_and_bytes_at_most_the_rate():
    port = shaped(Profile("test", 0.2, 256_000))
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        started = time.monotonic()
        s.sendall(b"x")
        assert s.recv(1) == b"x"
        assert time.monotonic() - started >= 0.4  # 200 ms out, 200 ms back
        payload = b"y" * 32_000  # 256,000 bits: a second each way at 256 kbit/s
        started = time.monotonic()
        s.sendall(payload)
        received = b""
        while len(received) < len(payload):
            received += s.recv(65536)
        assert received == payload
        assert time.monotonic() - started >= 1.0 + 0.4

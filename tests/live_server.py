"""A real app server in a subprocess (`flask --app app serve`, waitress) and a small JSON client for it.

Used by the multi-server tests and by the benchmarks in bench/.
"""
from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
HEADERS = {"X-Requested-With": "safefuture", "Content-Type": "application/json", "Accept": "application/json"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


FLASK_SERVE = (sys.executable, "-m", "flask", "--app", "app", "serve")


@contextmanager
def running_server(data_dir: Path, env: dict[str, str], threads: int = 8, timeout: float = 60,
                   command: tuple[str, ...] = FLASK_SERVE) -> Iterator[str]:
    """Start a server with `env` added to this environment, its data in `data_dir`; yields its base URL.
    `command` takes the options of `flask serve`: --host, --port, --threads."""
    with server_process(data_dir, env, threads, timeout, command) as (base_url, _):
        yield base_url


@contextmanager
def server_process(data_dir: Path, env: dict[str, str], threads: int = 8, timeout: float = 60,
                   command: tuple[str, ...] = FLASK_SERVE) -> Iterator[tuple[str, subprocess.Popen]]:
    """running_server that also yields the server's process: (base URL, process)."""
    port = free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [*command, "--host", "127.0.0.1", "--port", str(port), "--threads", str(threads)],
            cwd=PROJECT_ROOT, env={**os.environ, "SAFEFUTURE_DATA_DIR": str(data_dir), **env},
            stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"The server exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"The server did not listen within {timeout} s:\n{log_path.read_text()[-3000:]}")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class ApiClient:
    """One keep-alive connection to a server (use one client per thread), sending the session cookie."""

    def __init__(self, base_url: str, cookie: str | None = None):
        parts = urlsplit(base_url)
        self._connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.cookie = cookie

    def request(self, method: str, path: str, body=None) -> tuple[int, dict | None, int]:
        """Returns (status, parsed JSON body or None, bytes received)."""
        headers = dict(HEADERS)
        if self.cookie:
            headers["Cookie"] = self.cookie
        self._connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        response = self._connection.getresponse()
        raw = response.read()
        if response.status == 200 and path == "/api/v1/session" and method == "POST":
            self.cookie = response.getheader("Set-Cookie").split(";", 1)[0]
        return response.status, json.loads(raw) if raw else None, len(raw)

    def login(self, email: str, password: str) -> "ApiClient":
        status, body, _ = self.request("POST", "/api/v1/session", {"email": email, "password": password})
        if status != 200:
            raise RuntimeError(f"Login failed with {status}: {body}")
        return self

    def close(self) -> None:
        self._connection.close()

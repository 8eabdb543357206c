"""Two hosts on one machine: a server and a tablet, each in a network namespace the test creates, joined by a
veth pair whose addresses exist only inside them.

On the server: the app (waitress, SAFEFUTURE_BEHIND_PROXY=1) on its loopback, and Debian's Caddy in front with the
project's deploy/Caddyfile for `safefuture.test`, its certificate from Caddy's internal CA. On the tablet: Debian's
Chromium, which trusts that CA through the NSS database in its own HOME and finds the name with
--host-resolver-rules; no flag that ignores certificates. Between them, optionally, the user-space link shaper
(tests/network/shaper.py) in the tablet's namespace.

Everything started here is stopped, and both namespaces deleted, when the `TwoHosts` context ends, also after a
failure. Used by tests/network and bench/field_network.py.
"""
from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

PROJECT = Path(__file__).resolve().parents[2]
DOMAIN = "safefuture.test"
SERVER_ADDRESS, TABLET_ADDRESS = "10.212.0.1", "10.212.0.2"
APP_PORT = 8000
PLAIN_HTTP_PORT = 8080  # a plain-http site on the server's address, as a careless set-up would offer
PASSWORD = "correct horse battery staple"
CHROMIUM = "/usr/bin/chromium"
# The shaped links: the tablet reaches the server through a shaper on its own loopback, one address per profile.
SHAPER_ADDRESSES = {"lan": "127.0.0.11", "3g": "127.0.0.12", "2g": "127.0.0.13"}


def _run(*argv: str) -> None:
    subprocess.run(argv, check=True, capture_output=True, timeout=60)


class TwoHosts:
    """Namespaces, link, server side (app + Caddy) and the tablet's trust store; `chromium()` gives the path of a
    Chromium that runs in the tablet's namespace."""

    def __init__(self, workdir: Path, orgs: list[dict], users: list[dict]):
        self.workdir = workdir
        tag = f"{os.getpid()}"
        self.server_ns, self.tablet_ns = f"sf{tag}s", f"sf{tag}t"
        self.veth = (f"sfv{tag}s", f"sfv{tag}t")
        self.orgs, self.users = orgs, users
        self.processes: list[subprocess.Popen] = []
        self.home = workdir / "tablet-home"
        self.https_url = f"https://{DOMAIN}"

    # --- set-up ---------------------------------------------------------------------------------------------
    def __enter__(self) -> "TwoHosts":
        try:
            self._network()
            self._app()
            self._caddy()
            self._trust_caddy()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _network(self) -> None:
        _run("ip", "netns", "add", self.server_ns)
        _run("ip", "netns", "add", self.tablet_ns)
        server_if, tablet_if = self.veth
        _run("ip", "link", "add", server_if, "netns", self.server_ns, "type", "veth", "peer", "name", tablet_if,
             "netns", self.tablet_ns)
        links = ((self.server_ns, server_if, SERVER_ADDRESS), (self.tablet_ns, tablet_if, TABLET_ADDRESS))
        for ns, interface, address in links:
            # IPv4 only: an IPv6 link-local address finishing its duplicate check a second or two after the link
            # comes up is a network change to Chromium, which then fails the requests in flight
            # (net::ERR_NETWORK_CHANGED) in the middle of a test.
            _run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                 "net.ipv6.conf.default.disable_ipv6=1")
            _run("ip", "-n", ns, "addr", "add", f"{address}/30", "dev", interface)
            _run("ip", "-n", ns, "link", "set", interface, "up")
            _run("ip", "-n", ns, "link", "set", "lo", "up")
        deadline = time.monotonic() + 10  # both ends have their carrier before anything starts to use the link
        while not all(" UP " in subprocess.run(["ip", "-n", ns, "-br", "link", "show", "dev", interface],
                                               capture_output=True, text=True).stdout for ns, interface, _ in links):
            if time.monotonic() > deadline:
                raise RuntimeError("the veth link between the two hosts did not come up within 10 s")
            time.sleep(0.05)

    def start(self, ns: str, argv: list[str], name: str, env: dict | None = None,
              ready: str | None = None, timeout: float = 60) -> subprocess.Popen:
        """Start argv inside namespace `ns`, its output in workdir/NAME.log; wait for the text `ready` there."""
        log_path = self.workdir / f"{name}.log"
        log = log_path.open("ab")
        process = subprocess.Popen(["ip", "netns", "exec", ns, *argv], cwd=PROJECT, stdout=log,
                                   stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
        log.close()
        self.processes.append(process)
        deadline = time.monotonic() + timeout
        while ready and ready not in log_path.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start:\n{log_path.read_text(errors='replace')[-3000:]}")
            time.sleep(0.1)
        return process

    def in_ns(self, ns: str, argv: list[str], **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(["ip", "netns", "exec", ns, *argv], capture_output=True, text=True, timeout=60,
                              **kwargs)

    def _app(self) -> None:
        config = self.workdir / "server.json"
        config.write_text(json.dumps({
            "port": APP_PORT, "data_dir": str(self.workdir / "data"), "store": "tinydb",
            "orgs": self.orgs, "users": self.users}), encoding="utf-8")
        self.start(self.server_ns, [sys.executable, "-m", "tests.browser.serve_app", str(config)], "app",
                   env={"SAFEFUTURE_BEHIND_PROXY": "1"}, ready="ready")
        self.wait_for_port(self.server_ns, "127.0.0.1", APP_PORT)

    def wait_for_port(self, ns: str, host: str, port: int, timeout: float = 60) -> None:
        probe = (f"import socket, time\ndeadline = time.monotonic() + {timeout}\nwhile True:\n    try:\n"
                 f"        socket.create_connection(({host!r}, {port}), timeout=1).close()\n        break\n"
                 f"    except OSError:\n        assert time.monotonic() < deadline\n        time.sleep(0.1)\n")
        result = self.in_ns(ns, [sys.executable, "-c", probe])
        if result.returncode:
            raise RuntimeError(f"nothing listens on {host}:{port} in {ns}:\n{result.stderr}")

    def caddyfile(self) -> str:
        """deploy/Caddyfile with the test's name (the install script's sed line), after global options that
        make Caddy use its internal CA (what `tls internal` does for one site) and keep its state here; plus a
        plain-http site on the server's address."""
        site = subprocess.run(["sed", f"s/safefuture\\.example\\.org/{DOMAIN}/g", str(PROJECT / "deploy/Caddyfile")],
                              check=True, capture_output=True, text=True).stdout
        site = site.replace("127.0.0.1:8000", f"127.0.0.1:{APP_PORT}")
        return (f"{{\n\tadmin off\n\tlocal_certs\n\tskip_install_trust\n\tstorage file_system {self.workdir}/caddy\n"
                f"}}\n\n{site}\n"
                f"http://{SERVER_ADDRESS}:{PLAIN_HTTP_PORT} {{\n\treverse_proxy 127.0.0.1:{APP_PORT}\n}}\n")

    def _caddy(self) -> None:
        path = self.workdir / "Caddyfile"
        path.write_text(self.caddyfile(), encoding="utf-8")
        env = {"HOME": str(self.workdir), "XDG_DATA_HOME": str(self.workdir / "xdg-data"),
               "XDG_CONFIG_HOME": str(self.workdir / "xdg-config")}
        self.start(self.server_ns, ["caddy", "run", "--adapter", "caddyfile", "--config", str(path)], "caddy",
                   env=env, ready="serving initial configuration")
        # The internal CA's root appears once Caddy has issued the site's certificate.
        self.root_ca = self.workdir / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        deadline = time.monotonic() + 30
        while not self.root_ca.exists():
            if time.monotonic() > deadline:
                raise RuntimeError("Caddy made no root certificate:\n" + (self.workdir / "caddy.log").read_text())
            time.sleep(0.1)

    def _trust_caddy(self) -> None:
        """The tablet's Chromium trusts Caddy's root through the NSS database in its HOME (certutil)."""
        nssdb = self.home / ".pki" / "nssdb"
        nssdb.mkdir(parents=True)
        _run("certutil", "-d", f"sql:{nssdb}", "-N", "--empty-password")
        _run("certutil", "-d", f"sql:{nssdb}", "-A", "-t", "C,,", "-n", "safefuture-test-root", "-i", str(self.root_ca))

    # --- the tablet --------------------------------------------------------------------------------------------
    def chromium(self) -> str:
        """An executable that runs Debian's Chromium inside the tablet's namespace with the tablet's HOME."""
        wrapper = self.workdir / "chromium-on-tablet"
        wrapper.write_text(f"#!/bin/sh\nexec ip netns exec {shlex.quote(self.tablet_ns)} env "
                           f"HOME={shlex.quote(str(self.home))} {CHROMIUM} \"$@\"\n")
        wrapper.chmod(0o755)
        return str(wrapper)

    def resolver_rule(self, profile: str | None) -> str:
        """--host-resolver-rules for the tablet: straight across the link, or through a shaper profile."""
        return f"--host-resolver-rules=MAP {DOMAIN} {SHAPER_ADDRESSES[profile] if profile else SERVER_ADDRESS}"

    def start_shaper(self, profile: str) -> None:
        """The shaper on the tablet's loopback (port 443), forwarding to Caddy across the link."""
        if getattr(self, "_shapers", None) is None:
            self._shapers = set()
        if profile in self._shapers:
            return
        self.start(self.tablet_ns, [sys.executable, "-m", "tests.network.shaper", SHAPER_ADDRESSES[profile], "443",
                                    SERVER_ADDRESS, "443", profile], f"shaper-{profile}", ready="ready")
        self._shapers.add(profile)

    # --- tear-down ------------------------------------------------------------------------------------------------
    def close(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()
        for ns in (self.tablet_ns, self.server_ns):
            # Whatever still runs inside (a browser the test did not close) goes with the namespace.
            pids = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True).stdout.split()
            for pid in pids:
                try:
                    os.kill(int(pid), 9)
                except (ProcessLookupError, ValueError):
                    pass
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def namespaces_of_this_process() -> list[str]:
    tag = f"sf{os.getpid()}"
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout.split("\n")
    return [line.split()[0] for line in listed if line.startswith(tag)]


@contextmanager
def two_hosts(orgs: list[dict], users: list[dict]) -> Iterator[TwoHosts]:
    workdir = Path(tempfile.mkdtemp(prefix="sf-two-hosts-"))
    try:
        with TwoHosts(workdir, orgs, users) as hosts:
            yield hosts
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

"""The production recipe in deploy/: systemd units that `systemd-analyze verify` accepts, the command lines in them
run by hand (there is no systemd in the test machines), and the Caddyfile as scripts/install-production writes it.
The script itself runs on a real (or chroot) Debian system, not here: it installs packages and a system user."""
from __future__ import annotations

import configparser
import json
import os
import shlex
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.live_server import free_port

PROJECT = Path(__file__).resolve().parents[2]
DEPLOY = PROJECT / "deploy"
UNITS = ("safefuture.service", "safefuture-notify-due.service", "safefuture-notify-due.timer")
PREFIX, DATA, ETC = "/opt/safefuture", "/var/lib/safefuture", "/etc/safefuture"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / name, encoding="utf-8")
    return parser


def env_file() -> dict[str, str]:
    lines = (DEPLOY / "safefuture.env").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))


def test_units_pass_systemd_analyze_verify(tmp_path):
    """Verified inside a root holding the installed paths (the ExecStart binary must exist) and Debian's units."""
    root = tmp_path / "root"
    (root / "usr/lib/systemd").mkdir(parents=True)
    shutil.copytree("/usr/lib/systemd/system", root / "usr/lib/systemd/system", symlinks=True)
    flask = root / PREFIX.lstrip("/") / "venv/bin/flask"
    flask.parent.mkdir(parents=True)
    flask.write_text("#!/bin/sh\n")
    flask.chmod(0o755)
    (root / PREFIX.lstrip("/") / "app").mkdir()
    units = root / "etc/systemd/system"
    units.mkdir(parents=True)
    for name in UNITS:
        shutil.copy(DEPLOY / name, units / name)
    result = subprocess.run(["systemd-analyze", "verify", f"--root={root}", *(str(units / n) for n in UNITS)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout == result.stderr == "", result.stdout + result.stderr


def test_units_run_the_app_on_loopback_as_the_service_user_with_the_key_outside_the_data():
    app, notify, timer = unit(UNITS[0]), unit(UNITS[1]), unit(UNITS[2])
    for service in (app, notify):
        s = service["Service"]
        assert s["User"] == s["Group"] == "safefuture"
        assert s["EnvironmentFile"] == f"{ETC}/safefuture.env" and s["WorkingDirectory"] == f"{PREFIX}/app"
        assert s["ProtectSystem"] == "strict" and s["NoNewPrivileges"] == "yes"
    assert shlex.split(app["Service"]["ExecStart"]) == [f"{PREFIX}/venv/bin/flask", "--app", "app", "serve",
                                                        "--host", "127.0.0.1", "--port", "8000"]
    assert shlex.split(notify["Service"]["ExecStart"])[-1] == "notify-due"
    assert notify["Service"]["Type"] == "oneshot"
    assert timer["Timer"]["OnCalendar"] == "*-*-* 07:00:00" and timer["Timer"]["Persistent"] == "true"
    env = env_file()
    assert env["SAFEFUTURE_DATA_DIR"] == DATA and env["SAFEFUTURE_BEHIND_PROXY"] == "1"
    assert Path(env["SAFEFUTURE_KEY_FILE"]).parent == Path(ETC)


def by_hand(command: str, tmp_path: Path, port: int) -> tuple[list[str], dict[str, str], Path]:
    """A unit's command line, environment and working directory with the installed paths mapped onto this
    checkout (its .venv and its code) and a temporary data directory and /etc/safefuture."""
    places = {f"{PREFIX}/venv": str(PROJECT / ".venv"), f"{PREFIX}/app": str(PROJECT), DATA: str(tmp_path / "data"),
              ETC: str(tmp_path / "etc"), "/var/cache/safefuture": str(tmp_path / "cache")}

    def mapped(text: str) -> str:
        for installed, here in places.items():
            text = text.replace(installed, here)
        return text

    argv = [mapped(a) for a in shlex.split(command)]
    if "--port" in argv:
        argv[argv.index("--port") + 1] = str(port)
    env = {**os.environ, **{k: mapped(v) for k, v in env_file().items()}, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    return argv, env, Path(mapped(f"{PREFIX}/app"))


def test_the_units_command_lines_serve_the_app_and_send_reminders(tmp_path):
    """What systemd would run, run by hand: the key made as the install script makes it (0600, in its own
    directory), the server answering /healthz on loopback, and notify-due run once."""
    etc = tmp_path / "etc"
    etc.mkdir(mode=0o750)
    key = subprocess.run("umask 077 && head -c 32 /dev/urandom | base64", shell=True, check=True,
                         capture_output=True).stdout
    (etc / "data.key").write_bytes(key)
    (etc / "data.key").chmod(0o600)
    (tmp_path / "data").mkdir(mode=0o700)
    port = free_port()
    argv, env, cwd = by_hand(unit(UNITS[0])["Service"]["ExecStart"], tmp_path, port)
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(argv, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200 and json.load(r) == {"status": "ok"}
                    break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()
                time.sleep(0.3)
        # The environment file says the app sits behind Caddy: the forwarded scheme reaches it through waitress.
        forwarded = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"X-Forwarded-Proto": "https"})
        with urllib.request.urlopen(forwarded, timeout=10) as r:
            assert r.headers["Strict-Transport-Security"] == "max-age=31536000"
        argv, env, cwd = by_hand(unit(UNITS[1])["Service"]["ExecStart"], tmp_path, port)
        done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
    text = (tmp_path / "server.log").read_text()
    assert "GET /healthz 200" in text  # the request log reaches standard error, hence the journal
    # The data went to the data directory and the key stayed where it was put, untouched.
    assert (tmp_path / "data" / "store" / "store.json").exists()
    assert not (tmp_path / "data" / "keys" / "data.key").exists()
    assert (etc / "data.key").read_bytes() == key


def test_the_caddyfile_as_installed_proxies_to_the_app_with_compression(tmp_path):
    """The install script's own sed line puts the domain in; Caddy's adapter reads the result."""
    installed = tmp_path / "Caddyfile"
    subprocess.run(f"sed 's/safefuture\\.example\\.org/clinic.example.net/g' {shlex.quote(str(DEPLOY / 'Caddyfile'))}"
                   f" > {shlex.quote(str(installed))}", shell=True, check=True)
    script = (PROJECT / "scripts" / "install-production").read_text(encoding="utf-8")
    assert 'sed "s/safefuture\\.example\\.org/$DOMAIN/g" "$SRC/deploy/Caddyfile"' in script
    adapted = subprocess.run(["caddy", "adapt", "--adapter", "caddyfile", "--config", str(installed)],
                             capture_output=True, text=True, timeout=60, env={**os.environ, "HOME": str(tmp_path)})
    assert adapted.returncode == 0, adapted.stderr
    config = json.loads(adapted.stdout)
    [route] = config["apps"]["http"]["servers"]["srv0"]["routes"]
    assert route["match"] == [{"host": ["clinic.example.net"]}]
    handlers = json.dumps(route)
    assert '"encodings": {"gzip": {}, "zstd": {}}' in handlers
    assert '"dial": "127.0.0.1:8000"' in handlers
    assert "tls" not in json.dumps(config["apps"]["http"]["servers"]["srv0"])  # automatic HTTPS: Let's Encrypt


def test_the_install_script_is_valid_bash_and_keeps_data_and_key_on_a_rerun():
    script = PROJECT / "scripts" / "install-production"
    assert os.access(script, os.X_OK)
    subprocess.run(["bash", "-n", str(script)], check=True)
    text = script.read_text(encoding="utf-8")
    # Rerunning never replaces the key or the configuration, and never touches the data directory's content.
    assert 'if [ ! -e "$ETC/data.key" ]' in text and 'if [ ! -e "$ETC/safefuture.env" ]' in text
    assert "rm -rf \"$DATA" not in text and "rm -rf $DATA" not in text

"""The README's set-up on Debian 13 (trixie), which has no wkhtmltopdf: a Debian 13 root is built with debootstrap
from the Debian mirror this machine's apt uses, the project is copied into it, and inside it (chroot) the
README's set-up installs what Debian 13 has, the README's test command runs the PDF tests, which then print with
WeasyPrint, and the production recipe (scripts/install-production) installs the app.

Slow (8 to 21 minutes on the project's busy 2-core machine: debootstrap 0.8–4.6, set-up 4.1–9.6, PDF tests
2.4–6.6, production recipe 0.3) and needs root and Debian's mirror:
run it with `./scripts/test -m debian13 -s` (scripts/bench runs it).
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.debian13


def debian_mirror() -> str:
    """The Debian archive this machine's apt uses (deb822 `URIs:` or a one-line `deb` entry)."""
    sources = [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*"))]
    for path in sources:
        if not path.is_file():
            continue
        for uri in re.findall(r"^(?:URIs:\s*|deb\s+(?:\[[^\]]*\]\s+)?)(\S+)", path.read_text(), re.M):
            if uri.rstrip("/").endswith("/debian"):
                return uri
    return "http://deb.debian.org/debian"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_project(target: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=PROJECT, check=True,
                           capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        source = PROJECT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def pip_environment() -> dict:
    """How pip reaches PyPI here (its index, certificates, timeout), for the chroot."""
    return {k: v for k, v in os.environ.items() if k.startswith("PIP_") and k != "PIP_FIND_LINKS"}


def test_the_set_up_and_the_pdf_tests_on_debian_13(tmp_path):
    if os.geteuid() != 0 or not shutil.which("debootstrap"):
        pytest.fail("the Debian 13 test needs root and debootstrap (scripts/setup.sh installs it)")
    root = tmp_path / "trixie"
    times = {}
    started = time.monotonic()
    subprocess.run(["debootstrap", "--variant=minbase", "--include=ca-certificates", "trixie", str(root),
                    debian_mirror()], check=True, capture_output=True, timeout=3600)
    times["debootstrap"] = time.monotonic() - started
    mounts = []
    try:
        for fstype, source, where in (("proc", "proc", "proc"), (None, "/dev", "dev"), ("tmpfs", "tmpfs", "dev/shm")):
            command = ["mount", "--bind", source] if fstype is None else ["mount", "-t", fstype, source]
            subprocess.run([*command, str(root / where)], check=True)
            mounts.append(root / where)
        shutil.copy("/etc/resolv.conf", root / "etc/resolv.conf")
        # How pip reaches PyPI here: its configuration, and the certificate authorities this machine adds
        # (a proxy on the way may present its own).
        if Path("/etc/pip.conf").is_file():
            shutil.copy("/etc/pip.conf", root / "etc/pip.conf")
        local_cas = Path("/usr/local/share/ca-certificates")
        if local_cas.is_dir():
            shutil.copytree(local_cas, root / "usr/local/share/ca-certificates", dirs_exist_ok=True)
            subprocess.run(["chroot", str(root), "update-ca-certificates"], check=True, capture_output=True,
                           env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
        project = root / "srv/safefuture"
        copy_project(project)
        # The render time limit of the PDF tests' app is raised: this test runs where the machine is busy (the
        # time limit itself has its own test, with its own limit).
        environment = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root",
                       "LANG": "C.UTF-8", "PG_PORT": str(free_port()), "SAFEFUTURE_ARTIFACTS": "/srv/artifacts",
                       "SAFEFUTURE_PDF_TIMEOUT_SECONDS": "300", **pip_environment()}
        started = time.monotonic()
        setup = subprocess.run(["chroot", str(root), "bash", "-c", "cd /srv/safefuture && ./scripts/setup.sh"],
                               env=environment, capture_output=True, text=True, timeout=3600)
        times["set-up"] = time.monotonic() - started
        assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
        # Left out at once (the package lists say Debian 13 has none), or after apt-get refused it.
        assert re.search(r"^Not available (in this Debian release, left out|here): wkhtmltopdf$", setup.stdout,
                         re.M), setup.stdout[-2000:]
        started = time.monotonic()
        tests = subprocess.run(["chroot", str(root), "bash", "-c",
                                "cd /srv/safefuture && ./scripts/test tests/pdf -q -rs -p no:cacheprovider"],
                               env=environment, capture_output=True, text=True, timeout=3600)
        times["PDF tests"] = time.monotonic() - started
        output = tests.stdout + tests.stderr
        assert tests.returncode == 0, output[-5000:]
        # pytest's last line on standard output (the set-up's apt messages come after it on standard error).
        summary = next(line for line in reversed(tests.stdout.splitlines()) if re.search(r"\d+ (passed|failed)", line))
        passed = int(re.search(r"(\d+) passed", summary).group(1))
        skips = re.findall(r"^SKIPPED \[\d+\] (.*)$", output, re.M)
        # Every test that renders ran with WeasyPrint; the only ones left out are wkhtmltopdf's, for its absence.
        assert passed >= 15 and "failed" not in summary and "error" not in summary, summary
        assert skips and all("wkhtmltopdf is not installed here" in skip for skip in skips), skips
        assert not (root / "usr/bin/wkhtmltopdf").exists()
        # The production recipe in the same system (no systemd in a chroot: it installs and starts nothing).
        started = time.monotonic()
        production = subprocess.run(["chroot", str(root), "bash", "-c",
                                     "cd /srv/safefuture && ./scripts/install-production safefuture.example.org && "
                                     "cd / && /opt/safefuture/venv/bin/python -c 'import app, weasyprint'"],
                                    env=environment, capture_output=True, text=True, timeout=3600)
        times["production recipe"] = time.monotonic() - started
        assert production.returncode == 0, production.stdout[-3000:] + production.stderr[-3000:]
        assert "WeasyPrint prints the PDFs" in production.stdout, production.stdout[-2000:]
        assert (root / "etc/caddy/Caddyfile").read_text().count("safefuture.example.org") >= 1
    finally:
        for where in reversed(mounts):
            subprocess.run(["umount", "-l", str(where)], check=False)
        print("Debian 13: " + ", ".join(f"{step} {seconds / 60:.1f} min" for step, seconds in times.items()))
    shutil.rmtree(root, ignore_errors=True)

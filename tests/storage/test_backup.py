"""Backups: `flask backup` copies a running server's TinyDB store while writers go on, `flask restore` puts it
into an empty data directory, and the copy holds every write acknowledged before the backup began, a valid audit
trail, and never the data key. PostgreSQL is backed up with the pg_dump/pg_restore lines of the README."""
from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from app import create_app
from app.domain.access import Scope
from app.domain.audit import first_broken_link
from app.services import accounts
from app.storage.crypto import KeyFileError, key_from_recovery_code, load_or_create_key, recovery_code
from tests.conftest import PASSWORD, overzicht1
from tests.live_server import PROJECT_ROOT, ApiClient, running_server

ORG = "backup-org"
EMAIL = "anna@backup-org.example.org"
WRITERS = 4


def flask(data_dir: Path, *args: str, stdin: str | None = None, key_file: Path | None = None,
          env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "SAFEFUTURE_DATA_DIR": str(data_dir), **(env or {})}
    if key_file:
        environment["SAFEFUTURE_KEY_FILE"] = str(key_file)
    return subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=PROJECT_ROOT, input=stdin,
                          capture_output=True, text=True, env=environment, timeout=120)


def open_data_dir(data_dir: Path, key_file: Path | None = None):
    return create_app({"DATA_DIR": data_dir, "KEY_FILE": key_file}).extensions["safefuture"]


def write_until_stopped(base_url: str, cookie: str, worker: int, stop: threading.Event, acks: list) -> None:
    """Create records and revise them, noting (time acknowledged, record id, rev) for every 200/201."""
    client = ApiClient(base_url, cookie)
    case_id = str(uuid.uuid4())
    status, body, _ = client.request("POST", "/api/v1/cases", {"id": case_id, "client_code": f"BK-{worker}",
                                                                "country_of_origin": "NG"})
    assert status == 201, body
    n = 0
    while not stop.is_set():
        record_id, base = str(uuid.uuid4()), None
        for edit in range(2):
            status, body, _ = client.request("PUT", f"/api/v1/records/{record_id}", {
                "case_id": case_id, "form_id": "overzicht-1", "form_version": 1, "status": "draft",
                "data": {**overzicht1(), "occasion": f"writer {worker} record {n} edit {edit}"}, "base_rev": base})
            assert status in (200, 201), body
            acks.append((time.monotonic(), record_id, body["rev"]))
            base = body["rev"]
        n += 1
    client.close()


def wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the writers did not get that far in time"
        time.sleep(0.05)


@pytest.mark.slow
def test_a_backup_taken_while_four_writers_run_restores_every_acknowledged_record(tmp_path):
    source = tmp_path / "source"
    assert flask(source, "create-org", ORG, "--name", "Backup org", "--country", "NL",
                 "--kind", "counselling").returncode == 0
    assert flask(source, "create-user", EMAIL, "--org", ORG, "--role", "counsellor",
                 stdin=PASSWORD + "\n").returncode == 0
    key_file = source / "keys" / "data.key"

    with running_server(source, {}) as url:
        cookie = ApiClient(url).login(EMAIL, PASSWORD).cookie
        stop, acks = threading.Event(), []
        writers = [threading.Thread(target=write_until_stopped, args=(url, cookie, w, stop, acks))
                   for w in range(WRITERS)]
        for writer in writers:
            writer.start()
        wait_for(lambda: len(acks) > 20)  # a loaded machine writes slower: wait for writes, not for time
        backup_began = time.monotonic()
        result = flask(source, "backup", str(tmp_path / "backup"))
        backup_ended = time.monotonic()
        wait_for(lambda: acks[-1][0] > backup_ended)  # writes after the backup go on
        stop.set()
        for writer in writers:
            writer.join()
    assert result.returncode == 0, result.stderr
    before = [(record_id, rev) for at, record_id, rev in acks if at < backup_began]
    after = [ack for ack in acks if ack[0] > backup_ended]
    assert len(before) > 20 and after, "the writers must write before and after the backup"

    # The backup holds no key, in any file.
    key_text = key_file.read_bytes().strip()
    raw_key = base64.b64decode(key_text)
    for path in (tmp_path / "backup").rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert key_text not in content and raw_key not in content, path

    # Restore into a new data directory that has the key (as an operator brings it from its own safe place).
    target = tmp_path / "restored"
    (target / "keys").mkdir(parents=True)
    shutil.copy(key_file, target / "keys" / "data.key")
    restored = flask(target, "restore", str(tmp_path / "backup"))
    assert restored.returncode == 0, restored.stderr
    check = flask(target, "verify-audit")
    assert check.returncode == 0 and "audit chain intact" in check.stdout, check.stderr

    c = open_data_dir(target)
    heads = {record_id: state for record_id, state in
             c.store.get_records([record_id for record_id, _ in before]).items()}
    for record_id, rev in before:  # record by record: there, and holding the acknowledged revision
        assert record_id in heads, f"record {record_id} acknowledged before the backup is missing"
        assert rev in [r.rev for r in c.store.record_history(record_id)], f"revision {rev} of {record_id} is missing"
    assert first_broken_link(c.store.audit_events()) is None
    assert {case.client_code for case in c.store.list_cases(Scope(org_ids=frozenset({ORG})))} == {f"BK-{w}" for w in range(WRITERS)}


def test_restore_refuses_a_data_directory_that_holds_a_store(tmp_path):
    source = tmp_path / "source"
    assert flask(source, "first-run").returncode == 0
    assert flask(source, "backup", str(tmp_path / "backup")).returncode == 0
    result = flask(source, "restore", str(tmp_path / "backup"))
    assert result.returncode == 1 and "not an empty folder" in result.stderr
    assert open_data_dir(source).store.list_orgs()  # untouched


def test_a_backup_goes_only_into_an_empty_folder(tmp_path):
    source = tmp_path / "source"
    assert flask(source, "first-run").returncode == 0
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("keep me")
    result = flask(source, "backup", str(tmp_path / "busy"))
    assert result.returncode == 1 and "not an empty folder" in result.stderr
    assert (tmp_path / "busy" / "notes.txt").read_text() == "keep me"


def test_restore_without_the_key_names_the_missing_file_and_creates_no_key(tmp_path):
    source = tmp_path / "source"
    assert flask(source, "first-run").returncode == 0
    assert flask(source, "backup", str(tmp_path / "backup")).returncode == 0
    target = tmp_path / "target"
    result = flask(target, "restore", str(tmp_path / "backup"))
    assert result.returncode == 1
    assert str(target / "keys" / "data.key") in result.stderr and "missing" in result.stderr
    assert not (target / "keys" / "data.key").exists() and not (target / "store").exists()


def test_restore_with_another_key_is_refused_and_leaves_nothing(tmp_path):
    source = tmp_path / "source"
    assert flask(source, "first-run").returncode == 0
    assert flask(source, "backup", str(tmp_path / "backup")).returncode == 0
    target = tmp_path / "target"
    load_or_create_key(target / "keys" / "data.key")  # a different, new key
    result = flask(target, "restore", str(tmp_path / "backup"))
    assert result.returncode == 1 and "does not open this backup" in result.stderr
    assert not (target / "store").exists()


def test_a_damaged_backup_is_refused(tmp_path):
    source = tmp_path / "source"
    assert flask(source, "first-run").returncode == 0
    assert flask(source, "backup", str(tmp_path / "backup")).returncode == 0
    users = tmp_path / "backup" / "store" / "users.json"
    users.write_bytes(users.read_bytes().replace(b"{", b"{ ", 1))
    target = tmp_path / "target"
    (target / "keys").mkdir(parents=True)
    shutil.copy(source / "keys" / "data.key", target / "keys" / "data.key")
    result = flask(target, "restore", str(tmp_path / "backup"))
    assert result.returncode == 1 and "damaged" in result.stderr and "users.json" in result.stderr
    assert not (target / "store").exists()


def test_a_missing_key_file_stops_the_server_naming_the_file_instead_of_making_a_new_key(tmp_path):
    data = tmp_path / "data"
    assert flask(data, "first-run").returncode == 0
    key_file = data / "keys" / "data.key"
    key_file.unlink()
    result = flask(data, "serve", "--port", "1")
    assert result.returncode == 2 and str(key_file) in result.stderr and "missing" in result.stderr
    assert not key_file.exists()
    assert "Traceback" not in result.stderr


def test_the_recovery_code_rebuilds_the_key_and_a_typing_error_is_refused(tmp_path):
    data = tmp_path / "data"
    assert flask(data, "first-run").returncode == 0
    printed = flask(data, "key-recovery-code")
    assert printed.returncode == 0
    code = printed.stdout.strip()
    key = load_or_create_key(data / "keys" / "data.key")
    assert key_from_recovery_code(code) == key == key_from_recovery_code(code.lower().replace("-", " "))
    typo = code[:5] + ("A" if code[5] != "A" else "B") + code[6:]
    with pytest.raises(KeyFileError, match="does not check out"):
        key_from_recovery_code(typo)

    (data / "keys" / "data.key").unlink()
    assert flask(data, "import-key", stdin=code + "\n").returncode == 0
    assert load_or_create_key(data / "keys" / "data.key") == key
    assert open_data_dir(data).store.list_orgs()  # the rebuilt key opens the store
    again = flask(data, "import-key", stdin=recovery_code(os.urandom(32)) + "\n")
    assert again.returncode == 2 and "exists already" in again.stderr


@pytest.mark.postgres
def test_the_readme_pg_dump_and_pg_restore_lines_copy_a_postgresql_store(tmp_path):
    """The commands of the README's "Backups" section, run as written there, restore an equal store."""
    from app.storage.crypto import DataCipher
    from app.storage.migration import verify
    from app.storage.postgresql_store import PostgreSQLStore
    from tests.postgres import temporary_database
    from tests.storage.test_migration import fill

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    dump_line = next(line for line in readme.splitlines() if line.startswith("pg_dump "))
    restore_line = next(line for line in readme.splitlines() if line.startswith("pg_restore "))
    key = DataCipher(load_or_create_key(tmp_path / "data.key"))
    with temporary_database() as source_url, temporary_database() as target_url:
        source = PostgreSQLStore(source_url, key)
        fill(source)
        env = {**os.environ, "SAFEFUTURE_STORE": source_url, "BACKUP": str(tmp_path / "safefuture.dump")}
        subprocess.run(["bash", "-c", dump_line], env=env, check=True, timeout=120)
        env["SAFEFUTURE_STORE"] = target_url
        subprocess.run(["bash", "-c", restore_line], env=env, check=True, timeout=120)
        target = PostgreSQLStore(target_url, key)
        try:
            assert all(check.matches for check in verify(source, target))
            assert first_broken_link(target.audit_events()) is None
            assert target.get_record("rec-0") == source.get_record("rec-0")
        finally:
            source.close()
            target.close()

"""Flask CLI commands (ARCHITECTURE §8): serve, create-org, create-user; verify-audit, notify-due,
migrate-to-postgresql, backup and restore."""
from __future__ import annotations

import getpass
import logging
import secrets
import sys
from pathlib import Path

import click
from flask import current_app

from .domain.errors import Invalid
from .services import accounts, audit, handovers, monitoring, push


def _fail(e: Invalid) -> None:
    click.echo(f"Error: {e.message}", err=True)
    for err in e.errors:
        click.echo(f"  {err['path'] or '/'}: {err['message']}", err=True)
    sys.exit(2)


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != first:
            click.echo("Error: the passwords differ.", err=True)
            sys.exit(2)
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _container():
    """The app's services with the store open, or a one-line error (missing key, damaged store) and exit 2."""
    from .storage.base import CorruptStore
    from .storage.crypto import KeyFileError

    c = current_app.extensions["safefuture"]
    try:
        c.store
    except (CorruptStore, KeyFileError, ValueError) as e:
        click.echo(f"Error: {e}", err=True)
        sys.exit(2)
    return c


def register(app) -> None:
    @app.cli.command("backup")
    @click.argument("dest", type=click.Path(path_type=Path))
    def backup(dest: Path):
        """Copy the whole store into DEST (a new or empty folder) while the server runs; never the data key.

        Writes wait while the files are copied. Keep the key file apart from backups (README, "Backups").
        """
        from .storage.backup import BackupError, backup_store
        from .storage.tinydb_store import TinyDBStore

        store = _container().store
        if not isinstance(store, TinyDBStore):
            click.echo("Error: this command backs up the embedded store. Back up PostgreSQL with pg_dump (see the "
                       "README, \"Backups\").", err=True)
            sys.exit(2)
        try:
            summary = backup_store(store, dest, current_app.config["KEY_FILE"])
        except (BackupError, OSError) as e:
            click.echo(f"Error: {e}", err=True)
            sys.exit(1)
        click.echo(f"Backed up {summary.files} files ({summary.cases} cases, {summary.bytes:,} bytes) to {dest}. "
                   f"The data key ({current_app.config['KEY_FILE']}) is not in it: keep it apart.")

    @app.cli.command("restore")
    @click.argument("src", type=click.Path(path_type=Path, exists=True, file_okay=False))
    def restore(src: Path):
        """Restore a backup made by 'backup' into this data directory, which must hold no store yet.

        The data key the backed-up store was made with must be in place (SAFEFUTURE_KEY_FILE) first.
        """
        from .storage.backup import BackupError, restore_store
        from .storage.crypto import DataCipher, KeyFileError, load_or_create_key
        from .storage.tinydb_store import TinyDBStore

        if current_app.config["STORE"] != "tinydb":
            click.echo("Error: this command restores the embedded store. Restore PostgreSQL with pg_restore (see "
                       "the README, \"Backups\").", err=True)
            sys.exit(2)
        key_file = current_app.config["KEY_FILE"]

        def open_copy(path: Path) -> TinyDBStore:
            return TinyDBStore(path, DataCipher(load_or_create_key(key_file, store=f"the backup in {src}")))

        try:
            summary = restore_store(src, current_app.config["DATA_DIR"] / "store", open_copy)
        except (BackupError, KeyFileError, OSError) as e:
            click.echo(f"Error: {e}", err=True)
            sys.exit(1)
        click.echo(f"Restored {summary.files} files ({summary.cases} cases) into "
                   f"{current_app.config['DATA_DIR'] / 'store'}. Run 'verify-audit' before starting the server.")

    @app.cli.command("key-recovery-code")
    def key_recovery_code():
        """Print the data key as a recovery code, to keep on paper apart from the server and its backups."""
        from .storage.crypto import KeyFileError, load_or_create_key, recovery_code

        key_file = current_app.config["KEY_FILE"]
        try:
            key = load_or_create_key(key_file, store="this data directory")
        except KeyFileError as e:
            click.echo(f"Error: {e}", err=True)
            sys.exit(2)
        click.echo(recovery_code(key))
        click.echo(f"This code is the data key ({key_file}). Whoever has it and a copy of the store can read "
                   "every case: keep it on paper, locked away, never beside the backups.", err=True)

    @app.cli.command("import-key")
    def import_key():
        """Rebuild the data key file from its recovery code, read from standard input."""
        from .storage.crypto import KeyFileError, install_key, key_from_recovery_code

        key_file = current_app.config["KEY_FILE"]
        try:
            install_key(key_file, key_from_recovery_code(sys.stdin.readline()))
        except KeyFileError as e:
            click.echo(f"Error: {e}", err=True)
            sys.exit(2)
        click.echo(f"Wrote the data key to {key_file}.")

    @app.cli.command("serve")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=5000, show_default=True, type=int)
    @click.option("--threads", default=8, show_default=True, type=int)
    def serve(host: str, port: int, threads: int):
        """Run the production WSGI server (waitress)."""
        from waitress import serve as waitress_serve

        from .pdf import start as start_pdf_engine
        from .process_memory import pin_mmap_threshold
        from .web import waitress_options

        _container()  # a missing key or a damaged store stops the server here, not at the first request
        pin_mmap_threshold()  # big blocks go back to the system when freed: no creeping RSS under load
        # Warm before the first printout.
        start_pdf_engine(current_app.config.get("PDF_ENGINE"), current_app.config["PDF_PROCESSES"])

        # One line per request (web/request_log.py) and the server's warnings, on standard error.
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
        click.echo(f"Safe Future on http://{host}:{port}/ (data in {current_app.config['DATA_DIR']})")
        # The app itself, not the `current_app` proxy: waitress calls it from its own threads, outside this
        # command's application context.
        app = current_app._get_current_object()
        waitress_serve(app, host=host, port=port, threads=threads, ident="safefuture", **waitress_options(app))

    @app.cli.command("first-run")
    def first_run():
        """On an empty data directory: create a demo organisation and a coordinator, and print the password."""
        c = _container()
        if c.store.list_orgs():
            return
        password = secrets.token_urlsafe(12)
        accounts.create_org(c, "demo", "Demo shelter", "NL", "counselling", accounts.org_created(c, None, via="cli"))
        user = accounts.create_user(c, "coordinator@example.org", "demo", "coordinator", password,
                                    accounts.user_created(c, None, via="cli"))
        click.echo("First run: created organisation 'demo' and the coordinator account")
        click.echo(f"    e-mail:   {user.email}\n    password: {password}")
        click.echo("Create real organisations and users with 'flask --app app create-org' and 'create-user'.")

    @app.cli.command("create-org")
    @click.argument("org_id")
    @click.option("--name", required=True)
    @click.option("--country", required=True, help="ISO 3166-1 alpha-2, e.g. NL")
    @click.option("--kind", required=True, type=click.Choice(["counselling", "partner"]))
    def create_org(org_id: str, name: str, country: str, kind: str):
        """Create an organisation."""
        c = _container()
        try:
            org = accounts.create_org(c, org_id, name, country.upper(), kind, accounts.org_created(c, None, via="cli"))
        except Invalid as e:
            _fail(e)
        click.echo(f"Created organisation {org.id} ({org.kind}, {org.country}).")

    @app.cli.command("create-user")
    @click.argument("email")
    @click.option("--org", "org_id", required=True)
    @click.option("--role", required=True, type=click.Choice(["counsellor", "coordinator", "partner", "admin"]))
    def create_user(email: str, org_id: str, role: str):
        """Create a user; the password is read from standard input."""
        password = _read_password()
        c = _container()
        try:
            user = accounts.create_user(c, email, org_id, role, password, accounts.user_created(c, None, via="cli"))
        except Invalid as e:
            _fail(e)
        click.echo(f"Created user {user.email} ({user.role} at {user.org_id}).")

    @app.cli.command("verify-audit")
    @click.option("--anchor", "noted", metavar="SEQ:HASH",
                  help="an anchor this command printed earlier: also check that the trail still holds that event")
    def verify_audit(noted):
        """Check the audit trail's hash chain; exit 1 at the first broken link, or when the trail no longer holds
        the event of an anchor noted earlier (the chain alone cannot show that its end was cut off)."""
        try:
            result = audit.verify(_container(), noted)
        except ValueError as e:
            click.echo(f"Error: {e}", err=True)
            sys.exit(2)
        if result["broken"] is not None:
            click.echo(f"audit chain broken at event {result['broken']}", err=True)
            sys.exit(1)
        if result["anchor_problem"]:
            click.echo(f"audit trail does not match the anchor: {result['anchor_problem']}", err=True)
            sys.exit(1)
        click.echo(f"audit chain intact: {result['count']} events")
        if result["anchor"]:
            click.echo(f"anchor: {result['anchor']}  (keep this line outside the server; pass it as --anchor later)")

    @app.cli.command("notify-due")
    def notify_due():
        """Daily: remind both organisations of monitoring items that are due, and tell partner devices about
        consents that expired."""
        c = _container()
        expired = handovers.expire(c)
        reminders = monitoring.notify_due(c)
        push.sender(c).wait_idle(timeout=c.config["PUSH_TIMEOUT_SECONDS"] * 3)
        click.echo(f"{reminders} monitoring reminders, {expired} expired consents")

    @app.cli.command("migrate-to-postgresql")
    @click.argument("url")
    def migrate_to_postgresql(url: str):
        """Copy this data directory's TinyDB store into an empty PostgreSQL database and verify the copy.

        URL is a postgresql:// URL; keep the password out of it (use PGPASSWORD or ~/.pgpass). Stop the app
        servers first: writes wait while the copy runs, and a server still on TinyDB afterwards writes there.
        """
        import psycopg

        from .storage.base import CorruptStore
        from .storage.crypto import DataCipher, load_or_create_key
        from .storage.migration import TargetNotEmpty, migrate
        from .storage.postgresql_store import PostgreSQLStore
        from .storage.tinydb_store import TinyDBStore

        source = _container().store
        if not isinstance(source, TinyDBStore):
            click.echo("Error: the configured store is not TinyDB; run this with SAFEFUTURE_STORE=tinydb (the "
                       "default) and the data directory to copy.", err=True)
            sys.exit(2)
        try:
            target = PostgreSQLStore(url, DataCipher(load_or_create_key(current_app.config["KEY_FILE"])))
        except (psycopg.OperationalError, CorruptStore) as e:
            click.echo(f"Error: cannot open the PostgreSQL store: {e}", err=True)
            sys.exit(2)
        try:
            with source.exclusive():
                checks = migrate(source, target)
        except TargetNotEmpty as e:
            click.echo(f"Error: {e}", err=True)
            sys.exit(2)
        finally:
            target.close()
        click.echo("| table | rows in TinyDB | rows in PostgreSQL | checksum (sha256, first 16) | match |")
        click.echo("|---|---:|---:|---|---|")
        for check in checks:
            checksum = check.source_checksum[:16] if check.matches else (
                f"{check.source_checksum[:16]} vs {check.target_checksum[:16]}")
            click.echo(f"| {check.table} | {check.source_rows} | {check.target_rows} | {checksum} | "
                       f"{'yes' if check.matches else 'NO'} |")
        if not all(check.matches for check in checks):
            click.echo("Error: the copy differs from the source (see the table). Do not switch to it.", err=True)
            sys.exit(1)
        click.echo(f"Copied and verified. Now run every app server with SAFEFUTURE_STORE set to this URL and "
                   f"the same data key ({current_app.config['KEY_FILE']}).")

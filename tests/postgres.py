"""The PostgreSQL server the tests use: SAFEFUTURE_TEST_PG (scripts/test starts a throwaway one and sets it).

In CI (CI=true) a missing server fails the PostgreSQL tests; elsewhere they are skipped with the reason.
Each test gets a database or schema of its own, dropped afterwards, so a configured server keeps no traces.
"""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from typing import Iterator

import psycopg
import pytest
from psycopg import sql
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit


def server_url() -> str:
    url = os.environ.get("SAFEFUTURE_TEST_PG")
    if url:
        return url
    reason = "SAFEFUTURE_TEST_PG is not set: run scripts/test, which starts a PostgreSQL server for the tests"
    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        pytest.fail(reason + " (in CI the PostgreSQL tests must run, not skip)")
    pytest.skip(reason)


def _url(url: str, dbname: str | None = None, **params: str) -> str:
    """`url` (a postgresql:// URL, as SAFEFUTURE_STORE takes) with another database or extra parameters."""
    parts = urlsplit(url)
    query = urlencode([*parse_qsl(parts.query), *params.items()], quote_via=quote)
    return urlunsplit(parts._replace(path=f"/{dbname}" if dbname else parts.path, query=query))


@contextmanager
def temporary_database(admin: str | None = None) -> Iterator[str]:
    """A fresh, empty database on the server at `admin` (default: the test server); yields its URL and drops
    it afterwards."""
    admin = admin or server_url()
    name = f"safefuture_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield _url(admin, dbname=name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def temporary_schema() -> Iterator[str]:
    """A fresh schema in the test server's database (much quicker than a database); yields a URL whose
    search_path puts the store's tables there, and drops the schema afterwards."""
    admin = server_url()
    name = f"safefuture_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
    try:
        yield _url(admin, options=f"-c search_path={name}")
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))

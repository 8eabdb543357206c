"""The PostgreSQL tests never skip in CI: without SAFEFUTURE_TEST_PG they fail there, and skip (saying why)
only outside CI."""
import pytest

from tests.postgres import server_url


def test_in_ci_a_missing_server_fails_the_postgresql_tests(monkeypatch):
    monkeypatch.delenv("SAFEFUTURE_TEST_PG", raising=False)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="in CI the PostgreSQL tests must run"):
        server_url()


def test_outside_ci_a_missing_server_skips_them_with_the_reason(monkeypatch):
    monkeypatch.delenv("SAFEFUTURE_TEST_PG", raising=False)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="run scripts/test"):
        server_url()


def test_a_configured_server_is_used(monkeypatch):
    monkeypatch.setenv("SAFEFUTURE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    assert server_url() == "postgresql://postgres@127.0.0.1:5432/postgres"

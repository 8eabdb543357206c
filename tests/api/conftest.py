"""Fixtures for the API tests."""
import pytest

from app.services import accounts
from tests.api.partners import FAST_HASHER


@pytest.fixture
def fast_passwords(monkeypatch):
    monkeypatch.setattr(accounts, "_hasher", FAST_HASHER)

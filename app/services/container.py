"""What the services need, built once per app: the store, the form registry, the clock."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from ..domain.forms import FormRegistry
from ..storage.base import Store
from ..storage.factory import open_store


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Container:
    store: Store
    forms: FormRegistry
    config: dict
    now: Callable[[], str] = utc_now
    extras: dict = field(default_factory=dict)


def build_container(config) -> Container:
    return Container(store=open_store(config), forms=FormRegistry(config["FORMS_DIR"]), config=config)

"""What the services need, built once per app: the store, the form registry, the clock."""
from __future__ import annotations

import threading
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
    """The store opens on first use, not when the app is built: `restore` must run on an empty data directory
    without creating a store (or a key) there first. `serve` opens it before listening, so a missing key or a
    damaged store still stops the server at start."""
    open_store: Callable[[], Store]
    forms: FormRegistry
    config: dict
    now: Callable[[], str] = utc_now
    extras: dict = field(default_factory=dict)
    _store: Store | None = field(default=None, init=False, repr=False)
    _opening: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def store(self) -> Store:
        if self._store is None:
            with self._opening:
                if self._store is None:
                    self._store = self.open_store()
        return self._store


def build_container(config) -> Container:
    return Container(open_store=lambda: open_store(config), forms=FormRegistry(config["FORMS_DIR"]), config=config)

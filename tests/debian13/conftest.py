"""The Debian 13 test runs only when asked for by its marker (`-m debian13`): it takes many minutes and
downloads a Debian system."""
from __future__ import annotations


def pytest_collection_modifyitems(config, items):
    if "debian13" in (config.getoption("markexpr") or ""):
        return
    chosen = [item for item in items if item.get_closest_marker("debian13") is None]
    if len(chosen) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in chosen])
        items[:] = chosen

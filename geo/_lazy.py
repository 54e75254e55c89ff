"""Package re-exports imported on first use (PEP 562), so importing one light submodule doesn't import them all.

``geo.io.schemas`` or ``geo.spatial.geodesy`` pulled in pandas and geopandas through their packages' ``__init__``:
about 0.3 s of every ``incmap locate``, which needs neither.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable


def lazy_exports(package: str, exports: dict[str, str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``: ``exports`` maps each name to the submodule defining it."""

    def __getattr__(name: str) -> object:
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{exports[name]}"), name)

    def __dir__() -> list[str]:
        return sorted(exports)

    return __getattr__, __dir__

"""Reproducible folium output: element ids drawn from a seed instead of the OS's random source.

Every branca/folium element gets a 32-hex-digit id when it is created (branca 0.8.2
``Element._generate_id`` returns ``hexlify(urandom(16))``; folium's ``utilities.deep_copy``, used by
``plugins.DualMap``, calls ``uuid.uuid4()``). The ids end up in JavaScript variable names and HTML ids,
so two renders of the same map differ. Inside ``deterministic_ids(seed)`` both draw from
``sha256(seed, n)`` for n = 0, 1, 2..., so building and rendering the same map the same way gives
byte-identical HTML, in any process.

Build *and* render inside the block: elements created while rendering (colormap legends, plugin
links) take ids too. The patch is process-wide for the block's duration, so blocks are serialised
with a lock (a nested block in the same thread is allowed and starts its own sequence).
"""

from __future__ import annotations

import hashlib
import itertools
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

import branca.element
import folium.utilities

__all__ = ["deterministic_ids", "id_sequence"]

_LOCK = threading.RLock()


def id_sequence(seed: str) -> Iterator[str]:
    """The ids ``deterministic_ids(seed)`` hands out: 32 lowercase hex digits each, like branca's own."""
    for n in itertools.count():
        yield hashlib.sha256(f"incmap-id\x00{seed}\x00{n}".encode()).hexdigest()[:32]


@contextmanager
def deterministic_ids(seed: str) -> Iterator[None]:
    """Within the block, new branca/folium element ids come from ``seed`` and a counter."""
    ids = id_sequence(str(seed))
    element_cls = branca.element.Element
    with _LOCK:
        saved_generate = element_cls.__dict__["_generate_id"]
        saved_uuid = folium.utilities.uuid

        def _generate_id(cls) -> str:
            return next(ids)

        element_cls._generate_id = classmethod(_generate_id)
        folium.utilities.uuid = SimpleNamespace(uuid4=lambda: uuid.UUID(hex=next(ids)))
        try:
            yield
        finally:
            element_cls._generate_id = saved_generate
            folium.utilities.uuid = saved_uuid

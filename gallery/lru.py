"""A process's own bounded copies of rendered HTML: pages (`views/_caching.py`) and
fragments (`fragments.py`) keep their most recently used entries here, in front of Redis."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any


class BoundedLRU:
    """A thread-safe least-recently-used map of at most `size` entries (web threads share it)."""

    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict[str, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        found = {}
        with self.lock:
            for key in keys:
                value = self.items.get(key)
                if value is not None:
                    self.items.move_to_end(key)
                    found[key] = value
        return found

    def get(self, key: str) -> Any | None:
        return self.get_many([key]).get(key)

    def put_many(self, values: dict[str, Any]) -> None:
        with self.lock:
            for key, value in values.items():
                self.items[key] = value
                self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def put(self, key: str, value: Any) -> None:
        self.put_many({key: value})

    def discard(self, key: str) -> None:
        with self.lock:
            self.items.pop(key, None)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()

"""Provider backends, chosen by name and imported on first use.

Importing a backend only when a chain needs it keeps the `openai` client (and its
HTTP stack) out of processes that run the offline provider, and lets a dotted path
name any module with a `build(snapshot) -> ProviderSet` function (benchmarks use
this for a stand-in that sleeps like a remote API).
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from importlib import import_module

from .base import ProviderError, ProviderSet
from .timed import TimedRole

BACKEND_MODULES = {
    "local": "chains.providers.local",
    "openai": "chains.providers.openai",
}

UNKNOWN_BACKEND = "Unknown provider backend {name!r}; choose one of: {choices}."


def backend_module(name: str):
    """Import the module for a backend name or dotted path."""
    path = BACKEND_MODULES.get(name, name)
    if "." not in path:
        raise ProviderError(
            UNKNOWN_BACKEND.format(name=name, choices=", ".join(BACKEND_MODULES)), permanent=True
        )
    try:
        return import_module(path)
    except ImportError as exc:
        raise ProviderError(
            UNKNOWN_BACKEND.format(name=name, choices=", ".join(BACKEND_MODULES)), permanent=True
        ) from exc


def build_providers(name: str, snapshot: dict | None = None) -> ProviderSet:
    """Build a backend's providers, overriding its settings with a chain's snapshot."""
    return _cached_build(name, _freeze(snapshot or {}))


@lru_cache(maxsize=32)
def _cached_build(name: str, frozen_snapshot: tuple) -> ProviderSet:
    """Clients are reused per process: they hold connection pools worth keeping.
    Their roles are wrapped so every call is clocked and holds no database connection."""
    built = backend_module(name).build(dict(frozen_snapshot))
    return replace(built, captioner=TimedRole(built.captioner), painter=TimedRole(built.painter),
                   embedder=TimedRole(built.embedder), moderator=TimedRole(built.moderator))


def _freeze(snapshot: dict) -> tuple:
    return tuple(sorted((key, _hashable(value)) for key, value in snapshot.items()))


def _hashable(value):
    if isinstance(value, dict):
        return _freeze(value)
    if isinstance(value, list):
        return tuple(_hashable(item) for item in value)
    return value


def clear_provider_cache() -> None:
    """Tests change settings between cases; cached clients must not outlive them."""
    _cached_build.cache_clear()


__all__ = ["ProviderError", "ProviderSet", "build_providers", "clear_provider_cache"]

"""Provider backends, chosen per role and imported on first use.

Each role (caption, image, embedding, moderation) names its own backend with
TELEPHONE_CAPTIONER / _PAINTER / _EMBEDDER / _MODERATOR, falling back to
TELEPHONE_PROVIDER, so captions can come from a local vision model while pictures
come from OpenAI. A chain keeps a flat snapshot of what each role used
(`caption_backend`, `caption_server`, `caption_model`, `image_size`, ...), never a
secret, and is always rebuilt from it, so a chain keeps the models it started with.

A backend module offers `role_config(role) -> dict` (its settings for that role) and
`build_role(role, config)`. A module that only has `build(snapshot) -> ProviderSet`
(benchmark and test stand-ins, named by dotted path) fills every role itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module

from django.conf import settings

from .base import ProviderError, ProviderSet
from .timed import TimedRole

ROLES = ("caption", "image", "embedding", "moderation")
ROLE_ATTRIBUTE = {"caption": "captioner", "image": "painter", "embedding": "embedder", "moderation": "moderator"}
ROLE_SETTING = {
    "caption": "TELEPHONE_CAPTIONER",
    "image": "TELEPHONE_PAINTER",
    "embedding": "TELEPHONE_EMBEDDER",
    "moderation": "TELEPHONE_MODERATOR",
}
BACKEND_MODULES = {
    "local": "chains.providers.local",
    "openai": "chains.providers.openai",
    "a1111": "chains.providers.a1111",
    "comfyui": "chains.providers.comfyui",
    "none": "chains.providers.unscreened",
}
NO_SCREENING = "none"

UNKNOWN_BACKEND = "Unknown provider backend {name!r}; choose one of: {choices}."
ROLE_NOT_SERVED = "The {name!r} backend cannot fill the {role} role; it serves: {served}."


def backend_module(name: str):
    """Import the module for a backend name or dotted path."""
    path = BACKEND_MODULES.get(name, name)
    choices = ", ".join(BACKEND_MODULES)
    if "." not in path:
        raise ProviderError(UNKNOWN_BACKEND.format(name=name, choices=choices), permanent=True)
    try:
        return import_module(path)
    except ImportError as exc:
        raise ProviderError(UNKNOWN_BACKEND.format(name=name, choices=choices), permanent=True) from exc


def configured_backend(role: str) -> str:
    """The backend settings name for a role, falling back to TELEPHONE_PROVIDER."""
    return getattr(settings, ROLE_SETTING[role], "") or settings.TELEPHONE_PROVIDER


def role_backends(provider: str | None = None, snapshot: dict | None = None) -> dict[str, str]:
    """Who fills each role: the chain's snapshot, else one backend for all, else settings."""
    snapshot = snapshot or {}
    return {role: snapshot.get(f"{role}_backend") or provider or configured_backend(role) for role in ROLES}


def screening_enabled(snapshot: dict | None = None) -> bool:
    """False only when moderation was explicitly turned off (TELEPHONE_MODERATOR=none)."""
    if snapshot is not None and snapshot.get("moderation_backend"):
        return snapshot["moderation_backend"] != NO_SCREENING
    return configured_backend("moderation") != NO_SCREENING


# --- snapshots --------------------------------------------------------------------------


def role_config_from(snapshot: dict, role: str) -> dict:
    """One role's part of a flat snapshot; the shared `base_url` of older chains still counts."""
    prefix = f"{role}_"
    config = {
        key[len(prefix) :]: value
        for key, value in snapshot.items()
        if key.startswith(prefix) and key != f"{role}_backend"
    }
    if "base_url" not in config and snapshot.get("base_url"):
        config["base_url"] = snapshot["base_url"]
    return config


def _role_config(module, role: str, stored: dict) -> dict:
    """Settings for the role, overridden by what the chain recorded (the snapshot wins)."""
    served = getattr(module, "ROLES", ROLES)
    if role not in served:
        raise ProviderError(
            ROLE_NOT_SERVED.format(name=module.__name__, role=role, served=", ".join(served)), permanent=True
        )
    current = module.role_config(role)
    # What the chain recorded wins, empty values included: an option left empty when the
    # chain started must not be filled in by whatever the settings say today.
    config = {**current, **{key: value for key, value in stored.items() if value is not None}}
    complete = getattr(module, "complete_config", None)
    return complete(config, recorded=stored) if complete else config


@dataclass(frozen=True)
class Resolved:
    """Which backend and configuration fills each role, before any client is built."""

    name: str
    snapshot: dict
    backends: dict
    configs: dict


def resolve_role(role: str, provider: str | None = None, snapshot: dict | None = None) -> tuple[str, dict | None]:
    """One role's backend and configuration, importing only that role's backend.

    The configuration is None for a module that fills every role itself (`build`).
    """
    snapshot = snapshot or {}
    name = role_backends(provider, snapshot)[role]
    module = backend_module(name)
    if not hasattr(module, "build_role"):
        return name, None
    return name, _role_config(module, role, role_config_from(snapshot, role))


def resolve(provider: str | None = None, snapshot: dict | None = None) -> Resolved:
    """The snapshot a chain records (or was recorded): backends, servers, models, options."""
    snapshot = snapshot or {}
    backends = role_backends(provider, snapshot)
    merged, configs = {}, {}
    for role, name in backends.items():
        _, config = resolve_role(role, provider, snapshot)
        if config is not None:
            configs[role] = config
            merged.update({f"{role}_{key}": value for key, value in configs[role].items()})
        else:
            built = _cached_legacy(name, _freeze(snapshot))
            for key, value in built.snapshot.items():
                if key != "backend":
                    merged.setdefault(key, value)
        merged[f"{role}_backend"] = name
    return Resolved(name=summary_name(backends), snapshot=merged, backends=backends, configs=configs)


def current_snapshot(provider: str | None = None) -> Resolved:
    """What a chain started now would record; builds no client, so it never fails on a key."""
    return resolve(provider)


# --- building ---------------------------------------------------------------------------


def build_role(role: str, provider: str | None = None, snapshot: dict | None = None):
    """Just one role, wrapped as `build_providers` wraps it, importing only its backend."""
    name, config = resolve_role(role, provider, snapshot)
    if config is None:
        return TimedRole(getattr(_cached_legacy(name, _freeze(snapshot or {})), ROLE_ATTRIBUTE[role]))
    return TimedRole(_cached_role(name, role, _freeze(config)))


def build_providers(provider: str | None = None, snapshot: dict | None = None) -> ProviderSet:
    """Build every role, each from its own backend, as the snapshot (or settings) say.

    Each role is wrapped so every call is clocked and holds no database connection.
    """
    resolved = resolve(provider, snapshot)
    return ProviderSet(
        name=resolved.name,
        snapshot=resolved.snapshot,
        **{ROLE_ATTRIBUTE[role]: build_role(role, provider, snapshot) for role in ROLES},
    )


def summary_name(backends: dict[str, str]) -> str:
    """One word for lists and filters: the backend, or "captioner+painter" when they differ."""
    caption, image = backends["caption"], backends["image"]
    return caption if caption == image else f"{caption}+{image}"


@lru_cache(maxsize=64)
def _cached_role(name: str, role: str, frozen_config: tuple):
    """Clients are reused per process: they hold connection pools worth keeping."""
    return backend_module(name).build_role(role, _thaw(frozen_config))


@lru_cache(maxsize=32)
def _cached_legacy(name: str, frozen_snapshot: tuple) -> ProviderSet:
    return backend_module(name).build(_thaw(frozen_snapshot))


def _freeze(mapping: dict) -> tuple:
    return tuple(sorted((key, _hashable(value)) for key, value in mapping.items()))


def _hashable(value):
    if isinstance(value, dict):
        return ("__dict__", _freeze(value))
    if isinstance(value, list):
        return ("__list__", tuple(_hashable(item) for item in value))
    return value


def _thaw(frozen: tuple) -> dict:
    return {key: _unhash(value) for key, value in frozen}


def _unhash(value):
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "__dict__":
        return _thaw(value[1])
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "__list__":
        return [_unhash(item) for item in value[1]]
    return value


def clear_provider_cache() -> None:
    """Tests change settings between cases; cached clients must not outlive them."""
    _cached_role.cache_clear()
    _cached_legacy.cache_clear()


__all__ = [
    "NO_SCREENING",
    "ROLES",
    "ProviderError",
    "ProviderSet",
    "Resolved",
    "build_providers",
    "build_role",
    "clear_provider_cache",
    "configured_backend",
    "current_snapshot",
    "resolve",
    "resolve_role",
    "role_backends",
    "screening_enabled",
]

"""The OpenAI backend: the official client, for OpenAI and any OpenAI-compatible server.

Each role gets its own server (`OPENAI_<ROLE>_BASE_URL` / `_API_KEY`, falling back
to `OPENAI_BASE_URL` / `OPENAI_API_KEY`), so Ollama, vLLM, LM Studio, llama.cpp's
server, LocalAI or vLLM-Omni can fill one role while OpenAI fills another. Requests
are built from the model catalogue: GPT image models get no `response_format` or
`style`, reasoning models get `max_completion_tokens`, unknown models on a
self-hosted server get only the parameters every such server takes.

The client never retries by itself (`max_retries=0`): captions, embeddings and
moderation are retried here with jittered backoff, while image generation is
billable and is retried only by the task layer, which first checks whether the step
already has its picture.

This module is named `openai`, but absolute imports mean `import openai` below is
the real client package, imported under another name so the code reads clearly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable, TypeVar

import openai as openai_sdk
from django.conf import settings
from django.utils import timezone

from .. import costs
from . import catalogue
from .base import PaintRequest, PaintResult, ProviderError
from .download import ImageDownloader
from .endpoints import SELF_HOSTED, endpoint_kind, server_host
from .http import deadline_client
from .openai_checks import SETTINGS, role_problems
from .openai_errors import to_provider_error
from .openai_images import decode_base64_image
from .problems import first_error
from .retrying import RetryPolicy

T = TypeVar("T")

BACKEND_NAME = "openai"
ROLES = ("caption", "image", "embedding", "moderation")
# Self-hosted servers take any key (or none); the client insists on one.
NO_KEY_NEEDED = "no-key-needed"

MISSING_API_KEY = "The OpenAI backend needs OPENAI_API_KEY (or OPENAI_{upper}_API_KEY) for {server}."
NO_IMAGE_RETURNED = "The image model answered without an image."
CONFIGURATION_REFUSED = "{message} {hint}"

TIMEOUT_SETTING = {
    "caption": "OPENAI_CAPTION_TIMEOUT",
    "image": "OPENAI_IMAGE_TIMEOUT",
    "embedding": "OPENAI_EMBEDDING_TIMEOUT",
    "moderation": "OPENAI_MODERATION_TIMEOUT",
}
# Image options read from settings -> request parameter names.
IMAGE_OPTIONS = {
    "size": "size",
    "quality": "quality",
    "style": "style",
    "background": "background",
    "output_format": "output_format",
    "moderation_level": "moderation",
    "response_format": "response_format",
}


# --- Configuration --------------------------------------------------------------------


def role_setting(role: str, name: str) -> str:
    """`OPENAI_<ROLE>_<NAME>`, falling back to the shared `OPENAI_<NAME>` (base URL, key)."""
    return getattr(settings, f"OPENAI_{role.upper()}_{name}", "") or getattr(settings, f"OPENAI_{name}", "") or ""


def role_api_key(role: str) -> str:
    """The role's own key; the shared OPENAI_API_KEY only while the role uses the shared server.

    A role sent to another server (an Ollama on the LAN) must not carry the OpenAI key
    there: that host would receive a secret it has no business seeing.
    """
    own = getattr(settings, f"OPENAI_{role.upper()}_API_KEY", "") or ""
    if own:
        return own
    own_server = getattr(settings, f"OPENAI_{role.upper()}_BASE_URL", "") or ""
    if own_server and own_server != (settings.OPENAI_BASE_URL or ""):
        return ""
    return settings.OPENAI_API_KEY or ""


def role_config(role: str) -> dict:
    """What a chain records for the role: server, model and options; never the key."""
    base_url = role_setting(role, "BASE_URL")
    config = {key: getattr(settings, name, "") or "" for key, name in SETTINGS[role].items()}
    config.update(base_url=base_url, server=server_host(base_url), endpoint=classify(base_url))
    return config


def classify(base_url: str) -> str:
    return endpoint_kind(
        base_url,
        self_hosted_hosts=tuple(settings.TELEPHONE_SELF_HOSTED_HOSTS),
        paid_hosts=tuple(settings.TELEPHONE_PAID_HOSTS),
    )


def complete_config(config: dict, *, recorded: dict) -> dict:
    """Server and endpoint kind follow the base URL a chain recorded, when it recorded no kind."""
    if "endpoint" in recorded or "base_url" not in recorded:
        return config
    base_url = recorded["base_url"]
    return {**config, "server": server_host(base_url), "endpoint": classify(base_url)}


def problems(role: str, config: dict, today):
    return role_problems(role, config, today, has_key=bool(role_api_key(role)))


def today() -> date:
    """The date shutdowns are judged against; tests move it to check past behaviour."""
    return timezone.now().date()


def refuse_if_unusable(role: str, config: dict) -> None:
    """Raise before any request a configuration the checks reject (a retired model...)."""
    problem = first_error(role_problems(role, config, today()))
    if problem is not None:
        raise ProviderError(
            CONFIGURATION_REFUSED.format(message=problem.message, hint=problem.hint).strip(), permanent=True
        )


# --- Building -------------------------------------------------------------------------


def build_role(role: str, config: dict):
    """One role on its own server; the registry caches it per configuration."""
    from .openai_captioner import OpenAICaptioner
    from .openai_text import OpenAIEmbedder, OpenAIModerator

    client = make_client(role, config)
    timeout = getattr(settings, TIMEOUT_SETTING[role])
    if role == "image":
        downloader = ImageDownloader(server_url=config.get("base_url") or "", deadline=settings.OPENAI_DOWNLOAD_TIMEOUT)
        return OpenAIPainter(client, config=config, timeout=timeout, downloader=downloader)
    retry = RetryPolicy(attempts=settings.OPENAI_RETRY_ATTEMPTS)
    role_class = {"caption": OpenAICaptioner, "embedding": OpenAIEmbedder, "moderation": OpenAIModerator}[role]
    return role_class(client, config=config, timeout=timeout, retry=retry)


def make_client(role: str, config: dict) -> openai_sdk.OpenAI:
    """Each call's `timeout=` becomes its overall deadline in the transport (`http.py`)."""
    api_key = role_api_key(role)
    if not api_key:
        if config.get("endpoint") != SELF_HOSTED:
            raise ProviderError(
                MISSING_API_KEY.format(upper=role.upper(), server=config.get("server", "")),
                permanent=True,
                kind="config",
            )
        api_key = NO_KEY_NEEDED
    http = deadline_client(timeout=getattr(settings, TIMEOUT_SETTING[role]), follow_redirects=True)
    return openai_sdk.OpenAI(api_key=api_key, base_url=config.get("base_url") or None, max_retries=0, http_client=http)


def list_models(role: str, config: dict, *, timeout: float) -> list[str]:
    """The model ids the role's server lists at /v1/models, for `providers_check`."""
    client = make_client(role, config)
    try:
        page = guarded(lambda: client.models.list(timeout=timeout))
        return [model.id for model in page.data]
    finally:
        client.close()


def model_listed(config: dict, listed: list[str]) -> bool:
    """Listed as configured, or as Ollama names it (`:latest`), or under a gateway's prefix."""
    wanted = config.get("model", "")
    return any(name in (wanted, f"{wanted}:latest") or name.rsplit("/", 1)[-1] == wanted for name in listed)


def close(role) -> None:
    """Release a role's pooled connections early; normally the registry keeps them per process."""
    role.client.close()
    downloader = getattr(role, "downloader", None)
    if downloader is not None:
        downloader.close()


def guarded(call: Callable[[], T]) -> T:
    """Run one client call, letting only ProviderError out."""
    try:
        return call()
    except openai_sdk.OpenAIError as exc:
        raise to_provider_error(exc) from exc


@dataclass
class RetriedRole:
    """A role whose calls are free to repeat, so transient failures are retried here."""

    client: openai_sdk.OpenAI
    config: dict
    timeout: float
    retry: RetryPolicy

    @property
    def model(self) -> str:
        return self.config.get("model", "")

    @property
    def endpoint(self) -> str:
        return self.config.get("endpoint", "")


# --- Painting -------------------------------------------------------------------------


@dataclass
class OpenAIPainter:
    """Never retries: every accepted request is an image someone pays for.

    A `url` answer is returned as it is, not fetched: the engine records the URL in
    its ledger first, then calls `fetch`, so a failed download is fetched again
    from the same URL instead of paying for another picture.
    """

    client: openai_sdk.OpenAI
    config: dict
    timeout: float
    downloader: ImageDownloader
    spec: catalogue.ModelSpec = field(init=False)
    params: dict = field(init=False)

    def __post_init__(self):
        self.spec = catalogue.lookup(self.model, role="image")
        self.params = image_params(self.spec, self.config)

    @property
    def model(self) -> str:
        return self.config.get("model", "")

    @property
    def prompt_limit(self) -> int | None:
        return self.spec.prompt_limit

    def paint(self, request: PaintRequest) -> PaintResult:
        refuse_if_unusable("image", self.config)
        self_hosted = self.config.get("endpoint") == SELF_HOSTED
        extra = {"seed": request.seed} if self.spec.accepts("seed") and self_hosted else {}
        response = guarded(
            lambda: self.client.images.generate(
                model=self.model,
                prompt=request.prompt,
                n=1,
                timeout=self.timeout,
                **self.params,
                **({"extra_body": extra} if extra else {}),
            )
        )
        picture = response.data[0] if response.data else None
        if picture is None or not (picture.b64_json or picture.url):
            raise ProviderError(NO_IMAGE_RETURNED, permanent=False, kind="bad_answer")
        image = decode_base64_image(picture.b64_json) if picture.b64_json else b""
        return self._result(response, picture, image)

    def fetch(self, url: str) -> bytes:
        """The picture a `url` answer points at (see `download.ImageDownloader`)."""
        return self.downloader.fetch(url)

    def _result(self, response, picture, image: bytes) -> PaintResult:
        usage = response.usage.model_dump(exclude_none=True) if getattr(response, "usage", None) else {}
        used = recorded_params(self.params, response)
        charge = costs.charge_image(
            model=self.model,
            endpoint=self.config.get("endpoint", ""),
            quality=used.get("quality", ""),
            size=used.get("size", ""),
            usage=usage,
        )
        return PaintResult(
            image=image,
            url="" if image else picture.url,
            model=self.model,
            revised_prompt=picture.revised_prompt or "",
            request_id=response._request_id or "",
            params=used,
            usage=usage,
            cost=charge.cost,
            price_source=charge.source,
            estimated=charge.estimated,
        )


def image_params(spec: catalogue.ModelSpec, config: dict) -> dict:
    """The options this model accepts, from the configured ones.

    Retired DALL·E models are asked for base64 so no expiring URL has to be fetched;
    GPT image models always answer in base64 and refuse `response_format`; unknown
    models (on a compatible server) get the size, plus `response_format` only when
    the operator set one (LocalAI answers with a URL unless asked for base64).
    """
    params = {}
    for key, name in IMAGE_OPTIONS.items():
        value = config.get(key)
        if value and spec.accepts(name):
            params[name] = value
    if spec.family == catalogue.LEGACY_IMAGE:
        params["response_format"] = "b64_json"
    return params


def recorded_params(sent: dict, response) -> dict:
    """What the step records: what was asked, corrected by what the answer says it made."""
    used = {key: value for key, value in sent.items() if key in ("size", "quality", "style", "output_format")}
    for key in ("size", "quality", "output_format"):
        reported = getattr(response, key, None)
        if reported:
            used[key] = reported
    return used


# --- Small shared helpers -------------------------------------------------------------


def usage_of(response) -> dict:
    """The answer's `usage` block as the server sent it (plus `model` when it names another)."""
    usage = getattr(response, "usage", None)
    return usage.model_dump(exclude_none=True) if usage is not None else {}


def usage_count(usage: dict, field_name: str) -> int:
    return int(usage.get(field_name) or 0)

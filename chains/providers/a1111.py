"""Pictures from an AUTOMATIC1111 / Forge / SD.Next web UI, through its `--api`.

One `POST /sdapi/v1/txt2img` per picture, with the chain's seed so a chain can be
painted again the same way. The answer is `{"images": [base64...], "parameters",
"info"}`, `info` being a JSON string that names the seed used and the checkpoint
that actually painted. The web UI silently ignores an `sd_model_checkpoint` it does
not know and paints with whatever is loaded, so the answer's checkpoint is compared
with the one asked for, and a mismatch fails the step instead of drifting quietly.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings

from .. import costs
from .base import PaintRequest, PaintResult, ProviderError
from .endpoints import GATEWAY, SELF_HOSTED, server_host
from .native_http import NativeClient
from .problems import BAD_SETTING_ID, MISSING_SERVER_ID, error

ROLES = ("image",)
SERVICE = "AUTOMATIC1111"
TXT2IMG = "/sdapi/v1/txt2img"
SD_MODELS = "/sdapi/v1/sd-models"
DEFAULT_MODEL = "a1111-loaded-checkpoint"

NO_SERVER = "TELEPHONE_PAINTER=a1111 needs A1111_BASE_URL, e.g. http://127.0.0.1:7860."
NO_SERVER_HINT = "Start the web UI with --api and set A1111_BASE_URL to its address."
BAD_SIZE = "A1111_WIDTH and A1111_HEIGHT must be positive multiples of 8 (got {width}x{height})."
BAD_STEPS = "A1111_STEPS must be between 1 and 150 (got {steps})."
NO_IMAGES = "AUTOMATIC1111 answered without an image."
UNREADABLE = "AUTOMATIC1111 sent image data that is not valid base64."
CHECKPOINT_IGNORED = (
    "AUTOMATIC1111 painted with {used!r}, not the requested checkpoint {wanted!r}: it ignores a checkpoint "
    "it does not know. Pick a title from /sdapi/v1/sd-models for A1111_CHECKPOINT."
)


def role_config(role: str) -> dict:
    base_url = settings.A1111_BASE_URL or ""
    return {
        "model": settings.A1111_CHECKPOINT or "",
        "base_url": base_url,
        "server": server_host(base_url) if base_url else "",
        "endpoint": endpoint_for(base_url),
        "steps": settings.A1111_STEPS,
        "sampler": settings.A1111_SAMPLER or "",
        "scheduler": settings.A1111_SCHEDULER or "",
        "cfg_scale": settings.A1111_CFG_SCALE,
        "width": settings.A1111_WIDTH,
        "height": settings.A1111_HEIGHT,
        "negative_prompt": settings.A1111_NEGATIVE_PROMPT or "",
    }


def endpoint_for(base_url: str) -> str:
    """An operator's own GPU box: free unless its host is listed as paid."""
    server = server_host(base_url) if base_url else ""
    paid = {host.lower() for host in settings.TELEPHONE_PAID_HOSTS}
    return GATEWAY if server and (server.lower() in paid or server.split(":")[0].lower() in paid) else SELF_HOSTED


def problems(role: str, config: dict, today) -> list:
    found = []
    if not config.get("base_url"):
        found.append(error(role, NO_SERVER, hint=NO_SERVER_HINT, id=MISSING_SERVER_ID))
    width, height = int(config.get("width") or 0), int(config.get("height") or 0)
    if width <= 0 or height <= 0 or width % 8 or height % 8:
        found.append(error(role, BAD_SIZE.format(width=width, height=height), id=BAD_SETTING_ID))
    steps = int(config.get("steps") or 0)
    if not 1 <= steps <= 150:
        found.append(error(role, BAD_STEPS.format(steps=steps), id=BAD_SETTING_ID))
    return found


def build_role(role: str, config: dict) -> A1111Painter:
    auth = tuple(settings.A1111_API_AUTH.split(":", 1)) if settings.A1111_API_AUTH else None
    client = NativeClient(
        service=SERVICE,
        base_url=config.get("base_url", ""),
        server=config.get("server", ""),
        timeout=settings.A1111_TIMEOUT,
        detail=error_detail,
        auth=auth,
    )
    return A1111Painter(client=client, config=config)


def error_detail(body: object) -> str:
    """A1111 wraps errors as {"error", "detail", "body", "errors"}; FastAPI's own as {"detail"}."""
    if not isinstance(body, dict):
        return str(body or "").strip()
    detail = body.get("detail")
    if isinstance(detail, list):  # request validation: [{"loc": [...], "msg": ...}]
        return "; ".join(
            f"{'.'.join(str(part) for part in item.get('loc', []))}: {item.get('msg', '')}"
            for item in detail
            if isinstance(item, dict)
        )
    return str(detail or body.get("errors") or body.get("error") or "").strip()


def checkpoint_stem(name: str) -> str:
    """ "SDXL/sd_xl_base_1.0.safetensors [31e35c80fc]" -> "sd_xl_base_1.0", as `info` names it."""
    title = name.split(" [", 1)[0].strip()
    stem = PurePath(title.replace("\\", "/")).name
    for suffix in (".safetensors", ".ckpt", ".pt", ".gguf"):
        if stem.endswith(suffix):
            return stem[: -len(suffix)]
    return stem


@dataclass
class A1111Painter:
    client: NativeClient
    config: dict
    prompt_limit: int | None = field(default=None)  # the web UI splits long prompts into chunks itself

    @property
    def model(self) -> str:
        return self.config.get("model") or DEFAULT_MODEL

    def paint(self, request: PaintRequest) -> PaintResult:
        answer = self.client.post_json(TXT2IMG, txt2img_body(self.config, request))
        images = answer.get("images") if isinstance(answer, dict) else None
        if not images:
            raise ProviderError(NO_IMAGES, permanent=False)
        info = parse_info(answer.get("info"))
        self._refuse_other_checkpoint(info)
        used_model = info.get("sd_model_name") or self.model
        charge = costs.charge_image(model=used_model, endpoint=self.config.get("endpoint", SELF_HOSTED))
        return PaintResult(
            image=decode(images[0]),
            model=used_model,
            request_id=f"a1111-{info.get('job_timestamp', '')}-{info.get('seed', request.seed)}",
            params={
                "size": f"{self.config['width']}x{self.config['height']}",
                "steps": self.config["steps"],
                "sampler": info.get("sampler_name") or self.config.get("sampler", ""),
                "cfg_scale": self.config["cfg_scale"],
                "seed": info.get("seed", request.seed),
            },
            usage={
                key: info[key] for key in ("seed", "sd_model_name", "sd_model_hash", "job_timestamp") if key in info
            },
            cost=charge.cost,
            price_source=charge.source,
            estimated=charge.estimated,
        )

    def _refuse_other_checkpoint(self, info: dict) -> None:
        wanted, used = self.config.get("model", ""), info.get("sd_model_name", "")
        if wanted and used and checkpoint_stem(wanted) != checkpoint_stem(used):
            raise ProviderError(CHECKPOINT_IGNORED.format(used=used, wanted=wanted), permanent=True)


def txt2img_body(config: dict, request: PaintRequest) -> dict:
    body = {
        "prompt": request.prompt,
        "negative_prompt": config.get("negative_prompt", ""),
        "seed": request.seed,
        "steps": int(config["steps"]),
        "cfg_scale": float(config["cfg_scale"]),
        "width": int(config["width"]),
        "height": int(config["height"]),
        "sampler_name": config.get("sampler") or "Euler a",
        "batch_size": 1,
        "n_iter": 1,
        "send_images": True,
        "save_images": False,
    }
    if config.get("scheduler"):
        body["scheduler"] = config["scheduler"]
    if config.get("model"):
        body["override_settings"] = {"sd_model_checkpoint": config["model"]}
        body["override_settings_restore_afterwards"] = True
    return body


def parse_info(raw) -> dict:
    """`info` is a JSON document inside a string; a malformed one just tells us nothing."""
    if isinstance(raw, dict):
        return raw
    try:
        parsed = json.loads(raw or "{}")
    except (TypeError, ValueError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def decode(data: str) -> bytes:
    if data.startswith("data:image/"):
        data = data.split(",", 1)[1]
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise ProviderError(UNREADABLE, permanent=False) from None


def list_models(role: str, config: dict, *, timeout: float = 10.0) -> list[str]:
    """Checkpoint titles the web UI can load, for `providers_check`."""
    client = NativeClient(
        service=SERVICE,
        base_url=config.get("base_url", ""),
        server=config.get("server", ""),
        timeout=timeout,
        detail=error_detail,
    )
    try:
        listed = client.get_json(SD_MODELS)
    finally:
        client.close()
    return [item.get("title", "") for item in listed if isinstance(item, dict)] if isinstance(listed, list) else []


def model_listed(config: dict, listed: list[str]) -> bool:
    wanted = config.get("model", "")
    return not wanted or checkpoint_stem(wanted) in {checkpoint_stem(title) for title in listed}

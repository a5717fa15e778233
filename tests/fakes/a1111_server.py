"""A fake AUTOMATIC1111 web UI started with `--api`, as its `modules/api/api.py` answers.

- `POST /sdapi/v1/txt2img` -> {"images": [base64 PNG], "parameters": <the request>,
  "info": "<JSON string: seed, all_seeds, sd_model_name, sd_model_hash, job_timestamp ...>"};
- validation errors are FastAPI's 422 {"detail": [{"loc", "msg", "type"}]};
- an unknown sampler is 404 {"error": "HTTPException", "detail": "Sampler not found", ...};
- with `api_auth` set, a request without those Basic credentials is 401;
- quirk: an unknown `override_settings.sd_model_checkpoint` is dropped silently and the
  loaded checkpoint paints (processing.py pops the override it cannot resolve);
- `GET /sdapi/v1/sd-models`, `/sdapi/v1/samplers`, `/sdapi/v1/options` list what it has.
Pictures depend on the prompt and the seed only, as a fixed-seed diffusion run does.
"""

from __future__ import annotations

import base64
import json
import time

from .compat import painted_png
from .harness import FakeServer, RecordedRequest, ScriptedResponse

TXT2IMG = "/sdapi/v1/txt2img"
SD_MODELS = "/sdapi/v1/sd-models"
SAMPLERS = "/sdapi/v1/samplers"
OPTIONS = "/sdapi/v1/options"
CHECKPOINTS = {
    "sd_xl_base_1.0.safetensors [31e35c80fc]": "sd_xl_base_1.0",
    "v1-5-pruned-emaonly.safetensors [6ce0161689]": "v1-5-pruned-emaonly",
}
SAMPLER_NAMES = ("Euler a", "Euler", "DPM++ 2M", "DPM++ 2M SDE", "DDIM", "UniPC")
INTEGER_FIELDS = ("steps", "width", "height", "seed", "batch_size", "n_iter")


def a1111_error(status: int, detail: str, name: str = "HTTPException") -> ScriptedResponse:
    return ScriptedResponse(status=status, json={"error": name, "detail": detail, "body": "", "errors": ""})


class FakeA1111Server(FakeServer):
    name = "a1111"

    def __init__(self, *, loaded: str = "sd_xl_base_1.0.safetensors [31e35c80fc]", api_auth: str | None = None):
        super().__init__()
        self.loaded = loaded
        self.api_auth = api_auth  # "user:password", as --api-auth takes it

    def route(self, request: RecordedRequest) -> ScriptedResponse:
        if (
            self.api_auth
            and request.headers.get("authorization") != "Basic " + base64.b64encode(self.api_auth.encode()).decode()
        ):
            return ScriptedResponse(
                status=401, json={"detail": "Not authenticated"}, headers={"WWW-Authenticate": "Basic"}
            )
        if request.method == "GET" and request.path == SD_MODELS:
            return ScriptedResponse(
                json=[
                    {
                        "title": title,
                        "model_name": name,
                        "hash": title[-11:-1],
                        "sha256": None,
                        "filename": f"/models/Stable-diffusion/{name}.safetensors",
                        "config": None,
                    }
                    for title, name in CHECKPOINTS.items()
                ]
            )
        if request.method == "GET" and request.path == SAMPLERS:
            return ScriptedResponse(json=[{"name": name, "aliases": [], "options": {}} for name in SAMPLER_NAMES])
        if request.method == "GET" and request.path == OPTIONS:
            return ScriptedResponse(json={"sd_model_checkpoint": self.loaded, "samples_format": "png"})
        if request.method == "POST" and request.path == TXT2IMG:
            return self._txt2img(request.body if isinstance(request.body, dict) else {})
        return ScriptedResponse(status=404, json={"detail": "Not Found"})

    def _txt2img(self, body: dict) -> ScriptedResponse:
        invalid = [
            {"loc": ["body", name], "msg": "value is not a valid integer", "type": "type_error.integer"}
            for name in INTEGER_FIELDS
            if name in body and not isinstance(body[name], int)
        ]
        if invalid:
            return ScriptedResponse(status=422, json={"detail": invalid})
        sampler = body.get("sampler_name") or body.get("sampler_index") or "Euler"
        if sampler not in SAMPLER_NAMES:
            return a1111_error(404, "Sampler not found")
        requested = (body.get("override_settings") or {}).get("sd_model_checkpoint")
        checkpoint = requested if requested in CHECKPOINTS else self.loaded  # the quirk: unknown ones are dropped
        seed = body.get("seed", -1)
        if seed == -1:
            seed = int(time.time()) % 2**31
        width, height = body.get("width", 512), body.get("height", 512)
        picture = painted_png(body.get("prompt", ""), seed, (min(width, 64), min(height, 64)))
        info = {
            "prompt": body.get("prompt", ""),
            "all_prompts": [body.get("prompt", "")],
            "seed": seed,
            "all_seeds": [seed],
            "width": width,
            "height": height,
            "sampler_name": sampler,
            "cfg_scale": body.get("cfg_scale", 7.0),
            "steps": body.get("steps", 20),
            "sd_model_name": CHECKPOINTS[checkpoint],
            "sd_model_hash": checkpoint[-11:-1],
            "job_timestamp": time.strftime("%Y%m%d%H%M%S"),
            "infotexts": [""],
        }
        return ScriptedResponse(
            json={"images": [base64.b64encode(picture).decode("ascii")], "parameters": body, "info": json.dumps(info)}
        )

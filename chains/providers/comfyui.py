"""Pictures from ComfyUI, running an operator's own workflow.

COMFYUI_WORKFLOW names a workflow exported in API format (a JSON object of nodes,
each with `class_type` and `inputs`), with the string "{{prompt}}" where the prompt
goes (alone or inside a longer text) and "{{seed}}" as a whole value where the seed
goes. Per picture: `POST /prompt` with the filled workflow and a client id, which
answers a `prompt_id`; `GET /history/<prompt_id>`, which answers `{}` until the run
ends, then its outputs and status; `GET /view?filename=&subfolder=&type=` for the
picture. A workflow ComfyUI rejects (400 with `node_errors`) fails the step with
the node's own complaint.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from .. import costs
from .a1111 import endpoint_for
from .base import PaintRequest, PaintResult, ProviderError
from .endpoints import SELF_HOSTED, server_host
from .native_http import NativeClient
from .problems import BAD_WORKFLOW_ID, MISSING_SERVER_ID, error

ROLES = ("image",)
SERVICE = "ComfyUI"
PROMPT_PLACEHOLDER = "{{prompt}}"
SEED_PLACEHOLDER = "{{seed}}"
CHECKPOINT_LOADERS = ("CheckpointLoaderSimple", "CheckpointLoader", "ImageOnlyCheckpointLoader")

NO_SERVER = "TELEPHONE_PAINTER=comfyui needs COMFYUI_BASE_URL, e.g. http://127.0.0.1:8188."
NO_WORKFLOW = "TELEPHONE_PAINTER=comfyui needs COMFYUI_WORKFLOW, the path of a workflow saved in API format."
WORKFLOW_UNREADABLE = "COMFYUI_WORKFLOW={path} cannot be read: {reason}."
WORKFLOW_NOT_API = (
    "COMFYUI_WORKFLOW={path} is not in API format: expected an object of nodes with "
    "class_type and inputs (use “Export (API)” in ComfyUI)."
)
WORKFLOW_PLACEHOLDER = "COMFYUI_WORKFLOW={path} has no {placeholder} placeholder: put it where the {what} goes."
WORKFLOW_HINT = "See README “Models and servers” for a worked example."
REJECTED = "ComfyUI rejected the workflow: {detail}"
RUN_FAILED = "ComfyUI failed while running the workflow: {detail}"
RUN_INTERRUPTED = "ComfyUI interrupted the run."
NO_PICTURE = "ComfyUI finished the run without saving a picture: add a SaveImage node to the workflow."
TOO_SLOW = "ComfyUI did not finish the picture within {seconds:g} s."
# Errors worth another try: the card was busy, not the workflow wrong.
TRANSIENT_MARKERS = ("out of memory", "outofmemory", "cuda error")


def role_config(role: str) -> dict:
    base_url = settings.COMFYUI_BASE_URL or ""
    path = settings.COMFYUI_WORKFLOW or ""
    workflow, _ = load_workflow(path)
    return {
        "model": workflow_model(workflow, path),
        "base_url": base_url,
        "server": server_host(base_url) if base_url else "",
        "endpoint": endpoint_for(base_url),
        "workflow": path,
        "workflow_sha": workflow_digest(workflow),
    }


def load_workflow(path: str) -> tuple[dict | None, str]:
    """The workflow and, when it cannot be used, why not."""
    if not path:
        return None, "not set"
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        return None, exc.strerror or type(exc).__name__
    except ValueError as exc:
        return None, f"not JSON ({exc})"
    if not is_api_format(document):
        return None, "not API format"
    return document, ""


def is_api_format(document) -> bool:
    return (
        isinstance(document, dict)
        and bool(document)
        and all(
            isinstance(node, dict) and "class_type" in node and isinstance(node.get("inputs"), dict)
            for node in document.values()
        )
    )


def workflow_model(workflow: dict | None, path: str) -> str:
    """The checkpoint the workflow loads, else the workflow's file name: what people compare."""
    for node in (workflow or {}).values():
        if node.get("class_type") in CHECKPOINT_LOADERS and node["inputs"].get("ckpt_name"):
            return str(node["inputs"]["ckpt_name"])
    return Path(path).stem if path else "comfyui-workflow"


def workflow_digest(workflow: dict | None) -> str:
    if workflow is None:
        return ""
    return hashlib.sha256(json.dumps(workflow, sort_keys=True).encode("utf-8")).hexdigest()[:16]


def problems(role: str, config: dict, today) -> list:
    found = []
    if not config.get("base_url"):
        found.append(error(role, NO_SERVER, hint=WORKFLOW_HINT, id=MISSING_SERVER_ID))
    path = config.get("workflow", "")
    if not path:
        return [*found, error(role, NO_WORKFLOW, hint=WORKFLOW_HINT, id=BAD_WORKFLOW_ID)]
    workflow, reason = load_workflow(path)
    if workflow is None:
        message = WORKFLOW_NOT_API if reason == "not API format" else WORKFLOW_UNREADABLE
        return [*found, error(role, message.format(path=path, reason=reason), hint=WORKFLOW_HINT, id=BAD_WORKFLOW_ID)]
    text = json.dumps(workflow)
    for placeholder, what in ((PROMPT_PLACEHOLDER, "prompt text"), (SEED_PLACEHOLDER, "seed")):
        if placeholder not in text:
            found.append(
                error(
                    role,
                    WORKFLOW_PLACEHOLDER.format(path=path, placeholder=placeholder, what=what),
                    hint=WORKFLOW_HINT,
                    id=BAD_WORKFLOW_ID,
                )
            )
    return found


def fill(workflow: dict, *, prompt: str, seed: int) -> dict:
    """A copy of the workflow with the placeholders replaced, walking the parsed JSON (never text)."""

    def replace(value):
        if isinstance(value, dict):
            return {key: replace(item) for key, item in value.items()}
        if isinstance(value, list):
            return [replace(item) for item in value]
        if value == SEED_PLACEHOLDER:
            return seed
        if isinstance(value, str) and PROMPT_PLACEHOLDER in value:
            return value.replace(PROMPT_PLACEHOLDER, prompt)
        return value

    return replace(workflow)


def error_detail(body: object) -> str:
    """ComfyUI: {"error": {"type", "message", "details"} | "no prompt", "node_errors": {id: {...}}}."""
    if not isinstance(body, dict):
        return str(body or "").strip()
    found = body.get("error")
    parts = [found.get("message", "") if isinstance(found, dict) else str(found or "")]
    node_errors = body.get("node_errors")
    if isinstance(node_errors, dict):
        for node_id, node in node_errors.items():
            for problem in (node or {}).get("errors", []):
                parts.append(
                    f"node {node_id} ({node.get('class_type', '?')}): {problem.get('message', '')}"
                    + (f" — {problem['details']}" if problem.get("details") else "")
                )
    return "; ".join(part for part in parts if part)


def build_role(role: str, config: dict) -> ComfyUIPainter:
    client = NativeClient(
        service=SERVICE,
        base_url=config.get("base_url", ""),
        server=config.get("server", ""),
        timeout=min(settings.COMFYUI_TIMEOUT, 60.0),
        detail=error_detail,
    )
    return ComfyUIPainter(
        client=client, config=config, deadline=settings.COMFYUI_TIMEOUT, poll_seconds=settings.COMFYUI_POLL_SECONDS
    )


@dataclass
class ComfyUIPainter:
    client: NativeClient
    config: dict
    deadline: float
    poll_seconds: float
    prompt_limit: int | None = field(default=None)

    def paint(self, request: PaintRequest) -> PaintResult:
        workflow, reason = load_workflow(self.config.get("workflow", ""))
        if workflow is None:
            raise ProviderError(
                WORKFLOW_UNREADABLE.format(path=self.config.get("workflow", ""), reason=reason), permanent=True
            )
        prompt_id = self._submit(fill(workflow, prompt=request.prompt, seed=request.seed))
        entry = self._wait(prompt_id)
        image = self._picture(entry)
        model = workflow_model(workflow, self.config.get("workflow", ""))
        charge = costs.charge_image(model=model, endpoint=self.config.get("endpoint", SELF_HOSTED))
        return PaintResult(
            image=image,
            model=model,
            request_id=prompt_id,
            params={
                "workflow": Path(self.config.get("workflow", "")).name,
                "seed": request.seed,
                "workflow_sha": workflow_digest(workflow),
            },
            usage={"prompt_id": prompt_id, "status": entry.get("status", {}).get("status_str", "")},
            cost=charge.cost,
            price_source=charge.source,
            estimated=charge.estimated,
        )

    def _submit(self, workflow: dict) -> str:
        try:
            answer = self.client.post_json("/prompt", {"prompt": workflow, "client_id": uuid.uuid4().hex})
        except ProviderError as failure:
            if failure.permanent:
                raise ProviderError(REJECTED.format(detail=failure.message), permanent=True) from None
            raise
        prompt_id = answer.get("prompt_id") if isinstance(answer, dict) else None
        if not prompt_id:
            raise ProviderError(REJECTED.format(detail=error_detail(answer)), permanent=True)
        return str(prompt_id)

    def _wait(self, prompt_id: str) -> dict:
        """Follow /history until the run has an entry: `{}` means still queued or running."""
        give_up = time.monotonic() + self.deadline
        while True:
            history = self.client.get_json(f"/history/{prompt_id}")
            entry = history.get(prompt_id) if isinstance(history, dict) else None
            if entry:
                return self._finished(entry)
            if time.monotonic() >= give_up:
                raise ProviderError(TOO_SLOW.format(seconds=self.deadline), permanent=False)
            time.sleep(self.poll_seconds)

    @staticmethod
    def _finished(entry: dict) -> dict:
        status = entry.get("status") or {}
        if status.get("status_str") != "error":
            return entry
        messages = {name: data for name, data in (status.get("messages") or []) if isinstance(data, dict)}
        if "execution_interrupted" in messages:
            raise ProviderError(RUN_INTERRUPTED, permanent=False)
        failure = messages.get("execution_error", {})
        detail = f"{failure.get('node_type', '?')}: {failure.get('exception_message', '').strip()}"
        transient = any(marker in detail.lower() for marker in TRANSIENT_MARKERS)
        raise ProviderError(RUN_FAILED.format(detail=detail), permanent=not transient)

    def _picture(self, entry: dict) -> bytes:
        pictures = [
            image for output in (entry.get("outputs") or {}).values() for image in (output or {}).get("images", [])
        ]
        saved = [image for image in pictures if image.get("type") == "output"] or pictures
        if not saved:
            raise ProviderError(NO_PICTURE, permanent=True)
        first = saved[0]
        return self.client.get_bytes(
            "/view",
            filename=first.get("filename", ""),
            subfolder=first.get("subfolder", ""),
            type=first.get("type", "output"),
        )


def list_models(role: str, config: dict, *, timeout: float = 10.0) -> list[str]:
    """Checkpoints ComfyUI can load (CheckpointLoaderSimple's choices), for `providers_check`."""
    client = NativeClient(
        service=SERVICE,
        base_url=config.get("base_url", ""),
        server=config.get("server", ""),
        timeout=timeout,
        detail=error_detail,
    )
    try:
        info = client.get_json("/object_info/CheckpointLoaderSimple")
    finally:
        client.close()
    required = (info or {}).get("CheckpointLoaderSimple", {}).get("input", {}).get("required", {})
    choices = required.get("ckpt_name", [[]])[0]
    return [str(name) for name in choices] if isinstance(choices, list) else []


def model_listed(config: dict, listed: list[str]) -> bool:
    workflow, _ = load_workflow(config.get("workflow", ""))
    loads = [
        node["inputs"].get("ckpt_name")
        for node in (workflow or {}).values()
        if node.get("class_type") in CHECKPOINT_LOADERS
    ]
    return all(name in listed for name in loads if name)

"""A fake ComfyUI server, as its `server.py` and `execution.py` answer.

- `POST /prompt` with {"prompt": <API-format workflow>, "client_id"} validates the
  graph and queues it: {"prompt_id", "number", "node_errors": {}}; an invalid graph is
  400 {"error": {"type": "prompt_outputs_failed_validation", "message", "details",
  "extra_info"}, "node_errors": {id: {"errors": [...], "class_type", ...}}}; a body
  without "prompt" is 400 {"error": "no prompt", "node_errors": []};
- `GET /history/<prompt_id>` is `{}` until the run ends (`run_seconds` after queueing),
  then {id: {"prompt", "outputs": {node: {"images": [{filename, subfolder, type}]}},
  "status": {"status_str", "completed", "messages"}}};
- `GET /view?filename=&subfolder=&type=` serves the file, or an empty 404;
- `GET /object_info/CheckpointLoaderSimple` lists the checkpoints it can load.
Set `failure` to a message to make the next runs end in an `execution_error`, or
`save_outputs = False` for runs of a workflow whose output node saved nothing.
"""

from __future__ import annotations

import threading
import time
import uuid

from .compat import painted_png
from .harness import FakeServer, RecordedRequest, ScriptedResponse

CHECKPOINTS = ["sd_xl_base_1.0.safetensors", "flux1-schnell-fp8.safetensors"]
OUTPUT_CLASSES = ("SaveImage", "PreviewImage")
KNOWN_CLASSES = (
    "CheckpointLoaderSimple",
    "CLIPTextEncode",
    "EmptyLatentImage",
    "KSampler",
    "VAEDecode",
    *OUTPUT_CLASSES,
)


class FakeComfyUIServer(FakeServer):
    name = "comfyui"

    def __init__(self, *, run_seconds: float = 0.3):
        super().__init__()
        self.run_seconds = run_seconds
        self.failure: str | None = None
        self.save_outputs = True
        self.files: dict[tuple[str, str, str], bytes] = {}
        self.runs: dict[str, dict] = {}  # prompt_id -> {"done_at", "entry"}
        self.number = 0
        self._runs_lock = threading.Lock()

    def route(self, request: RecordedRequest) -> ScriptedResponse:
        body = request.body if isinstance(request.body, dict) else {}
        if request.method == "POST" and request.path == "/prompt":
            return self._queue(body)
        if request.method == "GET" and request.path.startswith("/history/"):
            return ScriptedResponse(json=self._history(request.path[len("/history/") :]))
        if request.method == "GET" and request.path == "/view":
            return self._view(request.query)
        if request.method == "GET" and request.path == "/object_info/CheckpointLoaderSimple":
            return ScriptedResponse(
                json={
                    "CheckpointLoaderSimple": {
                        "input": {"required": {"ckpt_name": [list(CHECKPOINTS), {}]}},
                        "output": ["MODEL", "CLIP", "VAE"],
                        "name": "CheckpointLoaderSimple",
                        "output_node": False,
                    }
                }
            )
        if request.method == "GET" and request.path == "/system_stats":
            return ScriptedResponse(json={"system": {"os": "posix", "comfyui_version": "0.3.75"}, "devices": []})
        return ScriptedResponse(status=404, body=b"", content_type="text/plain")

    # --- POST /prompt ---

    def _queue(self, body: dict) -> ScriptedResponse:
        if "prompt" not in body:
            return ScriptedResponse(status=400, json={"error": "no prompt", "node_errors": []})
        workflow = body["prompt"]
        node_errors = self._validate(workflow)
        outputs = [node_id for node_id, node in workflow.items() if node.get("class_type") in OUTPUT_CLASSES]
        if not outputs:
            return ScriptedResponse(
                status=400,
                json={
                    "error": {
                        "type": "prompt_no_outputs",
                        "message": "Prompt has no outputs",
                        "details": "",
                        "extra_info": {},
                    },
                    "node_errors": [],
                },
            )
        if node_errors:
            return ScriptedResponse(
                status=400,
                json={
                    "error": {
                        "type": "prompt_outputs_failed_validation",
                        "message": "Prompt outputs failed validation",
                        "details": "",
                        "extra_info": {},
                    },
                    "node_errors": node_errors,
                },
            )
        prompt_id = str(uuid.uuid4())
        with self._runs_lock:
            self.number += 1
            self.runs[prompt_id] = {
                "done_at": time.time() + self.run_seconds,
                "entry": self._run(prompt_id, workflow, outputs, body.get("client_id")),
            }
        return ScriptedResponse(json={"prompt_id": prompt_id, "number": self.number, "node_errors": {}})

    @staticmethod
    def _validate(workflow: dict) -> dict:
        errors = {}
        for node_id, node in workflow.items():
            class_type = node.get("class_type")
            problem = None
            if class_type not in KNOWN_CLASSES:
                problem = {
                    "type": "invalid_prompt",
                    "message": f"Cannot execute because node {class_type} does not exist.",
                    "details": f"Node ID '#{node_id}'",
                }
            elif class_type == "CheckpointLoaderSimple" and node["inputs"].get("ckpt_name") not in CHECKPOINTS:
                problem = {
                    "type": "value_not_in_list",
                    "message": "Value not in list",
                    "details": f"ckpt_name: '{node['inputs'].get('ckpt_name')}' not in {CHECKPOINTS}",
                }
            elif class_type == "KSampler" and not isinstance(node["inputs"].get("seed"), int):
                problem = {
                    "type": "invalid_input_type",
                    "message": "Failed to convert an input value to a INT value",
                    "details": f"seed, {node['inputs'].get('seed')}",
                }
            if problem:
                errors[node_id] = {"errors": [problem], "dependent_outputs": [], "class_type": class_type}
        return errors

    def _run(self, prompt_id: str, workflow: dict, outputs: list, client_id) -> dict:
        """What /history will show once the run ends: a saved picture, or the failure."""
        started = ["execution_start", {"prompt_id": prompt_id, "timestamp": int(time.time() * 1000)}]
        if self.failure:
            failed = [
                "execution_error",
                {
                    "prompt_id": prompt_id,
                    "node_id": "3",
                    "node_type": "KSampler",
                    "exception_message": self.failure,
                    "exception_type": "RuntimeError",
                    "traceback": ["..."],
                    "current_inputs": {},
                    "current_outputs": {},
                },
            ]
            return {
                "prompt": [self.number, prompt_id, workflow, {"client_id": client_id}, outputs],
                "outputs": {},
                "status": {"status_str": "error", "completed": False, "messages": [started, failed]},
                "meta": {},
            }
        prompt_text = " ".join(
            str(node["inputs"].get("text", ""))
            for node in workflow.values()
            if node.get("class_type") == "CLIPTextEncode"
        )
        seed = next(
            (node["inputs"]["seed"] for node in workflow.values() if node.get("class_type") == "KSampler"), None
        )
        filename = f"telephone_{len(self.files) + 1:05d}_.png"
        self.files[(filename, "", "output")] = painted_png(prompt_text, seed)
        saved = {outputs[0]: {"images": [{"filename": filename, "subfolder": "", "type": "output"}]}}
        if not self.save_outputs:
            saved = {}
        done = ["execution_success", {"prompt_id": prompt_id, "timestamp": int(time.time() * 1000)}]
        return {
            "prompt": [self.number, prompt_id, workflow, {"client_id": client_id}, outputs],
            "outputs": saved,
            "status": {"status_str": "success", "completed": True, "messages": [started, done]},
            "meta": {},
        }

    # --- GET /history/<id> and /view ---

    def _history(self, prompt_id: str) -> dict:
        with self._runs_lock:
            run = self.runs.get(prompt_id)
        if run is None or time.time() < run["done_at"]:
            return {}
        return {prompt_id: run["entry"]}

    def _view(self, query: dict) -> ScriptedResponse:
        key = (query.get("filename", ""), query.get("subfolder", ""), query.get("type", "output"))
        content = self.files.get(key)
        if content is None:
            return ScriptedResponse(status=404, body=b"", content_type="text/plain")
        return ScriptedResponse(body=content, content_type="image/png")

"""How long `manage.py providers_check` takes per role, against fakes of each server kind.

    python bench/bench_providers_check.py [--rounds 5]

Starts the test fakes on 127.0.0.1 (OpenAI for pictures and screening, Ollama for
captions and embeddings, AUTOMATIC1111, ComfyUI), then runs the real command in a
fresh process per role, as an operator would (`manage.py providers_check --role R`,
with and without `--live`), and times each run from process start to exit: Python and
Django start-up included. Bar: every role's median under 2 s. Exit 0 when met, 1 when
missed, 2 when a run failed.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.a1111_server import FakeA1111Server  # after the path is set
from tests.fakes.comfyui_server import FakeComfyUIServer
from tests.fakes.fixtures import EXAMPLE_WORKFLOW, FAKE_API_KEY
from tests.fakes.ollama_server import EMBEDDING_MODEL, VISION_MODEL, FakeOllamaServer
from tests.fakes.openai_server import FakeOpenAIServer

BAR_SECONDS = 2.0
# The command prints each role's own time: "caption    ok  backend=... (0.41 s)".
ROLE_SECONDS = re.compile(r"\((\d+\.\d+) s\)")


def setups(openai_fake, ollama, a1111, comfy) -> dict[str, tuple[dict, tuple[str, ...]]]:
    """Environment and roles of each setup an operator might check."""
    mixed = {
        "TELEPHONE_PROVIDER": "openai",
        "OPENAI_API_KEY": FAKE_API_KEY,
        "OPENAI_BASE_URL": openai_fake.url + "/v1",
        "TELEPHONE_PAID_HOSTS": openai_fake.host,
        "OPENAI_CAPTION_BASE_URL": ollama.url + "/v1",
        "OPENAI_CAPTION_MODEL": VISION_MODEL,
        "OPENAI_EMBEDDING_BASE_URL": ollama.url + "/v1",
        "OPENAI_EMBEDDING_MODEL": EMBEDDING_MODEL,
    }
    local = {"TELEPHONE_PROVIDER": "local"}
    return {
        "openai + ollama": (mixed, ("caption", "image", "embedding", "moderation")),
        "a1111": (
            {
                **local,
                "TELEPHONE_PAINTER": "a1111",
                "A1111_BASE_URL": a1111.url,
                "A1111_CHECKPOINT": "sd_xl_base_1.0.safetensors [31e35c80fc]",
            },
            ("image",),
        ),
        "comfyui": (
            {
                **local,
                "TELEPHONE_PAINTER": "comfyui",
                "COMFYUI_BASE_URL": comfy.url,
                "COMFYUI_WORKFLOW": str(EXAMPLE_WORKFLOW),
                "COMFYUI_POLL_SECONDS": "0.05",
            },
            ("image",),
        ),
    }


def timed_run(env: dict, role: str, live: bool) -> tuple[float, float]:
    """Wall time of the whole command, and the time the command spent on the role itself."""
    command = [sys.executable, "manage.py", "providers_check", "--role", role] + (["--live"] if live else [])
    started = time.perf_counter()
    finished = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    elapsed = time.perf_counter() - started
    if finished.returncode != 0:
        raise RuntimeError(f"providers_check --role {role} failed:\n{finished.stdout}\n{finished.stderr}")
    return elapsed, float(ROLE_SECONDS.search(finished.stdout).group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    with (
        tempfile.TemporaryDirectory() as work,
        FakeOpenAIServer() as openai_fake,
        FakeOllamaServer() as ollama,
        FakeA1111Server() as a1111,
        FakeComfyUIServer(run_seconds=0.1) as comfy,
    ):
        base = {
            **{
                k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "TELEPHONE_", "A1111_", "COMFYUI_"))
            },
            "TELEPHONE_VAR_DIR": work,
            "MEDIA_ROOT": str(Path(work) / "media"),
        }
        rows, worst = [], 0.0
        try:
            for name, (env, roles) in setups(openai_fake, ollama, a1111, comfy).items():
                for role in roles:
                    for live in (False, True):
                        runs = [timed_run({**base, **env}, role, live) for _ in range(rounds)]
                        walls = [wall for wall, _ in runs]
                        median = statistics.median(walls)
                        worst = max(worst, median)
                        rows.append(
                            (
                                name,
                                role,
                                "--live" if live else "",
                                median,
                                max(walls),
                                statistics.median(own for _, own in runs),
                            )
                        )
        except RuntimeError as broken:
            print(broken)
            return 2
    print(f"providers_check per role, {rounds} runs each, fresh process per run (load {os.getloadavg()[0]:.2f}):\n")
    print("| setup | role | mode | command, median | slowest | the role itself, median |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, role, mode, median, slowest, own in rows:
        print(f"| {name} | {role} | {mode or 'plain'} | {median:.2f} s | {slowest:.2f} s | {own:.2f} s |")
    met = worst < BAR_SECONDS
    print(f"\nslowest median {worst:.2f} s; bar < {BAR_SECONDS:.0f} s per role: {'PASS' if met else 'FAIL'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

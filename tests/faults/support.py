"""What the fault tests share: starting chains, checking them exactly, recording figures.

"Exactly" means what the engine promises whatever happens to its processes: each
chain has steps 0..N once each (no duplicate, no gap), every step captioned and
embedded, and exactly N + 1 originals in storage (a repeated paint would have left
another file, or paid for another picture).
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from chains.images import THUMBNAIL_WIDTHS
from chains.models import ENDED_STATUSES, Chain, Status
from tests.support.worker import WorkerProcess

# Under pytest-xdist, the real-worker tests run one at a time in each of their groups
# (tests/conftest.py), each group in one test process. The SIGKILL fault is a group of its
# own: it takes about as long as all the other real-worker tests together. The faults
# that take a server away from the worker (a Redis outage, a PostgreSQL restart: servers
# of their own, tests/support/services.py) are another, in the PostgreSQL pass only
# (BENCHMARKS.md, "CI time").
LOST_WORKER = pytest.mark.xdist_group("real-workers-sigkill")
LOST_SERVICE = pytest.mark.xdist_group("real-workers-lost-service")
THUMBNAIL_SUFFIX = re.compile(r"-w(?:%s)\.webp$" % "|".join(str(width) for width in THUMBNAIL_WIDTHS.values()))
FIGURES_DIR = Path(__file__).resolve().parents[2] / "artifacts" / "faults"


@dataclass
class Figures:
    """The numbers each fault test reports (artifacts/faults/<test>-<database>.json)."""

    test: str
    chains_started: int = 0
    chains_completed: int = 0
    steps_expected: int = 0
    steps_found: int = 0
    duplicate_steps: int = 0
    missing_steps: int = 0
    images_painted: int = 0
    seconds: float = 0.0
    notes: dict = field(default_factory=dict)

    def save(self) -> None:
        """One file per test and pass (the database says which pass this is)."""
        from django.conf import settings
        from django.db import connection

        self.notes["database"] = connection.vendor
        self.notes["broker"] = settings.CELERY_BROKER_URL.split(":", 1)[0]
        FIGURES_DIR.mkdir(parents=True, exist_ok=True)
        (FIGURES_DIR / f"{self.test}-{connection.vendor}.json").write_text(json.dumps(asdict(self), indent=2))
        print(
            f"\nFIGURES {self.test}: {self.chains_completed}/{self.chains_started} chains completed, "
            f"{self.duplicate_steps} duplicate and {self.missing_steps} missing steps, "
            f"{self.seconds:.0f} s, {self.notes}"
        )


def all_ended(ids: list[int]) -> bool:
    statuses = Chain.objects.filter(pk__in=ids).values_list("status", flat=True)
    return all(status in ENDED_STATUSES for status in statuses)


def count_completed(ids: list[int]) -> int:
    return Chain.objects.filter(pk__in=ids, status=Status.COMPLETED).count()


def stored_originals(chain: Chain) -> int:
    """Originals in storage for this chain: one per step, plus any a losing attempt left."""
    try:
        _, files = default_storage.listdir(f"chains/{chain.pk}")
    except FileNotFoundError:
        return 0
    return sum(1 for name in files if THUMBNAIL_SUFFIX.search(name) is None)


ROLE_PATHS = {
    "caption": "/v1/chat/completions",
    "image": "/v1/images/generations",
    "embedding": "/v1/embeddings",
    "moderation": "/v1/moderations",
}


def ledger_problems(ids: list[int], server=None) -> list[str]:
    """Every way the ledger of these chains differs from what happened.

    No call is left open; every step's picture is an OK call's; and with a fake
    server, the ledger's requests per role equal the server's log, and every picture
    it billed is stored or counted as lost; only calls cut off by their deadline may be
    counted without the server having finished them.
    """
    from django.db.models import Sum

    from chains.models import CallOutcome, ProviderCall, Step

    calls = ProviderCall.objects.filter(chain_id__in=ids)
    problems = [f"call {call} was left open" for call in calls.filter(outcome__in=("pending", "answered"))]
    for step in Step.objects.filter(chain_id__in=ids, index__gt=0).select_related("image_call"):
        if step.image_call is None or step.image_call.outcome != CallOutcome.OK:
            problems.append(f"chain {step.chain_id} step {step.index} has no OK image call")
    if server is None:
        return problems
    for role, path in ROLE_PATHS.items():
        recorded = calls.filter(role=role).aggregate(n=Sum("requests"))["n"] or 0
        if recorded != len(server.requests_to(path)):
            problems.append(f"{role}: ledger {recorded} requests, server {len(server.requests_to(path))}")
    images = calls.filter(role="image")
    lost = images.filter(outcome=CallOutcome.LOST).count()
    cut_off = images.filter(outcome=CallOutcome.TIMED_OUT).count()
    stored = Step.objects.filter(chain_id__in=ids, index__gt=0).count()
    made = len(server.images_made())
    # A call cut off by its deadline is counted as paid: the engine cannot know whether
    # the server went on to finish it (under load, some were still refused by an outage).
    if not stored + lost <= made <= stored + lost + cut_off:
        problems.append(f"server made {made} pictures: {stored} stored, {lost} lost, {cut_off} cut off")
    return problems


def check_exact(ids: list[int], figures: Figures) -> list[str]:
    """Fill in the figures; return every way a chain differs from steps 0..N exactly once."""
    problems = []
    figures.chains_started = len(ids)
    for chain in Chain.objects.filter(pk__in=ids).order_by("pk"):
        rows = list(chain.steps.order_by("index").values_list("index", "caption", "embedding"))
        indexes = [index for index, _, _ in rows]
        expected = list(range(chain.target_length + 1))
        figures.steps_expected += len(expected)
        figures.steps_found += len(indexes)
        figures.duplicate_steps += len(indexes) - len(set(indexes))
        figures.missing_steps += len(set(expected) - set(indexes))
        figures.images_painted += chain.images_generated
        if chain.status == Status.COMPLETED:
            figures.chains_completed += 1
        else:
            problems.append(f"chain {chain.pk} is {chain.status}: {chain.error_message}")
        if indexes != expected:
            problems.append(f"chain {chain.pk} has steps {indexes}")
        if any(not caption or embedding is None for _, caption, embedding in rows):
            problems.append(f"chain {chain.pk} has a step without caption or embedding")
        originals = stored_originals(chain)
        if originals != len(expected):
            problems.append(f"chain {chain.pk} has {originals} originals in storage, not {len(expected)}")
    return problems


class Supervisor:
    """`Restart=always` for a worker, as deploy/systemd/telephone-worker@.service has it.

    Celery 5.7 with kombu 5.7 can exit ("Unrecoverable error: AttributeError ...
    'hostname'") when Redis vanishes while the worker holds unacknowledged messages:
    kombu's channel close tries to hand them back through a connection pool it has
    just dropped. In production systemd starts the worker again; here this does, so
    the test checks the deployment's behaviour, and counts the restarts it needed.
    """

    def __init__(self, worker: WorkerProcess, *, restart_seconds: float = 1.0):
        self.worker = worker
        self.restart_seconds = restart_seconds
        self.restarts = 0
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="worker-supervisor", daemon=True)

    def start(self) -> "Supervisor":
        self.worker.start()
        self._thread.start()
        return self

    def _watch(self) -> None:
        while not self._stopping.wait(0.5):
            if self.worker.process.poll() is not None and not self._stopping.wait(self.restart_seconds):
                self.restarts += 1
                self.worker.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=10)
        self.worker.stop()

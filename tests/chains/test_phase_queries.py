"""The engine's database round trips per phase task stay few (issue 11).

A phase task's own CPU is mostly the ORM building and reading queries, so their
number is its cost: each phase reads its step and chain once, claims, reads the
step's earlier calls with them, writes the ledger's intent, then writes its output,
the call's outcome and the chain (totals, progress, release) in one transaction; what
comes next follows from what it wrote, without reading it back. Counts exclude
transaction control (BEGIN, COMMIT, savepoints), which the backends issue differently.
The task that completes the chain is not counted here: its analysis runs once per chain.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chains.services import inline
from tests.factories import make_chain

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")
# At most this many statements per task of each phase (they were 14 to 23 before issue 11,
# then 8 to 11 before the next work was derived in memory and the earlier calls read with the step).
BUDGET = {"screen": 6, "caption": 6, "embed": 7, "paint": 9}


def _statements(captured: list[dict]) -> list[str]:
    return [query["sql"] for query in captured if not query["sql"].upper().startswith(TRANSACTION_CONTROL)]


@pytest.mark.django_db(transaction=True)
def test_each_phase_task_makes_a_fixed_small_number_of_queries(monkeypatch):
    counted: dict[str, list[list[str]]] = defaultdict(list)

    def counting(name, phase):
        def run(*, step_id):
            with CaptureQueriesContext(connection) as queries:
                outcome = phase(step_id=step_id)
            counted[name].append(_statements(queries.captured_queries))
            return outcome

        return run

    monkeypatch.setattr(inline, "PHASES", {name: counting(name, phase) for name, phase in inline.PHASES.items()})
    chain = inline.chain_run_inline(chain=make_chain(target_length=3, origin_screened=False))

    assert chain.status == "completed"
    counted["embed"].pop()  # the last one completes the chain (analysis, once per chain)
    assert {name: len(runs) for name, runs in counted.items()} == {"screen": 8, "caption": 4, "embed": 3, "paint": 3}
    for name, runs in counted.items():
        worst = max(runs, key=len)
        assert len(worst) <= BUDGET[name], f"{name}: {len(worst)} statements\n" + "\n".join(worst)

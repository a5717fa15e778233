"""Misbehaving servers against a real worker on each pool: paid once, right picture, screened.

One worker process per pool (prefork, threads, gevent) runs eight chains at once, each
against its own fake OpenAI server (the chain's snapshot names its server) misbehaving
in one way: a slow drip past the deadline, an answer that comes after the deadline
(the server finishes, and bills, it anyway), a download that fails twice, one that
never succeeds, a redirect to a private address, a 10 s moderation outage, a flagged
caption, and a flagged picture that someone branches from while it is being screened.

Throughout the run the test polls the public pages and exports; at the end it holds
each fake's own request log against the database: the pictures each server made
(and billed) equal the pictures stored plus the ledger's rows marked lost or timed
out; every stored picture carries the number of the request its step records; the
ledger's requests per role equal the server's.
"""

from __future__ import annotations

import time
from contextlib import ExitStack

import pytest
from django.core.files.storage import default_storage
from django.db.models import Sum
from django.test import Client

from chains.models import PUBLISHABLE_SCREENING, CallOutcome, CallRole, Chain, ProviderCall, Status, Step
from chains.providers import clear_provider_cache
from chains.services import chain_branch, chain_start
from tests.factories import make_chain
from tests.fakes.fixtures import FAKE_API_KEY, FAKE_MODEL_SETTINGS, point_openai_at
from tests.fakes.openai_server import (
    CHAT,
    EMBEDDINGS,
    FILES_PREFIX,
    IMAGES,
    MODERATIONS,
    FakeOpenAIServer,
    read_tag,
    request_number,
)
from tests.support.worker import WorkerProcess, stop_process

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

LENGTH = 2
DEADLINE = "1.5"  # seconds: captions, pictures, embeddings, downloads
MODERATION_DEADLINE = "6"  # screening is slowed down on purpose in one scenario
MODERATION_SECONDS = 3.0
OUTAGE_SECONDS = 10
ROLE_PATHS = {
    CallRole.CAPTION: CHAT,
    CallRole.IMAGE: IMAGES,
    CallRole.EMBEDDING: EMBEDDINGS,
    CallRole.MODERATION: MODERATIONS,
}
LINK_MODEL = "acme-painter-v2"  # a gateway's painter answering with links (GPT image models never do)
HELD = (Status.HELD,)
# A gevent worker runs Celery's synchronous consumer loop: with late acks, a slot frees
# only when that loop comes round (up to 2 s). It is run as gevent is meant to be, with
# many greenlets, and its beat's reconciler ticks less often, so re-sent messages do not
# take every slot.
GEVENT_CONCURRENCY = 20
GEVENT_ENV = {"TELEPHONE_RECONCILE_SECONDS": "4"}


def slow_drip(fake, settings):
    fake.enqueue(IMAGES, drip=0.6)


def late_answer(fake, settings):
    fake.enqueue(IMAGES, delay=3)


def download_fails_twice(fake, settings):
    answer_with_links(fake, settings)
    fake.enqueue(FILES_PREFIX, status=404, body=b"not yet", times=2)


def download_never_succeeds(fake, settings):
    answer_with_links(fake, settings)
    fake.enqueue(FILES_PREFIX, status=404, body=b"gone", times=100)


def redirect_to_private(fake, settings):
    answer_with_links(fake, settings)
    fake.enqueue(FILES_PREFIX, status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})


def moderation_outage(fake, settings):
    """Down from the start; it ends 10 s after the first screening call (`watch_the_run`)."""
    fake.fail_path(MODERATIONS, 500)


def flagged_caption(fake, settings):
    fake.flag("violence", only="text")


def flagged_picture(fake, settings):
    fake.flag("violence", only="image")
    fake.slow_down(MODERATIONS, MODERATION_SECONDS)  # the seconds in which someone branches from step 1


def answer_with_links(fake, settings):
    fake.strict_models = False
    fake.image_format = "url"
    settings.OPENAI_IMAGE_MODEL = LINK_MODEL


# scenario → (how the server misbehaves, how its chain must end)
SCENARIOS = {
    "slow drip": (slow_drip, (Status.COMPLETED,)),
    "late answer": (late_answer, (Status.COMPLETED,)),
    "download fails twice": (download_fails_twice, (Status.COMPLETED,)),
    "download never succeeds": (download_never_succeeds, (Status.FAILED,)),
    "redirect to a private address": (redirect_to_private, (Status.FAILED,)),
    "moderation outage": (moderation_outage, (Status.COMPLETED,)),
    "flagged caption": (flagged_caption, HELD),
    "flagged picture": (flagged_picture, HELD),
}


def worker_env(fakes) -> dict:
    deadlines = {
        name: DEADLINE
        for name in (
            "OPENAI_CAPTION_TIMEOUT",
            "OPENAI_IMAGE_TIMEOUT",
            "OPENAI_EMBEDDING_TIMEOUT",
            "OPENAI_DOWNLOAD_TIMEOUT",
        )
    }
    deadlines["OPENAI_MODERATION_TIMEOUT"] = MODERATION_DEADLINE
    return {
        "TELEPHONE_PROVIDER": "openai",
        "OPENAI_API_KEY": FAKE_API_KEY,
        **FAKE_MODEL_SETTINGS,
        **deadlines,
        "TELEPHONE_PAID_HOSTS": ",".join(fake.host for fake in fakes.values()),
        "TELEPHONE_RETRY_MAX": "12",
        "TELEPHONE_DOWNLOAD_ATTEMPTS": "3",
        "TELEPHONE_STALL_SECONDS": "6",
    }


def unscreened_shown(client: Client, chain: Chain) -> list[str]:
    """What a visitor saw just now that had not passed screening.

    Everything is fetched first and the rows read after: screening only ever moves
    forward, so anything still unscreened after the fetches was unscreened during them.
    """
    waiting = list(Step.objects.filter(chain=chain).exclude(image_screen__in=PUBLISHABLE_SCREENING))
    page = client.get(chain.get_absolute_url())
    export = client.get(f"/c/{chain.slug}.json")
    served = {step.pk: client.get(f"/media/{step.image.name}").status_code == 200 for step in waiting}
    shown = (page.content.decode() if page.status_code == 200 else "") + (
        export.content.decode() if export.status_code == 200 else ""
    )
    still = Step.objects.filter(pk__in=served).exclude(image_screen__in=PUBLISHABLE_SCREENING)
    drafts = list(Step.objects.filter(chain=chain).exclude(caption_draft="").values_list("caption_draft", flat=True))
    leaks = [f"step {step.index} picture" for step in still if step.image.name in shown or served[step.pk]]
    return leaks + [f"caption draft {draft[:20]!r}" for draft in drafts if draft in shown]


def stored_pictures(chain: Chain) -> int:
    _, files = default_storage.listdir(f"chains/{chain.pk}")
    return sum(1 for name in files if not name.startswith("000-") and "-w" not in name)


@pytest.mark.timeout(300)
@pytest.mark.usefixtures("real_broker")
@pytest.mark.parametrize(
    "pool",
    [
        "threads",
        pytest.param("prefork", marks=pytest.mark.production_stack),
        pytest.param("gevent", marks=pytest.mark.production_stack),
    ],
)
def test_paid_once_right_picture_nothing_unscreened_public(pool, settings, tmp_path, admin_user):
    with ExitStack() as stack:
        fakes = {name: stack.enter_context(FakeOpenAIServer()) for name in SCENARIOS}
        chains = {}
        for name, (misbehave, _) in SCENARIOS.items():
            fake = fakes[name]
            fake.tag_images = True
            fake.numbered_captions = True
            point_openai_at(settings, fake)
            misbehave(fake, settings)
            chains[name] = make_chain(target_length=LENGTH, provider=None)
        clear_provider_cache()
        # Celery embeds no beat in a gevent worker: production runs one beside it.
        worker = WorkerProcess(
            log_path=tmp_path / "worker.log",
            pool=pool,
            concurrency=GEVENT_CONCURRENCY if pool == "gevent" else 4,
            beat=pool != "gevent",
            extra_env={**worker_env(fakes), **(GEVENT_ENV if pool == "gevent" else {})},
        ).start()
        if pool == "gevent":
            stack.callback(stop_process, worker.start_beat_beside())
        try:
            worker.wait_ready()
            for chain in chains.values():
                chain_start(chain=chain)
            branch = watch_the_run(chains, fakes, settings, admin_user)
        except AssertionError as failure:
            raise AssertionError(f"{failure}\n{worker.log()}") from None
        finally:
            worker.stop()
        for fake in fakes.values():
            fake.wait_idle()

        for name, (_, endings) in SCENARIOS.items():
            chain = Chain.objects.get(pk=chains[name].pk)
            assert chain.status in endings, f"{name}: {chain.status} {chain.error_message}"
            assert_paid_once(name, chain, fakes[name])
        assert_flagged_picture_hides_its_branch(chains["flagged picture"], branch)
        assert_outcomes(chains, fakes)


def watch_the_run(chains, fakes, settings, admin_user) -> Chain | None:
    """Poll the public pages until every chain has ended or is held; branch on cue."""
    client = Client()
    branch = None
    flagged_parent = chains["flagged picture"]
    down, outage_timed = fakes["moderation outage"], False
    deadline = time.monotonic() + 210
    while time.monotonic() < deadline:
        for name, chain in chains.items():
            leaks = unscreened_shown(client, chain)
            assert not leaks, f"{name}: visible before screening: {leaks}"
        if not outage_timed and down.requests_to(MODERATIONS):
            down.fail_path(MODERATIONS, 500, until=down.requests_to(MODERATIONS)[0].received_at + OUTAGE_SECONDS)
            outage_timed = True
        if branch is None:
            painted = Step.objects.filter(chain=flagged_parent, index=1).first()
            if painted is not None:  # being screened right now (moderation answers in 3 s)
                point_openai_at(settings, fakes["flagged picture"])
                branch = chain_branch(
                    chain=flagged_parent,
                    step=painted,
                    owner=admin_user,
                    mode="telephone",
                    detail="very",
                    target_length=1,
                )
        statuses = Chain.objects.filter(pk__in=[c.pk for c in chains.values()]).values_list("status", flat=True)
        if all(status in (Status.COMPLETED, Status.FAILED, Status.HELD) for status in statuses) and branch:
            if Chain.objects.get(pk=branch.pk).status in (Status.HELD, Status.FAILED, Status.COMPLETED):
                return branch
        time.sleep(0.3)
    raise AssertionError(f"the chains did not end in time: {unfinished(chains, branch)}")


def unfinished(chains, branch) -> str:
    """Which chains were still going, and where, for a failure worth reading."""
    watched = {**chains, **({"branch": branch} if branch else {})}
    return "; ".join(
        f"{name}: {chain.status}, steps {list(chain.steps.values_list('index', 'image_screen'))}"
        for name, chain in ((name, Chain.objects.get(pk=c.pk)) for name, c in watched.items())
        if chain.status not in (Status.COMPLETED, Status.FAILED, Status.HELD)
    )


def assert_paid_once(name: str, chain: Chain, fake) -> None:
    unused = ProviderCall.objects.filter(
        chain=chain, role=CallRole.IMAGE, outcome__in=(CallOutcome.LOST, CallOutcome.TIMED_OUT)
    ).count()
    made = fake.images_made()  # a branch of the flagged picture paints nothing: it is held first
    assert len(made) == stored_pictures(chain) + unused, (
        f"{name}: paid {len(made)}, stored {stored_pictures(chain)}, lost or timed out {unused}"
    )
    for step in chain.steps.exclude(index=0):
        with step.image.open("rb") as handle:
            assert read_tag(handle.read()) == request_number(step.image_request_id), (
                f"{name}: step {step.index} shows a picture its request did not make"
            )
    for role, path in ROLE_PATHS.items():
        recorded = ProviderCall.objects.filter(chain__in=[chain, *chain.branches.all()], role=role)
        logged = recorded.aggregate(n=Sum("requests"))["n"] or 0
        pending = recorded.filter(outcome__in=(CallOutcome.PENDING,)).count()
        assert logged == len(fake.requests_to(path)) and pending == 0, (
            f"{name} {role}: ledger {logged} requests, server {len(fake.requests_to(path))}: "
            f"{list(recorded.values_list('step_index', 'attempt', 'outcome', 'requests', 'error'))}"
        )


def assert_flagged_picture_hides_its_branch(parent: Chain, branch: Chain | None) -> None:
    assert branch is not None, "the branch was made while step 1 was being screened"
    parent.refresh_from_db()
    branch.refresh_from_db()
    assert parent.is_hidden and branch.is_hidden
    assert branch.steps.get(index=0).image_screen not in PUBLISHABLE_SCREENING


def assert_outcomes(chains, fakes) -> None:
    def image_calls(name, outcome):
        return ProviderCall.objects.filter(chain=chains[name], role=CallRole.IMAGE, outcome=outcome).count()

    assert image_calls("slow drip", CallOutcome.TIMED_OUT) >= 1
    assert image_calls("late answer", CallOutcome.TIMED_OUT) >= 1
    twice = ProviderCall.objects.get(chain=chains["download fails twice"], role=CallRole.IMAGE, step_index=1)
    assert twice.outcome == CallOutcome.OK and twice.downloads == 2
    assert image_calls("download never succeeds", CallOutcome.LOST) == 1
    assert len(fakes["download never succeeds"].images_made()) == 1, "a dead file host buys no more pictures"
    assert image_calls("redirect to a private address", CallOutcome.LOST) == 1
    screened = ProviderCall.objects.filter(chain=chains["moderation outage"], role=CallRole.MODERATION)
    refused = [
        r
        for r in fakes["moderation outage"].requests_to(MODERATIONS)
        if fakes["moderation outage"].answered.get(r.number) == 500
    ]
    assert refused and screened.filter(outcome=CallOutcome.FAILED).exists(), (
        f"the outage was hit, and the chain waited it out: {list(screened.values_list('outcome', 'error'))}"
    )
    assert not fakes["flagged caption"].requests_to(IMAGES), "a flagged caption is never painted"

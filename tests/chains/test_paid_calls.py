"""Every paid call counted once, every picture its step's own: whole chains over HTTP.

Chains run in this process (`chain_run_inline`) through the real OpenAI client against
the fake server, which tags each picture it makes with its request number, so a
stored picture can be traced to the request that made it after re-encoding. What is
asserted comes from the fake's own request log: the pictures it made (and billed)
equal the pictures stored plus the ledger's rows marked lost or timed out.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.db.models import Sum

from chains.budget import spent_today
from chains.models import CallOutcome, CallRole, Chain, ProviderCall, Status
from chains.providers import clear_provider_cache
from chains.services import chain_run_inline
from tests.factories import make_chain
from tests.fakes.openai_server import CHAT, EMBEDDINGS, FILES_PREFIX, IMAGES, MODERATIONS, read_tag, request_number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_runs")]

ROLE_PATHS = {
    CallRole.CAPTION: CHAT,
    CallRole.IMAGE: IMAGES,
    CallRole.EMBEDDING: EMBEDDINGS,
    CallRole.MODERATION: MODERATIONS,
}


def no_sleep(seconds: float) -> None:
    """Backoff is tested elsewhere; here only what is paid and stored matters."""


@pytest.fixture
def fake(fake_openai, settings):
    fake_openai.tag_images = True
    settings.TELEPHONE_RETRY_MAX = 6
    return fake_openai


@pytest.fixture
def links(fake, settings):
    """A painter answering with links, as a gateway's or LocalAI's model does (GPT image
    models always answer inline). Unknown to the catalogue: priced at the conservative
    TELEPHONE_UNKNOWN_IMAGE_PRICE_USD, marked estimated."""
    fake.strict_models = False
    fake.image_format = "url"
    settings.OPENAI_IMAGE_MODEL = "acme-painter-v2"
    clear_provider_cache()
    return fake


def run(length: int = 2) -> Chain:
    return chain_run_inline(chain=make_chain(target_length=length, provider="openai"), sleep=no_sleep)


def stored_pictures(chain: Chain) -> int:
    """Painted pictures in storage (step 0, the upload, is not a paid picture)."""
    _, files = default_storage.listdir(f"chains/{chain.pk}")
    return sum(1 for name in files if not name.startswith("000-") and "-w" not in name)


def assert_paid_once(chain: Chain, fake) -> None:
    """The fake's billed pictures = stored pictures + ledger rows lost or timed out."""
    fake.wait_idle()  # a call cut off by its deadline is still being finished (and billed)
    unused = ProviderCall.objects.filter(
        chain=chain, role=CallRole.IMAGE, outcome__in=(CallOutcome.LOST, CallOutcome.TIMED_OUT)
    ).count()
    assert len(fake.images_made()) == stored_pictures(chain) + unused
    for step in chain.steps.exclude(index=0):
        with step.image.open("rb") as handle:
            assert read_tag(handle.read()) == request_number(step.image_request_id), (
                f"step {step.index} shows a picture its request did not make"
            )


def assert_ledger_matches_the_log(chain: Chain, fake) -> None:
    for role, path in ROLE_PATHS.items():
        made = ProviderCall.objects.filter(chain=chain, role=role).aggregate(n=Sum("requests"))["n"] or 0
        assert made == len(fake.requests_to(path)), f"{role}: ledger {made}, server {len(fake.requests_to(path))}"


def test_a_chain_records_every_call_and_its_totals_are_the_ledgers_sums(fake):
    chain = run()

    assert chain.status == Status.COMPLETED, chain.error_message
    assert_ledger_matches_the_log(chain, fake)
    assert_paid_once(chain, fake)
    calls = ProviderCall.objects.filter(chain=chain)
    assert set(calls.values_list("outcome", flat=True)) == {CallOutcome.OK}
    assert chain.estimated_cost == calls.aggregate(total=Sum("cost"))["total"] > 0
    assert spent_today() == chain.estimated_cost
    image = calls.filter(role=CallRole.IMAGE, step_index=1).get()
    assert image.price_source and image.server_host.startswith("127.0.0.1") and image.model == "gpt-image-2"
    assert chain.steps.get(index=1).image_call == image and image.token in image.stored_key


def test_a_download_that_fails_twice_is_fetched_again_from_the_same_url_and_paid_once(links):
    fake = links
    fake.enqueue(FILES_PREFIX, status=404, body=b"not yet", times=2)

    chain = run(length=1)

    assert chain.status == Status.COMPLETED, chain.error_message
    assert len(fake.images_made()) == 1
    downloads = [r.path for r in fake.requests if r.path.startswith(FILES_PREFIX)]
    assert len(downloads) == 3 and len(set(downloads)) == 1, "the same URL, three times"
    call = ProviderCall.objects.get(chain=chain, role=CallRole.IMAGE)
    assert call.outcome == CallOutcome.OK and call.downloads == 2 and call.answer_url.endswith(downloads[0])
    assert_paid_once(chain, fake)


def test_a_download_that_never_succeeds_is_lost_with_its_cost_counted(links, settings):
    fake = links
    fake.enqueue(FILES_PREFIX, status=404, body=b"gone", times=50)

    chain = run(length=1)

    assert chain.status == Status.FAILED and chain.error_kind == "lost"
    assert len(fake.images_made()) == 1, "a dead file host must not buy more pictures"
    call = ProviderCall.objects.get(chain=chain, role=CallRole.IMAGE)
    assert call.outcome == CallOutcome.LOST and call.downloads == settings.TELEPHONE_DOWNLOAD_ATTEMPTS
    assert call.cost == Decimal(str(settings.TELEPHONE_UNKNOWN_IMAGE_PRICE_USD)) and call.cost_is_estimate
    assert chain.estimated_cost >= call.cost and spent_today() >= call.cost
    assert_paid_once(chain, fake)


def test_a_redirect_to_a_private_address_is_refused_and_the_picture_lost(links):
    fake = links
    fake.enqueue(FILES_PREFIX, status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})

    chain = run(length=1)

    assert chain.status == Status.FAILED and chain.error_kind == "download_refused"
    assert ProviderCall.objects.get(chain=chain, role=CallRole.IMAGE).outcome == CallOutcome.LOST
    assert_paid_once(chain, fake)


@pytest.mark.parametrize("slow", [{"delay": 2.5}, {"drip": 0.5}], ids=["late", "slow-drip"])
def test_a_call_cut_off_by_its_deadline_is_recorded_and_its_late_picture_never_shown(fake, settings, slow):
    settings.OPENAI_IMAGE_TIMEOUT = 1.0
    fake.enqueue(IMAGES, **slow)  # the server finishes this picture anyway, after the client left

    chain = run(length=1)

    assert chain.status == Status.COMPLETED, chain.error_message
    cut = ProviderCall.objects.get(chain=chain, role=CallRole.IMAGE, attempt=1)
    assert cut.outcome == CallOutcome.TIMED_OUT and cut.cost > 0 and cut.duration_ms < 2000
    assert ProviderCall.objects.get(chain=chain, role=CallRole.IMAGE, attempt=2).outcome == CallOutcome.OK
    assert_paid_once(chain, fake)

"""The overall deadline of a provider call, and the downloader's rules, over real HTTP."""

from __future__ import annotations

import time

import pytest

from chains.providers import build_providers
from chains.providers.base import CaptionRequest, ProviderError
from chains.providers.download import (
    DOWNLOAD_REFUSED,
    REASON_ADDRESS,
    REASON_REDIRECT_HOST,
    REASON_SCHEME,
    ImageDownloader,
)
from chains.providers.http import AddressPolicy, metering, policy_for_server
from tests.fakes.openai_server import CHAT, FILES_PREFIX, chat_completion_json, make_png

DEADLINE = 1.0
SLACK = 0.8  # scheduling on a loaded 2-core machine


@pytest.fixture
def short_deadlines(settings, fake_openai):
    settings.OPENAI_CAPTION_TIMEOUT = DEADLINE
    settings.OPENAI_RETRY_ATTEMPTS = 1
    return fake_openai


def caption_request() -> CaptionRequest:
    return CaptionRequest(image=make_png(), instructions="Describe it.")


def test_a_server_dripping_its_answer_is_cut_off_at_the_deadline(short_deadlines):
    # 400-odd bytes at 64 bytes per 0.4 s: each read is quick, the whole takes ~3 s.
    long_caption = "A red kite over a green hill. " * 10
    short_deadlines.enqueue(CHAT, json=chat_completion_json(long_caption), drip=0.4)
    captioner = build_providers("openai").captioner

    started = time.monotonic()
    with metering() as meter, pytest.raises(ProviderError) as caught:
        captioner.caption(caption_request())

    assert time.monotonic() - started < DEADLINE + SLACK
    assert caught.value.kind == "timed_out" and not caught.value.permanent
    assert meter.timed_out and meter.requests == 1


def test_a_server_that_never_starts_answering_is_cut_off_at_the_deadline(short_deadlines):
    short_deadlines.enqueue(CHAT, json=chat_completion_json("late"), delay=5)
    captioner = build_providers("openai").captioner

    started = time.monotonic()
    with metering() as meter, pytest.raises(ProviderError):
        captioner.caption(caption_request())

    assert time.monotonic() - started < DEADLINE + SLACK
    assert meter.timed_out


def test_a_prompt_answer_within_the_deadline_is_counted_with_its_request_id(short_deadlines):
    with metering() as meter:
        result = build_providers("openai").captioner.caption(caption_request())

    assert result.text and meter.requests == 1 and not meter.timed_out
    assert meter.request_ids == [result.request_id]


# --- the downloader ----------------------------------------------------------------------


def downloader_for(server, **options) -> ImageDownloader:
    return ImageDownloader(server_url=server.url + "/v1", deadline=DEADLINE, **options)


def test_http_from_the_servers_own_host_is_fetched(fake_openai):
    fake_openai.files["a.png"] = make_png()

    assert downloader_for(fake_openai).fetch(f"{fake_openai.url}{FILES_PREFIX}a.png") == make_png()


def test_plain_http_from_another_host_is_refused_without_a_request(fake_openai):
    with pytest.raises(ProviderError) as caught:
        downloader_for(fake_openai).fetch("http://files.example.test/a.png")

    assert caught.value.permanent and REASON_SCHEME in caught.value.message
    assert not fake_openai.requests


@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.7/a.png"])
def test_a_redirect_to_a_private_address_is_refused(fake_openai, target):
    fake_openai.enqueue(FILES_PREFIX, status=302, headers={"Location": target})

    with pytest.raises(ProviderError) as caught:
        downloader_for(fake_openai).fetch(f"{fake_openai.url}{FILES_PREFIX}a.png")

    assert caught.value.permanent and caught.value.kind == "download_refused"
    assert caught.value.message == DOWNLOAD_REFUSED.format(
        url=f"{fake_openai.url}{FILES_PREFIX}a.png", reason=REASON_REDIRECT_HOST.format(host=target.split("/")[2])
    )


def test_a_redirect_within_the_same_host_is_followed(fake_openai):
    fake_openai.files["moved.png"] = make_png()
    fake_openai.enqueue(FILES_PREFIX, status=302, headers={"Location": f"{FILES_PREFIX}moved.png"})

    assert downloader_for(fake_openai).fetch(f"{fake_openai.url}{FILES_PREFIX}a.png") == make_png()


def test_a_picture_over_the_size_cap_is_refused(fake_openai):
    fake_openai.files["big.png"] = make_png(size=256)

    with pytest.raises(ProviderError) as caught:
        downloader_for(fake_openai, limit=100).fetch(f"{fake_openai.url}{FILES_PREFIX}big.png")

    assert caught.value.permanent and "larger than 100 bytes" in caught.value.message


def test_a_dripping_download_is_cut_off_at_the_deadline(fake_openai):
    fake_openai.enqueue(FILES_PREFIX, body=make_png(size=64) * 4, drip=0.4)

    started = time.monotonic()
    with pytest.raises(ProviderError) as caught:
        downloader_for(fake_openai).fetch(f"{fake_openai.url}{FILES_PREFIX}slow.png")

    assert time.monotonic() - started < DEADLINE + SLACK
    assert not caught.value.permanent  # fetched again later, from the same URL


def test_a_public_server_may_not_lead_a_download_to_a_local_address(fake_openai):
    """An https link whose name resolves to loopback, while the image server is public."""
    public = AddressPolicy(server_local=False, resolver=lambda host, port: ["127.0.0.1"])
    downloader = downloader_for(fake_openai, policy=public)

    with pytest.raises(ProviderError) as caught:
        downloader.fetch("https://files.example.test/a.png")

    assert caught.value.permanent and REASON_ADDRESS in caught.value.message
    assert not fake_openai.requests


def test_address_policy():
    public_server = AddressPolicy(server_local=False)
    local_server = policy_for_server("http://127.0.0.1:8080/v1")

    assert public_server.allows("93.184.216.34")
    assert not public_server.allows("127.0.0.1") and not public_server.allows("10.1.2.3")
    assert local_server.server_local
    assert local_server.allows("10.1.2.3") and local_server.allows("127.0.0.1")
    assert not local_server.allows("169.254.169.254"), "link-local (cloud metadata) is never reached"

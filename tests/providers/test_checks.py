"""System checks on the provider configuration, and chain start refusing what cannot work."""

from __future__ import annotations

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from chains.providers import clear_provider_cache
from chains.providers.unscreened import SCREENING_OFF
from chains.services import ChainError
from tests.factories import make_chain
from tests.fakes.openai_server import CHAT, IMAGES


def telephone_messages():
    clear_provider_cache()
    return checks.run_checks(tags=["telephone"])


def by_id(messages, check_id):
    return [message for message in messages if message.id == check_id]


def test_the_default_openai_configuration_is_clean(fake_openai):
    assert telephone_messages() == []


def test_a_retired_model_is_an_error_naming_the_date_and_the_replacement(fake_openai, settings):
    settings.OPENAI_IMAGE_MODEL = "dall-e-3"
    settings.OPENAI_IMAGE_QUALITY = "standard"

    [message] = by_id(telephone_messages(), "telephone.E002")

    assert isinstance(message, checks.Error)
    assert message.msg == "[image] OPENAI_IMAGE_MODEL=dall-e-3 was retired on 2026-05-12; it no longer answers."
    assert message.hint == "Set OPENAI_IMAGE_MODEL=gpt-image-2."


def test_a_shutdown_within_90_days_is_a_warning_with_the_date(fake_openai, settings):
    settings.OPENAI_CAPTION_MODEL = "gpt-4o-mini"

    [message] = telephone_messages()

    assert isinstance(message, checks.Warning) and message.id == "telephone.W001"
    assert "shuts down on 2027-01-14" in message.msg
    assert "gpt-5.4-mini" in message.hint


def test_a_refused_parameter_is_an_error_saying_what_is_accepted(fake_openai, settings):
    settings.OPENAI_IMAGE_QUALITY = "standard"
    settings.OPENAI_IMAGE_STYLE = "vivid"

    messages = by_id(telephone_messages(), "telephone.E003")

    assert sorted(message.msg for message in messages) == [
        "[image] OPENAI_IMAGE_QUALITY=standard is not accepted by gpt-image-2: it accepts low, medium, high, auto.",
        "[image] OPENAI_IMAGE_STYLE=vivid is not accepted by gpt-image-2: it takes no style parameter.",
    ]


def test_shutdown_dates_do_not_apply_to_a_self_hosted_alias(fake_openai, settings):
    settings.OPENAI_CAPTION_BASE_URL = "http://127.0.0.1:9/v1"  # LocalAI names its models like OpenAI's
    settings.OPENAI_CAPTION_MODEL = "gpt-4o"

    assert telephone_messages() == []


def test_screening_turned_off_is_said_out_loud(settings):
    settings.TELEPHONE_PROVIDER = "local"
    settings.TELEPHONE_MODERATOR = "none"

    [message] = telephone_messages()

    assert message.id == "telephone.W002" and SCREENING_OFF in message.msg


def test_an_unknown_backend_is_an_error(settings):
    settings.TELEPHONE_PROVIDER = "local"
    settings.TELEPHONE_PAINTER = "dalle"

    [message] = telephone_messages()

    assert message.id == "telephone.E001" and "'dalle'" in message.msg


def test_manage_py_check_fails_on_a_retired_model(fake_openai, settings):
    settings.OPENAI_IMAGE_MODEL = "gpt-image-1"
    clear_provider_cache()

    with pytest.raises(SystemCheckError) as caught:
        call_command("check")

    assert "gpt-image-1 was retired on 2026-10-23" in str(caught.value)


@pytest.mark.django_db
def test_no_chain_starts_on_a_configuration_that_cannot_work(fake_openai, settings):
    settings.OPENAI_IMAGE_MODEL = "dall-e-3"
    clear_provider_cache()

    with pytest.raises(ChainError) as caught:
        make_chain(provider=None)

    assert "dall-e-3 was retired on 2026-05-12" in caught.value.message
    assert not fake_openai.requests_to(IMAGES) and not fake_openai.requests_to(CHAT)

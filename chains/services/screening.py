"""Automatic pre-screening of what the models make, through the provider's moderator.

A flagged caption or image hides its chain at once and hands it to staff through
the handler named by TELEPHONE_FLAG_HANDLER (the gallery's report queue), so the
engine needs no knowledge of how people review things. Screening failures never
fail a chain: an unscreened step is logged and left for human reports.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from ..cache import content_changed_on_commit
from ..models import Chain
from ..providers import build_providers
from ..providers.base import ProviderError

logger = logging.getLogger(__name__)


def step_screen(*, chain: Chain, step_id: int, text: str = "", image: bytes | None = None) -> bool:
    """Moderate one caption or image; returns True when it was flagged."""
    try:
        moderator = build_providers(chain.provider, chain.provider_settings).moderator
        result = moderator.moderate(text=text, image=image)
    except ProviderError as error:
        logger.warning("chain=%s step=%s could not be screened: %s", chain.pk, step_id, error.message)
        return False
    if result.flagged:
        chain_flag(chain_id=chain.pk, step_id=step_id, categories=result.categories)
    return result.flagged


def chain_flag(*, chain_id: int, step_id: int | None, categories) -> None:
    Chain.objects.filter(pk=chain_id).update(is_hidden=True)
    content_changed_on_commit(chain_id=chain_id)
    handler = import_string(settings.TELEPHONE_FLAG_HANDLER)
    handler(chain_id=chain_id, step_id=step_id, categories=tuple(categories))

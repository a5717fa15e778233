"""Errors in two voices: a fixed sentence for the public, the provider's words for staff.

A provider's error text may quote an API key ("Incorrect API key provided:
sk-proj-Ab12…"), a signed URL or an internal host:port. Visitors therefore never see
it: a failed chain shows one short sentence chosen by the failure's kind and the
role that failed. Staff see the real text, with every key and token masked, and the
logs get the same masking (the log formatters call `redact`).
"""

from __future__ import annotations

import functools
import re

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

SERVICE_NAMES = {
    "caption": "The caption service",
    "image": "The image service",
    "embedding": "The embedding service",
    "moderation": "The screening service",
}
DEFAULT_SERVICE = "The model service"

PUBLIC_MESSAGES = {
    "refused": "{service} refused the request.",
    "unreachable": "{service} could not be reached.",
    "timed_out": "{service} did not answer in time.",
    "rate_limited": "{service} is too busy right now.",
    "content_policy": "{service} declined this content.",
    "bad_answer": "{service} sent an answer that could not be used.",
    "download": "The picture could not be fetched from the image service.",
    "download_refused": "The picture's address was not one we fetch from.",
    "lost": "The picture could not be fetched from the image service.",
    "config": "The site's model settings need attention from staff.",
}
PUBLIC_FALLBACK = "This chain stopped because of an error. Staff have the details."

MASK = "***"
INTERNAL_HOST = "[internal host]"
# sk-..., sk-proj-..., and the like; long enough not to catch ordinary words.
KEY_PATTERN = re.compile(r"\b(?:sk|pk|rk|sess)-[A-Za-z0-9_\-]{6,}[A-Za-z0-9_\-…*.]*")
BEARER_PATTERN = re.compile(r"(?i)\b(bearer|token|api[_-]?key)(\s*[:=]?\s+|[:=]\s*)([^\s,;\"']{6,})")
QUERY_SECRET_PATTERN = re.compile(
    r"(?i)([?&](?:sig|signature|token|key|api_key|access_token|x-amz-signature|x-amz-credential"
    r"|x-amz-security-token|se|sp|sv|skoid|sktid)=)[^&\s\"']+"
)
PRIVATE_HOST_PATTERN = re.compile(
    r"\b(?:localhost|(?:10|127)(?:\.\d{1,3}){3}|192\.168(?:\.\d{1,3}){2}|172\.(?:1[6-9]|2\d|3[01])(?:\.\d{1,3}){2}"
    r"|169\.254(?:\.\d{1,3}){2})(?::\d{1,5})?"
)


def public_message(*, kind: str, role: str = "") -> str:
    """The sentence visitors see for a failure of this kind (never the provider's text)."""
    template = PUBLIC_MESSAGES.get(kind)
    if template is None:
        return PUBLIC_FALLBACK
    return template.format(service=SERVICE_NAMES.get(role, DEFAULT_SERVICE))


def configured_secrets() -> list[str]:
    """Every API key the settings hold, so a key of any shape is masked."""
    values = [getattr(settings, name, "") for name in _secret_setting_names()]
    return [value for value in values if isinstance(value, str) and len(value) >= 4]


@functools.cache
def _secret_setting_names() -> tuple[str, ...]:
    """Looked up once per process, and again when a setting changes: every log line is
    masked, and listing all the settings for each one cost ~0.05 ms a line."""
    return tuple(name for name in dir(settings) if name.endswith(("_API_KEY", "_SECRET_ACCESS_KEY", "_TOKEN")))


@receiver(setting_changed)
def _forget_secret_setting_names(**kwargs) -> None:
    _secret_setting_names.cache_clear()


def mask_secrets(text: str) -> str:
    """The staff voice: keys, tokens and signed-URL credentials replaced by ***."""
    if not text:
        return text
    for secret in configured_secrets():
        text = text.replace(secret, MASK)
    text = KEY_PATTERN.sub(MASK, text)
    text = BEARER_PATTERN.sub(lambda match: f"{match.group(1)}{match.group(2)}{MASK}", text)
    return QUERY_SECRET_PATTERN.sub(lambda match: f"{match.group(1)}{MASK}", text)


def redact(text: str) -> str:
    """What may be written to logs and exports: no secret and no internal host."""
    return PRIVATE_HOST_PATTERN.sub(INTERNAL_HOST, mask_secrets(text))

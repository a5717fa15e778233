"""The ZIP of a chain, built once per version of the chain and kept in storage.

A 200-step chain's archive is ~42 MB of pictures; building it on every request let
anyone make the site read and write that much per click (issue 12). The key names the
version (chains.exports.archive_key), so a stored archive is served as it is until
the chain changes; building a new version removes the chain's older ones.

Two requests may build the same version at once: both write the same content, the
second save is renamed by the storage and removed, so one copy remains.
"""

from __future__ import annotations

import logging

from django.core.files import File
from django.core.files.storage import default_storage

from ..exports import ARCHIVE_FOLDER, archive_key, chain_zip
from ..models import Chain, Step

logger = logging.getLogger(__name__)


def chain_archive(*, chain: Chain, steps: list[Step], document: dict) -> str:
    """The storage key of this version's ZIP, built and stored first if it is missing."""
    key = archive_key(chain=chain, steps=steps, document=document)
    if default_storage.exists(key):
        return key
    with chain_zip(chain=chain, steps=steps, document=document) as spool:
        saved = default_storage.save(key, File(spool, name=key))
    if saved != key:
        default_storage.delete(saved)  # a concurrent build stored the same version first
    _remove_other_versions(chain=chain, keep=key)
    logger.info("chain=%s archive built key=%s", chain.pk, key)
    return key


def _remove_other_versions(*, chain: Chain, keep: str) -> None:
    folder = ARCHIVE_FOLDER.format(chain_id=chain.pk)
    _, files = default_storage.listdir(folder)
    for name in files:
        if folder + name != keep:
            default_storage.delete(folder + name)

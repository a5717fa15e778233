"""Recompute every drift figure and the atlas from the stored steps.

    manage.py recompute_analysis            # fill what is missing, refit what changed
    manage.py recompute_analysis --force    # refit the atlas and every 2-D path regardless

Idempotent: descriptors and similarities are only filled where missing, a chain's 2-D
path is refitted only when its embeddings changed, and the atlas only when its inputs
did (all deterministic, so a forced rerun stores the same numbers).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from chains.models import Chain, Step
from chains.services.analysis import chain_fill_image_drift, chain_refresh_projection_if_changed, chains_refresh_metrics
from chains.services.atlas import BUSY, FAILED, atlas_recompute_now

ATLAS_BUSY = "Another atlas recompute is running; try again when it has finished."
ATLAS_FAILED = "The atlas recompute failed; its traceback is kept on the atlas job (AtlasJob.last_error)."


class Command(BaseCommand):
    help = "Recompute image descriptors, drift figures, 2-D paths, baselines and the atlas."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="refit the atlas and every path")
        parser.add_argument("--skip-atlas", action="store_true", help="only the per-chain figures")

    def handle(self, *args, force: bool, skip_atlas: bool, **options):
        started = time.perf_counter()
        lacking = (
            Step.objects.filter(Q(image_descriptor__isnull=True) | Q(image_similarity_to_origin__isnull=True))
            .values_list("chain_id", flat=True)
            .distinct()
        )
        described = sum(chain_fill_image_drift(chain_id=chain_id) for chain_id in set(lacking))
        projected = sum(
            chain_refresh_projection_if_changed(chain_id=chain_id, force=force)
            for chain_id in Chain.objects.filter(steps__embedding__isnull=False).distinct().values_list("pk", flat=True)
        )
        self.stdout.write(f"Images described: {described}. Chain paths refitted: {projected}.")
        if skip_atlas:
            self.stdout.write(f"Chain figures refreshed: {chains_refresh_metrics()}.")
        else:
            outcome = atlas_recompute_now(force=force)
            if outcome == BUSY:
                raise CommandError(ATLAS_BUSY)
            if outcome == FAILED:
                raise CommandError(ATLAS_FAILED)
            self.stdout.write(f"Atlas: {outcome} (baselines and chain figures refreshed).")
        self.stdout.write(f"Done in {time.perf_counter() - started:.1f} s.")

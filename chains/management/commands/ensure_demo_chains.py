"""Make sure a newcomer's site is never empty: a few demo chains from bundled images."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.management.base import BaseCommand
from PIL import Image
from sklearn.datasets import load_sample_image

from chains.models import Chain, Status
from chains.services import chain_create, chain_start

DEMO_PREFIX = "Demo · "

# (title, sample image shipped inside scikit-learn, mode, detail, theme)
DEMOS = (
    ("Summer palace, told and retold", "china.jpg", "telephone", "obsessively", ""),
    ("A flower, made ever more golden", "flower.jpg", "more", "very", "golden"),
    ("The temple's comic strip", "china.jpg", "story", "excessively", "a traveller looks for shelter"),
    ("A flower, somewhat", "flower.jpg", "telephone", "somewhat", ""),
)


def sample_image_bytes(name: str) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(load_sample_image(name)).save(buffer, format="PNG")
    return buffer.getvalue()


class Command(BaseCommand):
    help = "Create and start the demo chains that are missing (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--steps", type=int, default=settings.TELEPHONE_DEMO_STEPS)

    def handle(self, *args, steps: int, **options):
        existing = set(Chain.objects.filter(title__startswith=DEMO_PREFIX).values_list("title", flat=True))
        created = 0
        for title, image_name, mode, detail, theme in DEMOS:
            full_title = DEMO_PREFIX + title
            if full_title in existing:
                continue
            chain = chain_create(
                image=sample_image_bytes(image_name), target_length=steps, mode=mode, detail=detail,
                theme=theme, title=full_title, provider="local", seed=len(full_title),
            )
            chain_start(chain=chain)
            created += 1
        queued = Chain.objects.filter(title__startswith=DEMO_PREFIX, status=Status.QUEUED)
        for chain in queued:
            chain_start(chain=chain)
        self.stdout.write(f"Demo chains: {created} created, {len(existing)} already there.")

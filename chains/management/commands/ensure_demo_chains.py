"""Make sure a newcomer's site is never empty: demo chains and an experiment from real photos.

The photos are the ones scikit-image and scikit-learn ship (a portrait, a cat, a cup,
a rocket, deep space, a motorcycle, a temple, a flower), run through every mode and
detail level so the atlas has visible islands on a first visit. Demo chains are paced
(`TELEPHONE_DEMO_PACE_SECONDS` per painting, recorded in each chain's provider
settings) so a visitor can watch them grow, and one of them is long enough to still be
painting ten minutes after start-up. The command is idempotent: it creates only the
chains that are missing and (re)starts the ones still queued.
"""

from __future__ import annotations

import zlib

from django.conf import settings
from django.core.management.base import BaseCommand

from chains.models import Chain, Experiment, Status
from chains.providers.local import PACE_KEY
from chains.providers.local.samples import demo_photo
from chains.services import chain_create, chain_start
from chains.services.experiments import experiment_create

DEMO_PREFIX = "Demo · "
LIVE_PREFIX = "Watch the long demo chain paint live: "

# (title, photo, mode, detail, theme)
DEMOS = (
    ("Summer palace, told and retold", "china", "telephone", "obsessively", ""),
    ("A flower, made ever more golden", "flower", "more", "very", "golden"),
    ("The temple's comic strip", "china", "story", "excessively", "a traveller looks for shelter"),
    ("A flower, somewhat", "flower", "telephone", "somewhat", ""),
    ("An astronaut, very", "astronaut", "telephone", "very", ""),
    ("The cat, excessively", "chelsea", "telephone", "excessively", ""),
    ("The cat grows ever more mysterious", "chelsea", "more", "somewhat", "mysterious"),
    ("A cup of coffee, obsessively", "coffee", "telephone", "obsessively", ""),
    ("The breakfast comic", "coffee", "story", "somewhat", "a sleepy cook starts the day"),
    ("A rocket, somewhat", "rocket", "telephone", "somewhat", ""),
    ("Deep field, made ever more stormy", "hubble_deep_field", "more", "excessively", "stormy"),
    ("The motorcycle's road trip", "motorcycle_left", "story", "obsessively", "a rider sets off at dawn"),
    ("A probe's voyage home", "hubble_deep_field", "story", "very", "a lost probe drifts home"),
)
LONG_DEMO = ("Sixty steps from an astronaut", "astronaut", "telephone", "very", "")
EXPERIMENT_TITLE = DEMO_PREFIX + "Experiment: one rocket, four ways"
EXPERIMENT = dict(photo="rocket", details=["somewhat", "obsessively"], modes=["telephone", "more"], theme="golden")


class Command(BaseCommand):
    help = "Create and start the demo chains and the demo experiment that are missing (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--steps", type=int, default=settings.TELEPHONE_DEMO_STEPS)
        parser.add_argument("--long-steps", type=int, default=settings.TELEPHONE_DEMO_LONG_STEPS)
        parser.add_argument(
            "--pace",
            type=float,
            default=settings.TELEPHONE_DEMO_PACE_SECONDS,
            help="Seconds each demo painting waits, so people can watch it grow.",
        )

    def handle(self, *args, steps: int, long_steps: int, pace: float, **options):
        existing = set(Chain.objects.filter(title__startswith=DEMO_PREFIX).values_list("title", flat=True))
        wanted = [(demo, steps) for demo in DEMOS] + [(LONG_DEMO, long_steps)]
        created = 0
        for (title, photo, mode, detail, theme), length in wanted:
            if DEMO_PREFIX + title in existing:
                continue
            chain = chain_create(
                image=demo_photo(photo),
                target_length=length,
                mode=mode,
                detail=detail,
                theme=theme,
                title=DEMO_PREFIX + title,
                provider="local",
                seed=zlib.crc32(title.encode()) % 10_000,
            )
            paced([chain], pace)
            created += 1
        if not Experiment.objects.filter(title=EXPERIMENT_TITLE).exists():
            experiment = experiment_create(
                image=demo_photo(EXPERIMENT["photo"]),
                details=EXPERIMENT["details"],
                modes=EXPERIMENT["modes"],
                models=["local"],
                target_length=steps,
                theme=EXPERIMENT["theme"],
                title=EXPERIMENT_TITLE,
                seed=7,
                start=False,
            )
            paced(list(experiment.chains.all()), pace)
            created += experiment.chains.count()
        for chain in Chain.objects.filter(title__startswith=DEMO_PREFIX, status=Status.QUEUED).order_by("pk"):
            chain_start(chain=chain)
        self.stdout.write(f"Demo chains: {created} created, {len(existing)} already there.")
        long_chain = Chain.objects.filter(title=DEMO_PREFIX + LONG_DEMO[0]).first()
        if long_chain is not None:
            self.stdout.write(LIVE_PREFIX + long_chain.get_absolute_url())


def paced(chains: list[Chain], pace: float) -> None:
    """Record the demo pace in each chain's provider settings, where the painter reads it."""
    for chain in chains:
        if pace > 0:
            Chain.objects.filter(pk=chain.pk).update(provider_settings={**chain.provider_settings, PACE_KEY: pace})

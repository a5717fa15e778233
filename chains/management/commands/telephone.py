"""Play telephone from the command line: one starting image, N steps, a progress bar."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from chains.images import ImageRejected
from chains.models import Chain, Detail, Mode
from chains.providers import ProviderError
from chains.selectors.chains import chain_progress
from chains.services import ChainError, chain_create, chain_run_inline, chain_start

POLL_SECONDS = 0.5


NO_SUCH_FILE = "No such file: {path}"


class Command(BaseCommand):
    help = "Create a chain from an image and run it through the worker (or in-process with --sync)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the starting image (JPEG, PNG or WebP)")
        parser.add_argument("--steps", type=int, default=10, help="images to paint (1-200)")
        parser.add_argument("--detail", choices=Detail.values, default=Detail.VERY)
        parser.add_argument("--mode", choices=Mode.values, default=Mode.TELEPHONE)
        parser.add_argument("--theme", default="", help="'more' mode: the quality; 'story': the premise")
        parser.add_argument("--title", default="")
        parser.add_argument("--provider", default=None, help="local, openai or a dotted module path")
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument("--sync", action="store_true", help="run in this process, no worker")

    def handle(self, *args, **options):
        chain = self._create(options)
        self.stdout.write(f"Chain {chain.slug} created ({chain.provider} provider).")
        with tqdm(total=chain.target_length + 1, unit="step", disable=options["verbosity"] == 0) as bar:
            if options["sync"]:
                chain = chain_run_inline(chain=chain, on_phase=lambda *_: self._advance(bar, chain))
            else:
                chain_start(chain=chain)
                chain = self._follow(chain, bar)
        self._report(chain)

    def _create(self, options) -> Chain:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(NO_SUCH_FILE.format(path=path))
        try:
            return chain_create(
                image=path.read_bytes(),
                target_length=options["steps"],
                mode=options["mode"],
                detail=options["detail"],
                theme=options["theme"],
                title=options["title"] or path.stem,
                provider=options["provider"],
                seed=options["seed"],
            )
        except (ImageRejected, ChainError, ProviderError) as error:
            raise CommandError(error.message) from None

    def _advance(self, bar, chain: Chain) -> None:
        done, _ = chain_progress(chain=chain)
        bar.update(done - bar.n)

    def _follow(self, chain: Chain, bar) -> Chain:
        """Poll the database while a worker does the work; Ctrl-C leaves the chain running."""
        bar.set_description("waiting for a worker")
        while True:
            chain.refresh_from_db()
            self._advance(bar, chain)
            if bar.n:
                bar.set_description("running")
            if chain.is_ended:
                return chain
            time.sleep(POLL_SECONDS)

    def _report(self, chain: Chain) -> None:
        url = settings.SITE_URL.rstrip("/") + chain.get_absolute_url()
        if chain.error_message:
            self.stderr.write(self.style.ERROR(f"Chain {chain.status}: {chain.error_message}"))
        else:
            self.stdout.write(self.style.SUCCESS(f"Chain {chain.status}."))
        self.stdout.write(f"See it at {url}")

"""Write a chain to a folder: original image, image_<i> files and metadata_<i>.json."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chains.exports import chain_export_to_directory
from chains.models import Chain

NO_SUCH_CHAIN = "No chain {chain!r}."


class Command(BaseCommand):
    help = "Export a chain (by id or slug) to DIR, like the original experiments' folders."

    def add_arguments(self, parser):
        parser.add_argument("chain", help="chain id or slug")
        parser.add_argument("directory", type=Path)

    def handle(self, *args, chain: str, directory: Path, **options):
        lookup = {"pk": int(chain)} if chain.isdigit() else {"slug": chain}
        found = Chain.objects.filter(**lookup).first()
        if found is None:
            raise CommandError(NO_SUCH_CHAIN.format(chain=chain))
        files = chain_export_to_directory(chain=found, directory=directory)
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(files)} files to {directory}"))

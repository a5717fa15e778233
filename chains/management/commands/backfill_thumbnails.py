"""Make any thumbnail size a step lacks (after a new size is added), from its original."""

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand

from chains import images
from chains.models import Step


class Command(BaseCommand):
    help = "Create missing thumbnails for existing steps (idempotent)."

    def handle(self, *args, **options):
        missing = Step.objects.filter(thumbnail_tiny="").only("pk", "chain_id", "index", "image")
        done = 0
        for step in missing.iterator(chunk_size=200):
            with step.image.open("rb") as handle:
                clean = images.clean_image(handle.read())
            keys = images.keys_for_original(step.image.name)
            fields = images.thumbnail_fields(keys)
            for field, width in images.THUMBNAIL_WIDTHS.items():
                # Only the sizes that are missing; the original is left untouched.
                if not default_storage.exists(fields[field]):
                    images.overwrite_file(default_storage, fields[field], clean.thumbnails[width])
            Step.objects.filter(pk=step.pk).update(**fields)
            done += 1
        self.stdout.write(f"Backfilled thumbnails for {done} steps.")

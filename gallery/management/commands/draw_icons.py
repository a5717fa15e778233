"""Write the site's icon set (favicon.ico, PNGs, the SVG) to static/icons/ from gallery.icons.

The files are committed, so a deployment needs no drawing step; run this again after
changing the shapes or colours in gallery/icons.py.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from gallery.icons import icon_files


class Command(BaseCommand):
    help = "Draw the favicon set and app icons into static/icons/."

    def add_arguments(self, parser):
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "static" / "icons"))

    def handle(self, *args, out: str, **options):
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in icon_files().items():
            (folder / name).write_bytes(data)
            self.stdout.write(f"{folder / name} ({len(data)} bytes)")

"""Reading the analysis pages in tests."""

from __future__ import annotations

import csv
import io

from chains.models import Attractor, Chain, Step


def word_of(caption: str) -> str:
    """A content word of the caption (full-text search drops stop words like "the")."""
    return max((word.strip(".,;:") for word in caption.split()), key=len)


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


def check_every_page(client, chains: list[Chain]) -> None:
    """Every analysis page renders for this world, whatever its size (0 chains too)."""
    count = len(chains)
    atlas = page(client, "/atlas/")
    if count:
        assert 'class="atlas-map"' in atlas and "atlas-dots" in atlas
        drawn = page(client, f"/atlas/?chain={chains[0].slug}")
        assert 'class="atlas-path"' in drawn and chains[0].title in drawn
    else:
        assert "The atlas appears once" in atlas
    page(client, "/atlas/attractors/")
    for attractor in Attractor.objects.all():
        assert attractor.label in page(client, attractor.get_absolute_url())
    word = word_of(chains[0].steps.get(index=1).caption) if count else "sky"
    results = page(client, f"/search/?q={word}")
    assert ('class="search-result"' in results) == bool(count)
    compared = page(client, "/compare/?" + "&".join(f"chain={c.slug}" for c in chains[:3]))
    assert ("plot-compare" in compared) == bool(count)
    page(client, "/experiments/")
    about = page(client, "/about/")
    assert "Calibration" in about
    rows = list(csv.reader(io.StringIO(page(client, "/research/steps.csv"))))
    assert len(rows) == 1 + Step.objects.filter(chain__in=chains).count()
    if count:
        step_page = page(client, chains[0].steps.get(index=2).get_absolute_url())
        assert "Similar captions in other chains" in step_page
        assert ("similar-list" in step_page) == (count > 1)
        assert "How far it has drifted" in step_page
        timeline = page(client, chains[0].get_absolute_url())
        assert "Half the meaning gone" in timeline and "plot-image" in timeline

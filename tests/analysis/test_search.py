"""Caption search: full-text on PostgreSQL (through its GIN index), icontains elsewhere."""

from __future__ import annotations

import pytest
from django.db import connection

from chains.models import Chain, Screening
from chains.selectors.atlas import steps_search
from tests.factories import make_chain

pytestmark = pytest.mark.django_db


def chain_with_captions(*captions: str, **fields) -> Chain:
    """A chain whose steps carry these captions; a caption is only written once its
    picture passed screening, so each step has."""
    chain = make_chain(target_length=len(captions), **fields)
    for index, caption in enumerate(captions):
        if index:
            chain.steps.create(index=index, image=f"chains/{chain.pk}/{index:03d}.webp")
        chain.steps.filter(index=index).update(caption=caption, image_screen=Screening.PASSED)
    return chain


def test_every_word_must_match_and_only_public_chains_count():
    chain_with_captions("A stormy lighthouse over grey waves", "A quiet meadow at noon")
    hidden = chain_with_captions("A stormy lighthouse, hidden")
    Chain.objects.filter(pk=hidden.pk).update(is_hidden=True)
    found = list(steps_search(query="stormy lighthouse"))
    assert [step.caption for step in found] == ["A stormy lighthouse over grey waves"]
    assert list(steps_search(query="")) == []
    assert list(steps_search(query="lighthouse meadow")) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
def test_postgresql_search_is_stemmed_ranked_and_uses_the_index():
    chain_with_captions("Lighthouses stand over the stormy seas", "A lighthouse", "Nothing relevant")
    found = list(steps_search(query="lighthouse sea"))
    assert [step.caption for step in found] == ["Lighthouses stand over the stormy seas"]
    assert "\x02" in found[0].fragment  # the highlight marker, replaced by <mark> when shown
    assert [s.caption for s in steps_search(query="lighthouse -stormy")] == ["A lighthouse"]
    assert len(steps_search(query="lighthouse or relevant")) == 3
    from django.contrib.postgres.search import SearchQuery, SearchVector

    from chains.models import Step

    # The same expression the search filters on, alone, must be able to use the index.
    matching = Step.objects.annotate(document=SearchVector("caption", config="english")).filter(
        document=SearchQuery("lighthouse", config="english", search_type="websearch")
    )
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        sql, params = matching.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "chains_step_caption_fts" in plan

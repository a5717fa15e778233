"""Queries compiled once per thread (gallery.compiled): the same rows as the ORM gives,
each call's own arguments, and no compiling after the first call (issue 11)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from chains.models import Chain
from chains.selectors.chains import chain_by_slug, chains_for_gallery
from chains.services import chain_run_inline
from gallery.compiled import compiled_once, forget_compiled
from tests.factories import make_chain

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_compilers():
    forget_compiled()
    yield
    forget_compiled()


def loaded(rows) -> list[dict]:
    """What each row holds: its fields as loaded and its annotations."""
    return [{name: value for name, value in vars(row).items() if not name.startswith("_")} for row in rows]


def compilations():
    """Counts top-level compilations (a kept compiler answers without calling the class's as_sql)."""
    return mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql)


def by_slug(slug):
    return chain_by_slug(slug=slug)[:1]


def two_cards_by_drift():
    return chains_for_gallery(sort="drift")[0:2]


def titles_containing(text):
    return Chain.objects.filter(title__icontains=text).order_by("pk")


def test_each_call_gets_the_rows_of_its_own_argument_and_compiles_only_once():
    first, second = make_chain(title="First"), make_chain(title="Second")
    assert compiled_once("test:slug", by_slug, first.slug) == [first]
    with compilations() as compiled, CaptureQueriesContext(connection) as queries:
        again = compiled_once("test:slug", by_slug, second.slug)
        missing = compiled_once("test:slug", by_slug, "no-such-slug")
    assert again == [second] and again[0].title == "Second"
    assert missing == []
    assert compiled.call_count == 0
    assert len(queries) == 2
    assert queries[0]["sql"].count("Second") == 0  # a parameter, not text pasted into the SQL


@pytest.mark.django_db(transaction=True)  # the inline loop's steps follow each commit
def test_kept_rows_hold_what_the_orm_gives_converters_and_annotations_included():
    for n in range(3):
        chain_run_inline(chain=make_chain(target_length=2, title=f"Chain {n}"))
    expected = loaded(two_cards_by_drift())
    assert loaded(compiled_once("test:cards", two_cards_by_drift)) == expected
    assert loaded(compiled_once("test:cards", two_cards_by_drift)) == expected
    assert isinstance(expected[0]["drift_curve"], list) and expected[0]["step_count"] == 3


def test_a_value_the_orm_transforms_is_compiled_every_time_and_still_right():
    make_chain(title="Alpine lake")
    make_chain(title="Desert road")
    assert [chain.title for chain in compiled_once("test:search", titles_containing, "lake")] == ["Alpine lake"]
    with compilations() as compiled:
        assert [chain.title for chain in compiled_once("test:search", titles_containing, "road")] == ["Desert road"]
    assert compiled.call_count == 1


def test_an_argument_its_field_cannot_hold_is_left_to_django(client):
    """A permalink's neighbours are asked for by index: a step number no small integer
    holds must be a 404, as before, not a value the database refuses."""
    chain = make_chain(target_length=2)
    first = client.get(f"/c/{chain.slug}/0/")
    assert first.status_code == 200
    assert client.get(f"/c/{chain.slug}/99999/").status_code == 404
    assert client.get(f"/c/{chain.slug}/0/").content == first.content


def test_a_query_with_nothing_to_ask_runs_none():
    with CaptureQueriesContext(connection) as queries:
        assert compiled_once("test:empty", lambda: Chain.objects.filter(pk__in=[])) == []
    assert len(queries) == 0

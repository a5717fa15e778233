"""Rendered chain cards, album beats, plots and filter widgets, kept by what they show,
so a page miss renders only what changed.

A gallery page misses its cache whenever any public chain moves (and always for a
signed-in visitor), yet 23 of its 24 cards are usually what they were. A card is a
pure function of its chain's row (with the card annotations of
`chains.selectors.chains.chains_with_cards`) and of its template, so each is kept
under a digest of exactly that: every loaded field and annotation, and the
template's own source. A changed chain gets a new key, and an old copy is never
served: there is nothing to invalidate, and a copy kept in this process can never
go stale, only unused.

An album's beats (one per step) and its plots are kept the same way: a signed-in
visitor, or anyone after the chain's version moved, gets the unchanged ones as they were.
So is the home page's filmstrip of its hero chain, by the chain's row and its frames'.

A filter form's widgets are likewise a pure function of the form's class and of the
values it was given (errors included, as they come from those values); they are kept
in this process only, as a deploy that changes them restarts it.

Two levels, as for pages (gallery.views._caching): a small LRU in this process in
front of the shared cache, which is read for all the missing cards in one round
trip. A shared cache outage only costs rendering (telephone_site.cache).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from .lru import BoundedLRU

CARD_TEMPLATE = "gallery/_chain_card.html"
STEP_TEMPLATE = "gallery/_step_card.html"
HERO_TEMPLATE = "gallery/_hero_film.html"
LOCAL_CARDS = 2048  # ~2 KB each: a few MB per process, enough for several pages' worth
LOCAL_STEPS = 4096  # an album's beats (~2.3 KB each) and plots: ~10 MB per process
LOCAL_WIDGETS = 256  # one entry per distinct filter query; ~3 KB each


local_cards = BoundedLRU(LOCAL_CARDS)
local_widgets = BoundedLRU(LOCAL_WIDGETS)
local_steps = BoundedLRU(LOCAL_STEPS)
_template_digest: dict[str, str] = {}


def kept_html(pieces: list[tuple[str, Callable[[], str]]], *, local: BoundedLRU) -> list[str]:
    """The HTML of each (key, render) in order: this process's copy, else the shared
    cache's (one round trip for all), else render() (then kept in both)."""
    keys = [key for key, _ in pieces]
    found = local.get_many(keys)
    wanted = [key for key in keys if key not in found]
    if wanted:
        shared = cache.get_many(wanted)
        local.put_many(shared)
        found.update(shared)
    rendered = {key: render() for key, render in pieces if key not in found}
    if rendered:
        local.put_many(rendered)
        # As long as pages: the bound on a copy made by code a deploy has since changed.
        cache.set_many(rendered, timeout=settings.TELEPHONE_PAGE_CACHE_SECONDS)
        found.update(rendered)
    return [found[key] for key in keys]


def chain_cards_html(chains: Iterable) -> SafeString:
    """The cards of `chains`, in order, as one piece of HTML: kept copies where the
    chain is unchanged, the card template rendered for the rest."""
    pieces = [(_key("card", CARD_TEMPLATE, chain), partial(_render, CARD_TEMPLATE, chain=chain)) for chain in chains]
    return mark_safe("".join(kept_html(pieces, local=local_cards)))


def step_cards_html(steps: Iterable, *, selected=None) -> SafeString:
    """An album's beats (gallery/_step_card.html), kept like chain cards: each reads only
    its step (with what gallery.context.timeline put on it) and whether it is selected."""
    pieces = [
        (
            _key("step", STEP_TEMPLATE, step, step == selected),
            partial(_render, STEP_TEMPLATE, step=step, selected=selected),
        )
        for step in steps
    ]
    return mark_safe("".join(kept_html(pieces, local=local_steps)))


def hero_film_html(hero, frames: list) -> SafeString:
    """The home page's filmstrip (gallery/_hero_film.html): a pure function of the hero
    chain's card row and of its frames (with the lead sentence put on each), kept under
    a digest of all of them. Every home page miss showed the same film, rendered anew."""
    key = _key("hero", HERO_TEMPLATE, hero, [_loaded(frame) for frame in frames])
    render = partial(_render, HERO_TEMPLATE, hero=hero, frames=frames)
    return mark_safe(kept_html([(key, render)], local=local_cards)[0])


def kept_svg(name: str, inputs, render: Callable[[], str]) -> SafeString:
    """A plot kept by a digest of its inputs: a pure function of numbers and strings
    (gallery.plots), the same on every view of an unchanged chain."""
    key = f"plot:{name}:{_digest(repr(inputs))}"
    return mark_safe(kept_html([(key, lambda: str(render()))], local=local_steps)[0])


def clear_kept() -> None:
    """Forget this process's copies (tests; the shared cache is cleared on its own)."""
    for local in (local_cards, local_steps, local_widgets):
        local.clear()


def _render(template: str, **context) -> str:
    """A fragment alone: it reads only what it is given and MEDIA_URL, never the visitor."""
    return str(get_template(template).render({**context, "MEDIA_URL": settings.MEDIA_URL}))


def _key(kind: str, template: str, instance, *extra) -> str:
    """A digest of everything the fragment could show: the row as loaded (with what was
    put on the instance), anything else it depends on, and the template."""
    return f"{kind}:{_digest(repr((_loaded(instance), extra)) + _template_revision(template))}"


def _loaded(instance) -> list:
    """A row's fields as loaded, with what was put on the instance, in a stable order."""
    return sorted((name, value) for name, value in vars(instance).items() if not name.startswith("_"))


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _template_revision(name: str) -> str:
    """The card template's source (and MEDIA_URL), hashed once per process: a deploy that
    changes the card makes every old copy unreachable."""
    revision = _template_digest.get(name)
    if revision is None:
        source = get_template(name).template.source
        revision = hashlib.blake2b(f"{source}\0{settings.MEDIA_URL}".encode(), digest_size=8).hexdigest()
        _template_digest[name] = revision
    return revision


def bound_widgets_html(form) -> dict[str, str]:
    """{field name: its widget's HTML} for a bound form, rendered once per distinct values.

    Django renders each select option through a template: the gallery's seven filter
    boxes cost about as much as its 24 cards, yet a few combinations cover most views."""
    data = [(name, tuple(form.data.getlist(name))) for name in form.fields]
    identity = (type(form).__module__, type(form).__qualname__, data)
    key = hashlib.blake2b(repr(identity).encode(), digest_size=16).hexdigest()
    found = local_widgets.get_many([key])
    if key in found:
        return found[key]
    widgets = {name: str(form[name]) for name in form.fields}
    local_widgets.put_many({key: widgets})
    return widgets

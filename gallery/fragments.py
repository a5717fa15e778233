"""Rendered chain cards (and filter widgets), kept by what they show, so a page miss
renders only what changed.

A gallery page misses its cache whenever any public chain moves (and always for a
signed-in visitor), yet 23 of its 24 cards are usually what they were. A card is a
pure function of its chain's row (with the card annotations of
`chains.selectors.chains.chains_with_cards`) and of its template, so each is kept
under a digest of exactly that: every loaded field and annotation, and the
template's own source. A changed chain gets a new key, and an old copy is never
served: there is nothing to invalidate, and a copy kept in this process can never
go stale, only unused.

A filter form's widgets are likewise a pure function of the form's class and of the
values it was given (errors included, as they come from those values); they are kept
in this process only, as a deploy that changes them restarts it.

Two levels, as for pages (gallery.views._caching): a small LRU in this process in
front of the shared cache, which is read for all the missing cards in one round
trip. A shared cache outage only costs rendering (telephone_site.cache).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

CARD_TEMPLATE = "gallery/_chain_card.html"
LOCAL_CARDS = 2048  # ~2 KB each: a few MB per process, enough for several pages' worth
LOCAL_WIDGETS = 256  # one entry per distinct filter query; ~3 KB each


class _LocalFragments:
    """A thread-safe LRU of rendered fragments; no expiry is needed, as keys carry content."""

    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict[str, str] = OrderedDict()
        self.lock = threading.Lock()

    def get_many(self, keys: Iterable[str]) -> dict[str, str]:
        found = {}
        with self.lock:
            for key in keys:
                value = self.items.get(key)
                if value is not None:
                    self.items.move_to_end(key)
                    found[key] = value
        return found

    def put_many(self, values: dict[str, str]) -> None:
        with self.lock:
            for key, value in values.items():
                self.items[key] = value
                self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


local_cards = _LocalFragments(LOCAL_CARDS)
local_widgets = _LocalFragments(LOCAL_WIDGETS)
_template_digest: dict[str, str] = {}


def chain_cards_html(chains: Iterable) -> SafeString:
    """The cards of `chains`, in order, as one piece of HTML: kept copies where the
    chain is unchanged, the card template rendered for the rest."""
    chains = list(chains)
    keys = [_card_key(chain) for chain in chains]
    found = local_cards.get_many(keys)
    wanted = [key for key in keys if key not in found]
    if wanted:
        shared = cache.get_many(wanted)
        local_cards.put_many(shared)
        found.update(shared)
    rendered = {key: _render_card(chain) for key, chain in zip(keys, chains, strict=True) if key not in found}
    if rendered:
        local_cards.put_many(rendered)
        # As long as pages: the bound on a copy made by code a deploy has since changed.
        cache.set_many(rendered, timeout=settings.TELEPHONE_PAGE_CACHE_SECONDS)
        found.update(rendered)
    return mark_safe("".join(found[key] for key in keys))


def _render_card(chain) -> str:
    """The card alone: it reads only its chain and MEDIA_URL, never the visitor or request."""
    return str(get_template(CARD_TEMPLATE).render({"chain": chain, "MEDIA_URL": settings.MEDIA_URL}))


def _card_key(chain) -> str:
    """A digest of everything the card could show: the row as loaded, and the template."""
    fields = sorted((name, value) for name, value in vars(chain).items() if not name.startswith("_"))
    digest = hashlib.blake2b(repr(fields).encode(), digest_size=16)
    digest.update(_template_revision(CARD_TEMPLATE).encode())
    return f"card:{digest.hexdigest()}"


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

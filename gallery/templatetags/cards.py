"""`{% load cards %}` then `{% chain_cards chains %}`: a list's chain cards, rendered once
per change of each chain rather than once per page view (gallery.fragments)."""

from __future__ import annotations

from django import template

from gallery.fragments import chain_cards_html

register = template.Library()


@register.simple_tag
def chain_cards(chains):
    return chain_cards_html(chains)

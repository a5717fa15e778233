"""`{% load cards %}` then `{% chain_cards chains %}` (a list's chain cards) or
`{% step_cards steps selected %}` (an album's beats) or `{% hero_film hero frames %}` (the
home page's filmstrip): each rendered once per change of what it shows rather than once
per page view (gallery.fragments). `{% step_rail steps
selected %}`: the album's jump links."""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

from gallery.fragments import chain_cards_html, hero_film_html, step_cards_html

register = template.Library()


@register.simple_tag
def chain_cards(chains):
    return chain_cards_html(chains)


@register.simple_tag
def step_cards(steps, selected=None):
    return step_cards_html(steps, selected=selected)


@register.simple_tag
def hero_film(hero, frames):
    return hero_film_html(hero, frames)


@register.simple_tag
def step_rail(steps, selected=None):
    """One link per step. As a template loop, a 150-step album localised 450 numbers (every
    int a template prints is), a tenth of its time; indexes are ints, nothing to escape."""
    links = []
    for step in steps:
        current = ' aria-current="step"' if step == selected else ""
        links.append(f'<li><a href="#step-{step.index:d}" data-index="{step.index:d}"{current}>{step.index:d}</a></li>')
    return mark_safe("".join(links))

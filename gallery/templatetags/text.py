"""`{% load text %}` then `{{ caption|clip:160 }}`: `truncatechars`, cheaper on long ASCII
captions (chains.captions.clip_chars), for the lists that clip one per picture."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import stringfilter

from chains.captions import clip_chars

register = template.Library()


@register.filter(is_safe=True)
@stringfilter
def clip(value: str, length) -> str:
    try:
        length = int(length)
    except ValueError:
        return value  # as truncatechars: a bad length leaves the text alone
    return clip_chars(value, length)

"""`{% screening_notice %}`: the admin's banner when nothing is screened."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from chains.providers import screening_enabled
from chains.providers.unscreened import SCREENING_OFF

register = template.Library()


@register.simple_tag
def screening_notice() -> str:
    if screening_enabled():
        return ""
    return format_html('<ul class="messagelist"><li class="warning">{}</li></ul>', SCREENING_OFF)

"""Helpers every view module shares, so sibling view modules never import each other."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from chains.selectors.chains import chain_by_slug

from ..compiled import compiled_once

ROLE_REQUIRED = "This page needs a role your account does not have; ask an admin."


def chain_or_404(request, slug: str):
    """The chain at this link if this visitor may see it (public or unlisted to anyone,
    private or hidden to its owner and staff), or a 404 that does not say whether it exists."""
    found = compiled_once("chain_by_slug", lambda slug: chain_by_slug(slug=slug)[:1], slug)
    if not found or not found[0].is_visible_to(request.user):
        raise Http404("No such chain.")
    return found[0]


def role_required(may: Callable[[object], bool]):
    """The one gate of the role pages, with one answer everywhere: a visitor is sent to
    the site's own log-in (settings.LOGIN_URL, never the admin's), a signed-in person
    without the role (staff included: roles are permissions, gallery.roles) gets the
    site's 403 page."""

    def decorator(view):
        @wraps(view)
        def gated(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not may(request.user):
                raise PermissionDenied(ROLE_REQUIRED)
            return view(request, *args, **kwargs)

        return gated

    return decorator

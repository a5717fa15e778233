"""Helpers every view module shares, so sibling view modules never import each other."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from chains.selectors.chains import chain_for_viewer

STAFF_ONLY = "Only staff can open this page."


def chain_or_404(request, slug: str):
    """The chain this visitor may see, or a 404 that does not say whether it exists."""
    chain = chain_for_viewer(slug=slug, user=request.user)
    if chain is None:
        raise Http404("No such chain.")
    return chain


def is_staff_member(user) -> bool:
    """Who may moderate, see pending images and start experiments: the one rule the
    staff pages share (extend it here, and every staff page follows)."""
    return bool(user.is_authenticated and user.is_staff)


def staff_required(view):
    """The one gate of the staff pages, with one answer everywhere: a visitor is sent to
    the site's own log-in (settings.LOGIN_URL, never the admin's), a signed-in person
    without the role gets the site's 403 page."""
    @wraps(view)
    def gated(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff_member(request.user):
            raise PermissionDenied(STAFF_ONLY)
        return view(request, *args, **kwargs)

    return gated

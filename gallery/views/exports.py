"""Taking a chain away: its JSON document, a ZIP of the experiments' folder, animations.

Every view finds the chain through `chain_or_404` (and so `Chain.is_visible_to`), so
nothing a visitor may not open on the chain page can be fetched here either.

The chain page only includes the panel's shell (download links and a link to the
animation panel, which htmx loads in place): that page is cached for anonymous
visitors, and a cached copy of an animation's status or of a CSRF token would be wrong.
"""

from __future__ import annotations

from dataclasses import asdict
from urllib.parse import urlencode, urljoin

from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods, require_safe

from accounts.ratelimits import wait_text
from accounts.throttle import throttle_hit
from chains import exports as chain_exports
from chains.animation import (
    ANIMATION_BAD_FORMAT,
    ANIMATION_BAD_FRAME_MS,
    ANIMATION_BAD_WIDTH,
    DEFAULT_FORMAT,
    DEFAULT_FRAME_MS,
    DEFAULT_WIDTH,
    FRAME_TIMES,
    WIDTHS,
    AnimationError,
    AnimationOptions,
    animation_options,
)
from chains.models import AnimationFormat, AnimationStatus
from chains.selectors.chains import chain_animation_find, chain_parent_for_viewer, chain_steps
from chains.services import animation_request, chain_archive, share_cards

from ._common import chain_or_404

PANEL_TEMPLATE = "gallery/_export_panel.html"
PAGE_TEMPLATE = "gallery/chain_export.html"
ANIMATION_POLL_SECONDS = 2
ANIMATION_DEFAULTS = {"format": DEFAULT_FORMAT, "width": DEFAULT_WIDTH, "frame_ms": DEFAULT_FRAME_MS}
ANIMATION_NOT_READY = "This animation is not ready."
SHARE_CARD_MISSING = "This chain has no picture to share yet."
SHARE_CARD_REDIRECT_SECONDS = 300
RENDER_RATE_LIMITED = "You have asked for many animations in a short while. Please try again in {wait}."


def _messages(message: str, *codes: str) -> dict[str, str]:
    return {code: message for code in codes}


class AnimationForm(forms.Form):
    """The animation options; the form's messages are the engine's, and so are its rules."""

    options: AnimationOptions | None = None  # set by clean() once the options are valid

    format = forms.ChoiceField(
        label="Format",
        choices=AnimationFormat.choices,
        error_messages=_messages(ANIMATION_BAD_FORMAT, "required", "invalid_choice"),
    )
    width = forms.TypedChoiceField(
        label="Width",
        choices=[(width, f"{width} px") for width in WIDTHS],
        coerce=int,
        error_messages=_messages(ANIMATION_BAD_WIDTH, "required", "invalid_choice"),
    )
    frame_ms = forms.TypedChoiceField(
        label="Each frame",
        choices=[(ms, f"{ms / 1000:g} s") for ms in FRAME_TIMES],
        coerce=int,
        error_messages=_messages(ANIMATION_BAD_FRAME_MS, "required", "invalid_choice"),
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                self.options = animation_options(**cleaned)
            except AnimationError as error:
                raise forms.ValidationError(error.message) from None
        return cleaned


def _animation_form(data) -> AnimationForm:
    """Bound to `data` over the defaults, so the bare panel URL shows the default options."""
    given = {name: data[name] for name in AnimationForm.base_fields if name in data}
    return AnimationForm({**ANIMATION_DEFAULTS, **given})


def _panel_context(*, chain, form: AnimationForm) -> dict:
    """What the live panel shows: the form, and the animation on record for valid options."""
    context = {"chain": chain, "export_form": form, "poll_seconds": ANIMATION_POLL_SECONDS}
    if form.is_valid():
        context.update(
            options=form.options,
            query=_query(form.options),
            animation=chain_animation_find(chain=chain, options=form.options),
        )
    return context


def _query(options: AnimationOptions) -> str:
    return urlencode(asdict(options))


def _chain_with_document(request, slug: str, *, absolute_url=None):
    """The chain, its steps (one query, reused by the ZIP) and its JSON document."""
    chain = chain_or_404(request, slug)
    steps = list(chain_steps(chain=chain))
    document = chain_exports.chain_document(
        chain=chain,
        steps=steps,
        absolute_url=absolute_url or request.build_absolute_uri,
        parent=chain_parent_for_viewer(chain=chain, user=request.user),
    )
    return chain, steps, document


def _site_url(path: str) -> str:
    """Links inside a stored archive name the site, whoever's request built it."""
    return urljoin(settings.SITE_URL, path)


@require_safe
def chain_json(request, slug: str):
    _, _, document = _chain_with_document(request, slug)
    return JsonResponse(document, json_dumps_params={"indent": 2})


@require_safe
def chain_zip(request, slug: str):
    """Served from storage: built on the first request for this version of the chain."""
    chain, steps, document = _chain_with_document(request, slug, absolute_url=_site_url)
    key = chain_archive(chain=chain, steps=steps, document=document)
    response = FileResponse(
        default_storage.open(key, "rb"),
        as_attachment=True,
        filename=f"{chain.slug}.zip",
        content_type="application/zip",
    )
    # Private chains' archives never sit in a shared cache (the chain page decides who sees them).
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def chain_animation(request, slug: str):
    """GET shows the panel for the options in the query; POST asks for that animation.

    htmx gets the panel alone, which swaps itself in and polls while pending. Without
    JavaScript the panel comes in a page of its own, and a POST redirects to that
    page for the same options (it refreshes itself while the animation is made).
    Asking is for members only, a few times an hour each: a render costs seconds of
    CPU on the renders queue (issue 12).
    """
    chain = chain_or_404(request, slug)
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = _animation_form(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        return _render_panel(request, chain, form, status=400)
    if request.method == "POST":
        limited = _render_rate_limit(request, chain, form)
        if limited:
            return limited
        animation_request(chain=chain, **asdict(form.options))
        if not request.htmx:
            return redirect(f"{request.path}?{_query(form.options)}")
    return _render_panel(request, chain, form)


def _render_rate_limit(request, chain, form: AnimationForm):
    """429 with Retry-After, the panel saying when to come back; nothing is queued."""
    result = throttle_hit(
        scope="render",
        key=str(request.user.pk),
        limit=settings.TELEPHONE_RENDER_RATE_LIMIT,
        window=settings.TELEPHONE_RENDER_RATE_WINDOW_SECONDS,
    )
    if result.allowed:
        return None
    error = RENDER_RATE_LIMITED.format(wait=wait_text(result.retry_after))
    response = _render_panel(request, chain, form, status=429, error=error)
    response["Retry-After"] = str(result.retry_after)
    return response


def _render_panel(request, chain, form: AnimationForm, status: int = 200, error: str = ""):
    context = {**_panel_context(chain=chain, form=form), "render_error": error}
    template = PANEL_TEMPLATE if request.htmx else PAGE_TEMPLATE
    return render(request, template, context, status=status)


@require_safe
def chain_animation_file(request, slug: str, format: str, width: int, frame_ms: int):
    """A lasting link to a ready animation; redirects to storage (whose URLs may expire)."""
    chain = chain_or_404(request, slug)
    try:
        options = animation_options(format=format, width=width, frame_ms=frame_ms)
    except AnimationError:
        raise Http404(ANIMATION_NOT_READY) from None
    animation = chain_animation_find(chain=chain, options=options)
    if animation is None or animation.status != AnimationStatus.READY or not animation.file:
        raise Http404(ANIMATION_NOT_READY)
    return redirect(animation.file.url)


# --- share cards ---------------------------------------------------------------------


@require_safe
def chain_share_card(request, slug: str):
    """The chain's 1200×630 preview picture: made on first request, then kept in storage.

    Pages point their og:image here (an absolute URL on this site, whatever the
    storage); this redirects to the stored file, an absolute S3 URL in production."""
    chain = chain_or_404(request, slug)
    return _card_response(share_cards.chain_card(chain=chain))


@require_safe
def step_share_card(request, slug: str, index: int):
    chain = chain_or_404(request, slug)
    return _card_response(share_cards.step_card(chain=chain, index=index))


def _card_response(card):
    if card is None:
        raise Http404(SHARE_CARD_MISSING)
    key = share_cards.share_card_ensure(card)
    response = redirect(default_storage.url(key))
    # The key names the card's content, but this URL does not: let caches keep it briefly.
    patch_cache_control(response, public=True, max_age=SHARE_CARD_REDIRECT_SECONDS)
    return response

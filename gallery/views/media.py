"""Local media served by Django, with the same visibility rules as the pages.

Chain images live at keys naming their chain and step (chains/<id>/<index>-<token>.jpg), so serving the
media folder blindly would show hidden or private chains to anyone who guesses a
URL. Each request is checked against its chain first. (With S3 or nginx in front,
put private media behind signed URLs or an internal redirect instead.)

The check and the file must be about the same chain. Reading the chain id off the
raw path and then handing the path to a file server that resolves `..` let
`chains/<public>/..%2f<private>/000.jpg` through (issue 12): the check saw the
public chain, the file server opened the private one. So the path is refused unless
it is already in normal form (no `..` or `.` segments, no empty segments, no
backslashes, no encoded slash in the raw request), and the file served is the one
the database row records, found by the chain and step the key names and compared
with the stored name, never a path built from the request. A step's picture waiting
for screening is served to staff only, like the pages.
"""

from __future__ import annotations

import mimetypes
import posixpath
import re
from dataclasses import dataclass

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_safe
from django.views.static import serve

from chains.models import PUBLISHABLE_SCREENING, Chain, ChainAnimation, Step

STEP_MEDIA = re.compile(r"chains/(?P<chain_id>\d+)/(?P<index>\d+)(?:-[0-9a-f]{32})?(?:-w\d+)?\.(?:jpg|webp)")
ANIMATION_MEDIA = re.compile(r"animations/(?P<chain_id>\d+)/[\w-]+\.(?:gif|webp)")
ENCODED_SEPARATOR = re.compile(r"%(?:2f|5c|2e)", re.IGNORECASE)
STEP_FILE_FIELDS = ("image", "thumbnail_tiny", "thumbnail_small", "thumbnail_large")


@dataclass(frozen=True)
class StoredMedia:
    chain: Chain
    name: str
    published: bool = True  # a step's picture that passed screening (or an animation of those)


@require_safe
def media_file(request, path: str):
    name = normal_media_name(request, path)
    stored = stored_media(name) if name else None
    if stored is None or not stored.chain.is_visible_to(request.user):
        raise Http404
    if not stored.published and not getattr(request.user, "is_staff", False):
        raise Http404
    response = serve(request, stored.name, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = media_cache_control(stored.chain)
    return response


def normal_media_name(request, path: str) -> str | None:
    """`path` if it is a plain relative key already in normal form, else None.

    gunicorn and Django decode `%2f` into `/` before the view runs, so the raw
    request line (RAW_URI under gunicorn, REQUEST_URI elsewhere) is checked too.
    """
    raw = request.META.get("RAW_URI") or request.META.get("REQUEST_URI") or ""
    if ENCODED_SEPARATOR.search(raw) or "\\" in path or "\x00" in path:
        return None
    if not path or path.startswith("/") or posixpath.normpath(path) != path:
        return None
    if any(segment in ("", ".", "..") for segment in path.split("/")):
        return None
    return path


def stored_media(name: str) -> StoredMedia | None:
    """The chain a stored file belongs to, from the row that records `name`; else None."""
    step = STEP_MEDIA.fullmatch(name)
    if step is not None:
        return _step_media(name, chain_id=int(step["chain_id"]), index=int(step["index"]))
    animation = ANIMATION_MEDIA.fullmatch(name)
    if animation is not None:
        row = (
            ChainAnimation.objects.filter(chain_id=int(animation["chain_id"]), file=name)
            .select_related("chain")
            .first()
        )
        return StoredMedia(chain=row.chain, name=name) if row else None
    return None


def _step_media(name: str, *, chain_id: int, index: int) -> StoredMedia | None:
    """One indexed lookup (chain, index); the name must be one the step actually stores."""
    row = (
        Step.objects.filter(chain_id=chain_id, index=index)
        .select_related("chain")
        .only(*STEP_FILE_FIELDS, "image_screen", "chain__visibility", "chain__is_hidden", "chain__owner_id")
        .first()
    )
    if row is None or name not in {getattr(row, field).name for field in STEP_FILE_FIELDS}:
        return None
    return StoredMedia(chain=row.chain, name=name, published=row.image_screen in PUBLISHABLE_SCREENING)


def media_cache_control(chain: Chain) -> str:
    """Shared caches may keep a listed chain's files briefly, anything else never.

    Short even when public: a chain can be hidden at any moment, and a browser or
    proxy holding its pictures for a day would keep showing them.
    """
    if chain.is_listed:
        return f"public, max-age={settings.TELEPHONE_PUBLIC_MEDIA_MAX_AGE}"
    return "private, max-age=0, must-revalidate"


def private_file_response(field_file) -> HttpResponse:
    """A pending (unmoderated) file for someone already allowed to see it.

    On S3 the answer is a redirect to a signed URL that expires within minutes
    (TELEPHONE_PRIVATE_URL_SECONDS): the object itself stays private, and a link that
    leaks (a screenshot, a browser history) soon stops working. Local files have no
    such URL, so Django streams them. Neither may sit in a shared cache.
    """
    if getattr(field_file.storage, "querystring_auth", False):
        response: HttpResponse = HttpResponseRedirect(field_file.url)
    else:
        content_type = mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
        response = FileResponse(field_file.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response

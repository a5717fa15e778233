"""Local media served by Django, with the same visibility rules as the pages.

Chain images live at predictable keys (chains/<id>/<index>.jpg), so serving the
media folder blindly would show hidden or private chains to anyone who guesses a
URL. Each request is checked against its chain first. (With S3 or nginx in front,
put private media behind signed URLs or an internal redirect instead.)
"""

from __future__ import annotations

import mimetypes
import re

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_safe
from django.views.static import serve

from chains.models import Chain

CHAIN_MEDIA = re.compile(r"^(?:chains|animations)/(?P<chain_id>\d+)/")


@require_safe
def media_file(request, path: str):
    match = CHAIN_MEDIA.match(path)
    if match is None or not _may_see(request.user, int(match["chain_id"])):
        raise Http404
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _may_see(user, chain_id: int) -> bool:
    chain = Chain.objects.filter(pk=chain_id).only("visibility", "is_hidden", "owner_id").first()
    return chain is not None and chain.is_visible_to(user)


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

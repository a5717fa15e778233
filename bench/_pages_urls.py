"""The site's routes plus `/bench/trivial/`, the baseline the gallery is measured against.

The trivial view goes through the whole middleware stack like any page but does no
work of its own, so "gallery RPS / trivial RPS" isolates what the gallery costs on
top of merely being a Django request on this server.
"""

from django.http import HttpResponse
from django.urls import path

from telephone_site.urls import urlpatterns as site_urlpatterns


def trivial(request):
    """Two bytes, no template, no database, no cache."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial, name="bench-trivial"), *site_urlpatterns]

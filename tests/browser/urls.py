"""The site's routes plus media files, which the test server must serve itself."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from telephone_site.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    *site_urlpatterns,
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]

"""The site's routes plus media files, which the test server must serve itself."""

from django.urls import re_path

from gallery.views.media import media_file
from telephone_site.urls import handler429  # noqa: F401 (allauth looks for it here)
from telephone_site.urls import urlpatterns as site_urlpatterns

urlpatterns = [*site_urlpatterns, re_path(r"^media/(?P<path>.*)$", media_file)]

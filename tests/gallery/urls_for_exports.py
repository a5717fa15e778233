"""The site's routes plus the export routes, until gallery.urls includes them itself."""

from django.urls import include, path

from gallery import urls as gallery_urls
from gallery import urls_exports

_already = {pattern.name for pattern in gallery_urls.urlpatterns}
_exports = [pattern for pattern in urls_exports.urlpatterns if pattern.name not in _already]

urlpatterns = [
    path("", include((gallery_urls.urlpatterns + _exports, "gallery"))),
]

"""Top-level routes: the admin, accounts (allauth), the public gallery, and media in development."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from accounts.views import LoginView
from gallery.views.media import media_file
from telephone_site.health import healthz

urlpatterns = [
    # First: the public pages are most of the traffic, and no gallery route can shadow the
    # ones below (none starts with admin/, accounts/ or healthz), so they resolve soonest.
    path("", include("gallery.urls")),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # allauth's log-in, answering 429 + Retry-After when failures are throttled.
    path("accounts/login/", LoginView.as_view(), name="account_login"),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("accounts.urls")),
]
if settings.SERVE_MEDIA and settings.MEDIA_URL.startswith("/"):
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns.append(re_path(rf"^{media_prefix}(?P<path>.*)$", media_file, name="media"))

# allauth answers refused (rate-limited) actions through this handler.
handler429 = "accounts.views.too_many_requests"
